// The recipes example (deathnut's demo, docs/tutorials/recipes.md) replayed through HTTP on DynamoDB Local: its own app config,
// seed and DEFAULT_ROLE, exactly as `npm start -- --example recipes` serves them.
import { startExample } from '../../support/examples';
import { as, type Harness } from '../../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startExample('recipes');
});
afterAll(() => h.close());

const as_ = (user: string) => ({ headers: as.user(user) });
const ids = (body: unknown) => (body as { id: string }[]).map((r) => r.id).sort();

it('replays the demo: create, share to view, share to edit, re-share, revoke, and "what may I view"', async () => {
  // user1 creates a recipe; nobody else holds anything
  const created = await h.request('POST', '/recipe', {
    ...as_('user1'),
    body: { title: 'soup', ingredients: ['water', 'salt'] },
  });
  expect(created.status).toBe(201);
  const id = (created.body as { id: string }).id;
  const recipe = `/recipe/${id}`;
  expect((await h.request('GET', recipe, as_('user1'))).status).toBe(200);
  expect((await h.request('GET', recipe, as_('user2'))).status).toBe(404);
  expect(ids((await h.request('GET', '/recipes', as_('user2'))).body)).toEqual([]);

  // user1 lets user2 view it: user2 reads it and lists it, but may not edit it
  const view = await h.request('POST', `${recipe}/grants`, {
    ...as_('user1'),
    body: { user: 'user2', grants: ['view'] },
  });
  expect(view.status).toBe(200);
  expect(view.body).toEqual({ own: ['user1'], edit: ['user1'], view: ['user1', 'user2'] });
  expect((await h.request('GET', recipe, as_('user2'))).status).toBe(200);
  expect(ids((await h.request('GET', '/recipes', as_('user2'))).body)).toEqual([id]);
  expect((await h.request('PATCH', recipe, { ...as_('user2'), body: { title: 'mine' } })).status).toBe(403);
  // a viewer cannot share
  expect(
    (await h.request('POST', `${recipe}/grants`, { ...as_('user2'), body: { user: 'user3', grants: ['view'] } }))
      .status,
  ).toBe(403);

  // user1 lets user2 edit: user2 edits, and may share view (edit grants view) but not edit
  expect(
    (await h.request('POST', `${recipe}/grants`, { ...as_('user1'), body: { user: 'user2', grants: ['edit'] } }))
      .status,
  ).toBe(200);
  const edited = await h.request('PATCH', recipe, { ...as_('user2'), body: { title: 'better soup' } });
  expect(edited.status).toBe(200);
  expect(edited.body).toMatchObject({ title: 'better soup' });
  expect(
    (await h.request('POST', `${recipe}/grants`, { ...as_('user2'), body: { user: 'user3', grants: ['edit'] } }))
      .status,
  ).toBe(403);
  expect(
    (await h.request('POST', `${recipe}/grants`, { ...as_('user2'), body: { user: 'user3', grants: ['view'] } }))
      .status,
  ).toBe(200);
  expect((await h.request('GET', recipe, as_('user3'))).status).toBe(200);
  // only the owner deletes
  expect((await h.request('DELETE', recipe, as_('user2'))).status).toBe(403);

  // user1 revokes user2's roles: user2 sees nothing again; user3 keeps view
  const revoked = await h.request('POST', `${recipe}/grants`, {
    ...as_('user1'),
    body: { user: 'user2', grants: ['view', 'edit'], revoke: true },
  });
  expect(revoked.status).toBe(200);
  expect(revoked.body).toEqual({ own: ['user1'], edit: ['user1'], view: ['user1', 'user3'] });
  expect((await h.request('GET', recipe, as_('user2'))).status).toBe(404);
  expect(ids((await h.request('GET', '/recipes', as_('user3'))).body)).toEqual([id]);

  // user1 cannot give up the last ownership; the history shows every change
  const lockout = await h.request('POST', `${recipe}/grants`, {
    ...as_('user1'),
    body: { user: 'user1', grants: ['own'], revoke: true },
  });
  expect(lockout.status).toBe(409);
  expect(lockout.body).toMatchObject({ code: 'LAST_OWNER' });
  const history = await h.request('GET', `/history/${id}`, as_('user1'));
  expect((history.body as { action: string }[]).map((v) => v.action)).toEqual([
    'REVOKE',
    'GRANT',
    'UPDATE',
    'GRANT',
    'GRANT',
    'CREATE',
  ]);
  expect((await h.request('DELETE', recipe, as_('user1'))).status).toBe(200);
  expect(ids((await h.request('GET', '/recipes', as_('user3'))).body)).toEqual([]);
});

it('lets any signed-in user create (DEFAULT_ROLE), and nobody without an identity', async () => {
  const res = await h.request('POST', '/recipe', { ...as_('someone-new'), body: { title: 'tea', ingredients: [] } });
  expect(res.status).toBe(201);
  expect((await h.request('POST', '/recipe', { body: { title: 'tea' } })).status).toBe(401);
});
