// Per-item roles and grants through the local server on DynamoDB Local (docs/reference/item-roles.md#creating): the creator's roles, the
// grants endpoints in SPEC order (400 → 404 → 403 → 409 LAST_OWNER), the item_role filter on every action, the
// grants table kept in step with `_acl` in one transaction, audit and history, and concurrent grants.
import { type Row, scanAudit, snapshot, storedItem } from '../write/support';
import { recipesTests } from './recipes';

jest.setTimeout(60_000);

const { h, call, newRecipe, grantRowsOf, expectNothingWritten } = recipesTests([
  'user1',
  'user2',
  'user3',
  ...Array.from({ length: 12 }, (_, i) => `friend${i}`),
]);
const grant = (who: string, id: string, body: unknown) => call(who, 'POST', `/recipe/${id}/grants`, body);

describe('create', () => {
  it('gives the creator every creator role, in _acl and in the grants table, and never answers _acl', async () => {
    // Act
    const res = await call('user1', 'POST', '/recipe', { title: 'soup', ingredients: ['water'] });
    // Assess
    expect(res.status).toBe(201);
    const id = (res.body as { id: string }).id;
    expect(res.body).toEqual({ id, title: 'soup', ingredients: ['water'] });
    const stored = (await storedItem(h, id))!;
    expect(stored._acl).toEqual({ own: ['user1'], edit: ['user1'], view: ['user1'] });
    expect(await grantRowsOf(id)).toEqual([{ principal: 'user1', item_key: id, roles: ['edit', 'own', 'view'] }]);
    const got = await call('user1', 'GET', `/recipe/${id}`);
    expect(got.status).toBe(200);
    expect(got.body).not.toHaveProperty('_acl');
    // and the audit record's post-image holds no _acl either
    const record = (await scanAudit(h)).find((r) => r.history_key === id)!;
    expect(record.item).not.toHaveProperty('_acl');
    expect(record.changed).not.toContain('_acl');
  });

  it('refuses a body naming _acl with 400 and writes nothing', async () => {
    await expectNothingWritten(async () => {
      const res = await call('user1', 'POST', '/recipe', { title: 'x', _acl: { own: ['user3'] } });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'INVALID_BODY', details: { field: '_acl' } });
    });
  });

  it('refuses an update naming _acl with 400 and writes nothing', async () => {
    const id = await newRecipe();
    await expectNothingWritten(async () => {
      const res = await call('user1', 'PATCH', `/recipe/${id}`, { _acl: { own: ['user3'] } });
      expect(res.status).toBe(400);
    });
  });
});

describe('the item_role filter on each action', () => {
  it('lets only holders read (404 for others), edit holders update (403 for viewers), owners delete', async () => {
    const id = await newRecipe();
    expect((await call('user2', 'GET', `/recipe/${id}`)).status).toBe(404);
    expect((await grant('user1', id, { user: 'user2', grants: ['view'] })).status).toBe(200);
    expect((await call('user2', 'GET', `/recipe/${id}`)).status).toBe(200);
    expect((await call('user2', 'PATCH', `/recipe/${id}`, { title: 'mine' })).status).toBe(403);
    expect((await grant('user1', id, { user: 'user2', grants: ['edit'] })).status).toBe(200);
    expect((await call('user2', 'PATCH', `/recipe/${id}`, { title: 'mine' })).status).toBe(200);
    expect((await call('user2', 'DELETE', `/recipe/${id}`)).status).toBe(403);
    expect((await call('user1', 'DELETE', `/recipe/${id}`)).status).toBe(200);
  });

  it('lists exactly the recipes the caller may view', async () => {
    const mine = await newRecipe('user3', 'user3 only');
    const shared = await newRecipe('user1', 'shared with user3');
    expect((await grant('user1', shared, { user: 'user3', grants: ['view'] })).status).toBe(200);
    const res = await call('user3', 'GET', '/recipes');
    expect(res.status).toBe(200);
    const ids = (res.body as { id: string }[]).map((r) => r.id).sort();
    expect(ids).toEqual([mine, shared].sort());
    for (const r of res.body as Row[]) expect(r).not.toHaveProperty('_acl');
  });
});

