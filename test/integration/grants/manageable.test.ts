// An item never becomes unmanageable (docs/reference/item-roles.md#the-lockout-rule): after any grant or revoke some user still holds a role that both
// reads the item and grants every role (else 409 LAST_OWNER), and a revoke never takes a role from a user who holds a
// role the caller's rule could not grant (403). The attacks change nothing; the examples' own flows keep working.
import { expectError } from '../../factories/http';
import { startExample } from '../../support/examples';
import { as, type Harness } from '../../support/harness';
import { snapshot, storedItem } from '../write/support';

jest.setTimeout(60_000);

describe('recipes (own, edit, view; no implication)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startExample('recipes');
  });
  afterAll(() => h.close());

  const user = (id: string) => ({ headers: as.user(id) });
  const grants = (path: string, by: string, body: Record<string, unknown>) =>
    h.request('POST', `${path}/grants`, { ...user(by), body });
  async function recipe(): Promise<string> {
    const res = await h.request('POST', '/recipe', { ...user('user1'), body: { title: 'soup', ingredients: [] } });
    expect(res.status).toBe(201);
    return `/recipe/${(res.body as { id: string }).id}`;
  }
  /** user1 owns the recipe; user2 may edit it (edit grants view). */
  async function shared(): Promise<string> {
    const path = await recipe();
    expect((await grants(path, 'user1', { user: 'user2', grants: ['edit', 'view'] })).status).toBe(200);
    return path;
  }
  async function expectOwnerKeepsTheRecipe(path: string): Promise<void> {
    expect((await h.request('GET', path, user('user1'))).status).toBe(200);
    const acl = await h.request('GET', `${path}/grants`, user('user1'));
    expect(acl.status).toBe(200);
    expect(acl.body).toMatchObject({ own: ['user1'], view: expect.arrayContaining(['user1']) });
  }

  it("refuses an editor revoking the owner's view (403), writes nothing, and the owner keeps the recipe", async () => {
    // Prepare
    const path = await shared();
    const before = await snapshot(h);
    // Act
    const res = await grants(path, 'user2', { user: 'user1', grants: ['view'], revoke: true });
    // Assess
    expectError(res, 403, 'FORBIDDEN');
    expect((res.body as { error: string }).error).toMatch(/edit, own/);
    expect(await snapshot(h)).toEqual(before);
    await expectOwnerKeepsTheRecipe(path);
  });

  it('refuses an editor revoking the view of another editor, whose edit their rule cannot grant', async () => {
    const path = await shared();
    expect((await grants(path, 'user1', { user: 'user3', grants: ['edit', 'view'] })).status).toBe(200);
    const before = await snapshot(h);
    expectError(await grants(path, 'user2', { user: 'user3', grants: ['view'], revoke: true }), 403, 'FORBIDDEN');
    expect(await snapshot(h)).toEqual(before);
  });

  it('refuses it also when there is nothing to take (the target is decided on, not the change)', async () => {
    const path = await shared();
    expect((await grants(path, 'user1', { user: 'user3', grants: ['own'] })).status).toBe(200); // own without view
    const before = await snapshot(h);
    expectError(await grants(path, 'user2', { user: 'user3', grants: ['view'], revoke: true }), 403, 'FORBIDDEN');
    expect(await snapshot(h)).toEqual(before);
  });

  it('refuses the last owner revoking their own view with 409 LAST_OWNER, and writes nothing', async () => {
    // Prepare: user2 may edit and view, but only user1 owns
    const path = await shared();
    const before = await snapshot(h);
    // Act
    const res = await grants(path, 'user1', { user: 'user1', grants: ['view'], revoke: true });
    // Assess
    expectError(res, 409, 'LAST_OWNER');
    expect(await snapshot(h)).toEqual(before);
    await expectOwnerKeepsTheRecipe(path);
  });

  it('counts an owner who cannot read the recipe as no owner: giving own alone to another does not help', async () => {
    const path = await recipe();
    expect((await grants(path, 'user1', { user: 'user2', grants: ['own'] })).status).toBe(200);
    expectError(await grants(path, 'user1', { user: 'user1', grants: ['view'], revoke: true }), 409, 'LAST_OWNER');
    expectError(await grants(path, 'user1', { user: 'user1', grants: ['own'], revoke: true }), 409, 'LAST_OWNER');
    // once user2 also views, user1 may leave
    expect((await grants(path, 'user1', { user: 'user2', grants: ['view'] })).status).toBe(200);
    const left = await grants(path, 'user1', { user: 'user1', grants: ['own', 'edit', 'view'], revoke: true });
    expect(left.status).toBe(200);
    expect(left.body).toEqual({ own: ['user2'], view: ['user2'] });
    expect((await h.request('GET', path, user('user1'))).status).toBe(404);
    expect((await h.request('GET', `${path}/grants`, user('user2'))).status).toBe(200);
  });

  it('keeps the legitimate flows: an owner revokes an editor; an editor shares and unshares view', async () => {
    const path = await shared();
    expect((await grants(path, 'user2', { user: 'user3', grants: ['view'] })).status).toBe(200);
    const unshared = await grants(path, 'user2', { user: 'user3', grants: ['view'], revoke: true });
    expect(unshared.status).toBe(200);
    expect(unshared.body).toEqual({ own: ['user1'], edit: ['user1', 'user2'], view: ['user1', 'user2'] });
    const revoked = await grants(path, 'user1', { user: 'user2', grants: ['edit', 'view'], revoke: true });
    expect(revoked.body).toEqual({ own: ['user1'], edit: ['user1'], view: ['user1'] });
    // an owner may drop edit: they still read and grant every role
    const dropped = await grants(path, 'user1', { user: 'user1', grants: ['edit'], revoke: true });
    expect(dropped.status).toBe(200);
    const stored = await storedItem(h, path.slice('/recipe/'.length));
    expect(stored?._acl).toEqual({ own: ['user1'], view: ['user1'] });
  });
});

