// OWASP API6:2023 Unrestricted Access to Sensitive Business Flows. Scoutr's defence: the flows that could lock an
// item away or hand it over are decided on a consistent read and written conditioned on the version read (
// docs/reference/writes.md#atomicity-and-optimistic-concurrency), so a race cannot slip past a rule. A revoke that would leave an item without anyone able to
// grant every role is 409 LAST_OWNER, also when two owners revoke each other at once (docs/reference/item-roles.md#the-lockout-rule); a grantee cannot grant
// past their rule (an editor cannot make themselves owner); a write may not move a row out of its writer's own
// reach (docs/reference/permissions.md#writes); and the app's business conditions (a sold pet cannot be repriced) hold on every write path (docs/reference/app-config.md#conditions).
import petstore from '../../example/petstore/scoutr.config';
import { items as pets } from '../../example/petstore/seed';
import { examplePolicyRecords } from '../../scripts/examples';
import { dataTableOf } from '../../src/core/app';
import { expectError } from '../factories/http';
import { snapshot, storedItem } from '../integration/write/support';
import { startExample } from '../support/examples';
import { as, type Harness, startHarness } from '../support/harness';

describe('recipes: nobody locks a recipe away', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startExample('recipes');
  });
  afterAll(() => h.close());

  const user = (id: string) => ({ headers: as.user(id) });
  async function recipe(by = 'user1'): Promise<string> {
    const res = await h.request('POST', '/recipe', { ...user(by), body: { title: 'soup', ingredients: ['water'] } });
    expect(res.status).toBe(201);
    return `/recipe/${(res.body as { id: string }).id}`;
  }
  const grants = (path: string, by: string, body: Record<string, unknown>) =>
    h.request('POST', `${path}/grants`, { ...user(by), body });

  it('answers the last owner revoking their own ownership 409 LAST_OWNER, and writes nothing', async () => {
    // Prepare
    const path = await recipe();
    const before = await snapshot(h);
    // Act
    const res = await grants(path, 'user1', { user: 'user1', grants: ['own'], revoke: true });
    // Assess
    expectError(res, 409, 'LAST_OWNER');
    expect(await snapshot(h)).toEqual(before);
    expect((await h.request('GET', path, user('user1'))).status).toBe(200);
  });

  // Roles do not imply one another in this example: an owner who may read holds own and view.
  const OWNER = ['own', 'edit', 'view'];

  it('lets an owner step down once another owner exists (the control)', async () => {
    const path = await recipe();
    expect((await grants(path, 'user1', { user: 'user2', grants: OWNER })).status).toBe(200);
    const res = await grants(path, 'user1', { user: 'user1', grants: ['own'], revoke: true });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ own: ['user2'] });
    // and now user2 is the last owner
    expectError(await grants(path, 'user2', { user: 'user2', grants: ['own'], revoke: true }), 409, 'LAST_OWNER');
  });

  it('keeps one owner when two owners revoke each other at the same moment', async () => {
    // Prepare: user1 and user2 own the recipe; the second request goes through another container
    const path = await recipe();
    expect((await grants(path, 'user1', { user: 'user2', grants: OWNER })).status).toBe(200);
    const peer = await h.peer();
    // Act
    const [a, b] = await Promise.all([
      h.request('POST', `${path}/grants`, { ...user('user1'), body: { user: 'user2', grants: ['own'], revoke: true } }),
      peer.request('POST', `${path}/grants`, {
        ...user('user2'),
        body: { user: 'user1', grants: ['own'], revoke: true },
      }),
    ]);
    // Assess: one wins; the other, decided again on a fresh read, is refused (409 LAST_OWNER, or 403 if its sender
    // was no longer an owner by then); the recipe keeps exactly one owner
    const statuses = [a.status, b.status].sort();
    expect(statuses[0]).toBe(200);
    expect([403, 409]).toContain(statuses[1]);
    const stored = await storedItem(h, path.slice('/recipe/'.length));
    expect((stored?._acl as { own?: string[] } | undefined)?.own).toHaveLength(1);
  });

  it('does not let an editor make themselves owner, nor a viewer share', async () => {
    // Prepare
    const path = await recipe();
    expect((await grants(path, 'user1', { user: 'user2', grants: ['edit', 'view'] })).status).toBe(200);
    expect((await grants(path, 'user1', { user: 'user3', grants: ['view'] })).status).toBe(200);
    const before = await snapshot(h);
    // Act / Assess
    expectError(await grants(path, 'user2', { user: 'user2', grants: ['own'] }), 403, 'FORBIDDEN');
    expectError(await grants(path, 'user2', { user: 'user1', grants: ['own'], revoke: true }), 403, 'FORBIDDEN');
    expectError(await grants(path, 'user3', { user: 'user3', grants: ['edit'] }), 403, 'FORBIDDEN');
    expectError(await h.request('DELETE', path, user('user2')), 403, 'FORBIDDEN');
    expect(await snapshot(h)).toEqual(before);
  });
});

describe('pet store: writes stay within the rules of the flow', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      app: petstore,
      dataTable: dataTableOf(petstore),
      seed: { items: pets, ...examplePolicyRecords('petstore') },
    });
  });
  afterAll(() => h.close());

  const vet = { headers: as.user('vera', ['vets']) };
  const inventory = { headers: as.key('inventory-key') };
  const alice = { headers: as.user('alice') };

  it('does not let a vet move a dog out of the rows they may update', async () => {
    // vets may update dogs, cats and rabbits, and only notes and status: moving p-1 to "fish" is refused
    const before = await snapshot(h);
    expectError(await h.request('PATCH', '/item/p-1', { ...vet, body: { type: 'fish' } }), 403, 'FORBIDDEN');
    expect(await snapshot(h)).toEqual(before);
    expect((await h.request('PATCH', '/item/p-1', { ...vet, body: { notes: 'checked' } })).status).toBe(200);
  });

  it('does not let staff create a pet already sold', async () => {
    const body = { name: 'Max', type: 'dog', status: 'sold', price: 10 };
    expectError(await h.request('POST', '/item', { ...alice, body }), 403, 'FORBIDDEN');
    expect((await h.request('POST', '/item', { ...alice, body: { ...body, status: 'available' } })).status).toBe(201);
  });

  it('refuses to reprice a sold pet, on the update route and after a sale', async () => {
    // Prepare: p-2 is sold through the custom action
    expect((await h.request('POST', '/item/p-2/sell', { ...inventory, body: { owner: 'sam' } })).status).toBe(200);
    const before = await snapshot(h);
    // Act / Assess
    const res = await h.request('PATCH', '/item/p-2', { ...inventory, body: { price: 1 } });
    expectError(res, 400, 'CONDITION_FAILED');
    expect((res.body as { error: string }).error).toBe('A sold pet cannot be changed this way');
    expect(await snapshot(h)).toEqual(before);
  });
});
