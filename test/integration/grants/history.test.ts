// /history/{id} in an app with item roles (docs/reference/item-roles.md#history): stored versions carry no `_acl`, so `item_role`
// entries are decided on the item's current grants (a deleted item's last ones): the holders of its roles see its
// versions as their read rules allow, everyone else gets 404.
import { startExample } from '../../support/examples';
import { as, type Harness } from '../../support/harness';
import { scanAudit } from '../write/support';

jest.setTimeout(60_000);

let h: Harness;
beforeAll(async () => {
  h = await startExample('recipes');
});
afterAll(() => h.close());

const user = (id: string) => ({ headers: as.user(id) });
const grants = (id: string, by: string, body: Record<string, unknown>) =>
  h.request('POST', `/recipe/${id}/grants`, { ...user(by), body });
type Version = { action: string; item: Record<string, unknown> | null; redacted?: true; user?: { id: string } };

async function recipeWithAHistory(): Promise<string> {
  const created = await h.request('POST', '/recipe', { ...user('user1'), body: { title: 'soup', ingredients: [] } });
  expect(created.status).toBe(201);
  const id = (created.body as { id: string }).id;
  expect((await grants(id, 'user1', { user: 'user2', grants: ['view'] })).status).toBe(200);
  expect((await h.request('PATCH', `/recipe/${id}`, { ...user('user1'), body: { title: 'stew' } })).status).toBe(200);
  return id;
}

it('shows the owner and a viewer every version of the recipe, none redacted, and a stranger 404', async () => {
  // Prepare
  const id = await recipeWithAHistory();
  for (const who of ['user1', 'user2']) {
    // Act
    const res = await h.request('GET', `/history/${id}`, user(who));
    // Assess
    expect(res.status).toBe(200);
    const versions = res.body as Version[];
    expect(versions.map((v) => v.action)).toEqual(['UPDATE', 'GRANT', 'CREATE']);
    expect(versions.filter((v) => v.redacted)).toEqual([]);
    expect(versions.map((v) => v.item?.title)).toEqual(['stew', 'soup', 'soup']);
    expect(versions[0]!.user).toMatchObject({ id: 'user1' });
    expect(JSON.stringify(versions)).not.toContain('_acl');
  }
  expect((await h.request('GET', `/history/${id}`, user('user3'))).status).toBe(404);
});

it('decides on the current grants: a revoked viewer loses the history, a new one gains all of it', async () => {
  const id = await recipeWithAHistory();
  expect((await grants(id, 'user1', { user: 'user2', grants: ['view'], revoke: true })).status).toBe(200);
  expect((await grants(id, 'user1', { user: 'user3', grants: ['view'] })).status).toBe(200);
  expect((await h.request('GET', `/history/${id}`, user('user2'))).status).toBe(404);
  const res = await h.request('GET', `/history/${id}`, user('user3'));
  expect(res.status).toBe(200);
  expect((res.body as Version[]).filter((v) => v.redacted)).toEqual([]);
  expect((res.body as Version[]).map((v) => v.action)).toEqual(['GRANT', 'REVOKE', 'UPDATE', 'GRANT', 'CREATE']);
});

it('decides a deleted recipe on its last grants, kept in its DELETE record and never answered', async () => {
  // Prepare
  const id = await recipeWithAHistory();
  expect((await h.request('DELETE', `/recipe/${id}`, user('user1'))).status).toBe(200);
  // Act
  const owner = await h.request('GET', `/history/${id}`, user('user1'));
  const viewer = await h.request('GET', `/history/${id}`, user('user2'));
  // Assess
  for (const res of [owner, viewer]) {
    expect(res.status).toBe(200);
    const versions = res.body as Version[];
    expect(versions.map((v) => v.action)).toEqual(['DELETE', 'UPDATE', 'GRANT', 'CREATE']);
    expect(versions.filter((v) => v.redacted)).toEqual([]);
  }
  expect((await h.request('GET', `/history/${id}`, user('user3'))).status).toBe(404);
  const record = (await scanAudit(h)).find((r) => r.history_key === id && r.action === 'DELETE')!;
  expect(record._acl).toEqual({ own: ['user1'], edit: ['user1'], view: ['user1', 'user2'] });
  expect(JSON.stringify(owner.body)).not.toContain('_acl');
});