describe('repos (admin ⇒ maintainer ⇒ contributor)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startExample('repos');
  });
  afterAll(() => h.close());

  const user = (id: string) => ({ headers: as.user(id) });
  const grants = (repo: string, by: string, body: Record<string, unknown>) =>
    h.request('POST', `/repo/${repo}/grants`, { ...user(by), body });

  it("refuses a maintainer revoking the admin's contributor (implied), and writes nothing", async () => {
    // Prepare: larry (admin of gmail) makes anne maintainer
    expect((await grants('gmail', 'larry', { user: 'anne', grants: ['maintainer'] })).status).toBe(200);
    const before = await snapshot(h);
    // Act / Assess: larry holds contributor only through admin, which a maintainer's rule cannot grant
    expectError(
      await grants('gmail', 'anne', { user: 'larry', grants: ['contributor'], revoke: true }),
      403,
      'FORBIDDEN',
    );
    expect(await snapshot(h)).toEqual(before);
  });

  it('lets a maintainer add and remove a contributor, and an admin step down once another admin exists', async () => {
    expect((await grants('gmail', 'larry', { user: 'graham', grants: ['contributor'] })).status).toBe(200);
    expect((await grants('gmail', 'larry', { user: 'anne', grants: ['maintainer'] })).status).toBe(200);
    expect((await grants('gmail', 'anne', { user: 'graham', grants: ['contributor'], revoke: true })).status).toBe(200);
    expectError(await grants('gmail', 'larry', { user: 'larry', grants: ['admin'], revoke: true }), 409, 'LAST_OWNER');
    expect((await grants('gmail', 'larry', { user: 'anne', grants: ['admin'] })).status).toBe(200);
    const res = await grants('gmail', 'larry', { user: 'larry', grants: ['admin'], revoke: true });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ admin: ['anne'], maintainer: ['anne'] });
  });

  it('leaves alone a repository nobody administers: its maintainer still shares contributor', async () => {
    // react (seeded) has a maintainer and no admin: no grant or revoke there can take away what it never had
    expect((await grants('react', 'anne', { user: 'sam', grants: ['contributor'] })).status).toBe(200);
    expect((await grants('react', 'anne', { user: 'sam', grants: ['contributor'], revoke: true })).status).toBe(200);
  });
});