describe('POST /{item}/{id}/grants', () => {
  it('answers the direct grants, keeps the grants row in step, and is audited as GRANT then REVOKE in /history', async () => {
    const id = await newRecipe();
    // Act
    const granted = await grant('user1', id, { user: 'user2', grants: ['view', 'edit'] });
    // Assess
    expect(granted.status).toBe(200);
    expect(granted.body).toEqual({ own: ['user1'], edit: ['user1', 'user2'], view: ['user1', 'user2'] });
    expect((await grantRowsOf(id)).find((r) => r.principal === 'user2')).toEqual({
      principal: 'user2',
      item_key: id,
      roles: ['edit', 'view'],
    });
    const revoked = await grant('user1', id, { user: 'user2', grants: ['view', 'edit'], revoke: true });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toEqual({ own: ['user1'], edit: ['user1'], view: ['user1'] });
    expect((await grantRowsOf(id)).map((r) => r.principal)).toEqual(['user1']);
    const history = await call('user1', 'GET', `/history/${id}`);
    expect(history.status).toBe(200);
    const actions = (history.body as { action: string }[]).map((v) => v.action);
    expect(actions).toEqual(['REVOKE', 'GRANT', 'CREATE']);
    const records = (await scanAudit(h)).filter((r) => r.history_key === id && r.action !== 'CREATE');
    expect(records.map((r) => r.body)).toEqual(
      expect.arrayContaining([
        { user: 'user2', grants: ['view', 'edit'] },
        { user: 'user2', grants: ['view', 'edit'], revoke: true },
      ]),
    );
  });

  it('lets an editor grant view but not edit, and a viewer grant nothing (403)', async () => {
    const id = await newRecipe();
    await grant('user1', id, { user: 'user2', grants: ['edit', 'view'] });
    await grant('user1', id, { user: 'user3', grants: ['view'] });
    expect((await grant('user2', id, { user: 'friend0', grants: ['view'] })).status).toBe(200);
    await expectNothingWritten(async () => {
      const res = await grant('user2', id, { user: 'friend1', grants: ['edit'] });
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ code: 'FORBIDDEN' });
      expect((await grant('user3', id, { user: 'friend1', grants: ['view'] })).status).toBe(403);
      expect((await grant('user2', id, { user: 'friend1', grants: ['view'], requires: 'own' })).status).toBe(403);
    });
  });

  it('answers 404, not 403, to a caller who cannot see the item', async () => {
    const id = await newRecipe();
    await expectNothingWritten(async () => {
      const res = await grant('user3', id, { user: 'user3', grants: ['own'] });
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ code: 'NOT_FOUND' });
    });
  });

  it.each([
    { what: 'an unknown role', body: { user: 'user2', grants: ['cook'] }, field: 'grants' },
    { what: 'no user', body: { grants: ['view'] }, field: 'user' },
    { what: 'a non-string user', body: { user: 7, grants: ['view'] }, field: 'user' },
    { what: 'an empty user', body: { user: '', grants: ['view'] }, field: 'user' },
    { what: 'empty grants', body: { user: 'user2', grants: [] }, field: 'grants' },
    { what: 'grants not a list', body: { user: 'user2', grants: 'view' }, field: 'grants' },
    { what: 'an unknown requires', body: { user: 'user2', grants: ['view'], requires: 'chef' }, field: 'requires' },
    { what: 'a non-boolean revoke', body: { user: 'user2', grants: ['view'], revoke: 'yes' }, field: 'revoke' },
    { what: 'an unknown field', body: { user: 'user2', grants: ['view'], role: 'view' }, field: 'role' },
  ])('answers 400 naming the field for $what, before the 404, and writes nothing', async ({ body, field }) => {
    const id = await newRecipe();
    await expectNothingWritten(async () => {
      // user3 cannot see the item: the body's 400 comes first (docs/reference/item-roles.md#order-of-checks)
      const res = await grant('user3', id, body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'INVALID_BODY', details: { field } });
      expect((res.body as { error: string }).error).toMatch(new RegExp(`^${field}: `));
    });
  });

  it('answers 400 for a body that is not an object', async () => {
    const id = await newRecipe();
    for (const body of ['["view"]', '"view"', '{']) {
      const res = await grant('user1', id, body);
      expect(res.status).toBe(400);
    }
  });

  it('refuses to revoke the last owner with 409 LAST_OWNER, and allows it once someone else owns the item', async () => {
    const id = await newRecipe();
    await expectNothingWritten(async () => {
      const res = await grant('user1', id, { user: 'user1', grants: ['own'], revoke: true });
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ code: 'LAST_OWNER' });
    });
    // someone else must own the item and read it (docs/reference/item-roles.md#the-lockout-rule): own alone would leave nobody who sees it
    expect((await grant('user1', id, { user: 'user2', grants: ['own', 'view'] })).status).toBe(200);
    const res = await grant('user1', id, { user: 'user1', grants: ['own'], revoke: true });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ own: ['user2'], edit: ['user1'], view: ['user1', 'user2'] });
  });

  it('changes no item and no grants row for a grant already held or a revoke of what is not held', async () => {
    const id = await newRecipe();
    await grant('user1', id, { user: 'user2', grants: ['view'] });
    const before = await snapshot(h);
    const again = await grant('user1', id, { user: 'user2', grants: ['view'] });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ own: ['user1'], edit: ['user1'], view: ['user1', 'user2'] });
    const notHeld = await grant('user1', id, { user: 'user3', grants: ['edit'], revoke: true });
    expect(notHeld.status).toBe(200);
    // only their audit records are written, as for reads (test/integration/grants/limits.test.ts)
    const after = await snapshot(h);
    expect({ data: after.data, grants: after.grants }).toEqual({ data: before.data, grants: before.grants });
  });

  it('keeps every one of 12 concurrent grants on one item', async () => {
    const id = await newRecipe();
    const friends = Array.from({ length: 12 }, (_, i) => `friend${i}`);
    // Act
    const replies = await Promise.all(friends.map((f) => grant('user1', id, { user: f, grants: ['view'] })));
    // Assess
    expect(replies.map((r) => r.status)).toEqual(friends.map(() => 200));
    const stored = (await storedItem(h, id))!;
    expect((stored._acl as { view: string[] }).view).toEqual(['user1', ...friends].sort());
    expect((await grantRowsOf(id)).map((r) => r.principal).sort()).toEqual(['user1', ...friends].sort());
    for (const f of friends) expect((await call(f, 'GET', `/recipe/${id}`)).status).toBe(200);
    const grants = (await scanAudit(h)).filter((r) => r.history_key === id && r.action === 'GRANT');
    expect(grants).toHaveLength(12);
  });
});

describe('GET /{item}/{id}/grants', () => {
  it('answers holders of a granting role, 403 to a mere viewer, 404 to a stranger', async () => {
    const id = await newRecipe();
    await grant('user1', id, { user: 'user2', grants: ['view'] });
    const owner = await call('user1', 'GET', `/recipe/${id}/grants`);
    expect(owner.status).toBe(200);
    expect(owner.body).toEqual({ own: ['user1'], edit: ['user1'], view: ['user1', 'user2'] });
    expect((await call('user2', 'GET', `/recipe/${id}/grants`)).status).toBe(403);
    expect((await call('user3', 'GET', `/recipe/${id}/grants`)).status).toBe(404);
  });
});

describe('delete', () => {
  it("removes the item's grants rows in the same transaction", async () => {
    const id = await newRecipe();
    await grant('user1', id, { user: 'user2', grants: ['view'] });
    expect(await grantRowsOf(id)).toHaveLength(2);
    expect((await call('user1', 'DELETE', `/recipe/${id}`)).status).toBe(200);
    expect(await grantRowsOf(id)).toEqual([]);
  });
});
