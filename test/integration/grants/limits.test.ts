// Grants at DynamoDB's limits, and the record of every grant request (docs/reference/item-roles.md#storage-and-atomicity, docs/reference/errors.md#the-error-body, docs/reference/audit.md#the-audit-record): a key the grants table
// cannot hold is refused at create (400, naming the field), a grant that would push the item past 400 KB is 413, both
// with nothing written; a grant already held or a revoke of what is not held is audited like a read.
import { defineApp } from '../../../src/core/define-app';
import { auditRecords, expectError } from '../../factories/http';
import { startExample } from '../../support/examples';
import { as, type Harness, startHarness } from '../../support/harness';
import { snapshot } from '../write/support';

jest.setTimeout(60_000);

describe('a key longer than the grants table holds (1,024 bytes)', () => {
  it.each([
    { example: 'recipes' as const, path: '/recipe', body: { id: 'r'.repeat(1100), title: 'soup', ingredients: [] } },
    { example: 'repos' as const, path: '/repo', body: { name: 'n'.repeat(1101), is_public: true, description: 'd' } },
    { example: 'recipes' as const, path: '/recipe', body: { id: 'é'.repeat(513), title: 'soup', ingredients: [] } },
  ])(
    'is refused on create in $example with 400 naming the key, and nothing is written',
    async ({ example, path, body }) => {
      const h = await startExample(example);
      try {
        // Prepare
        const field = example === 'recipes' ? 'id' : 'name';
        const before = await snapshot(h);
        // Act
        const res = await h.request('POST', path, { headers: as.user('larry'), body });
        // Assess
        expectError(res, 400, 'INVALID_BODY');
        expect(res.body).toMatchObject({ details: { field } });
        expect((res.body as { error: string }).error).toMatch(new RegExp(`^${field}: .*at most 1024 bytes`));
        expect(await snapshot(h)).toEqual(before);
        // a key of exactly 1,024 bytes is still created
        const ok = { ...body, [field]: 'k'.repeat(1024) };
        expect((await h.request('POST', path, { headers: as.user('larry'), body: ok })).status).toBe(201);
      } finally {
        await h.close();
      }
    },
  );
});

describe('grants on a recipe near the 400 KB item limit, and their audit records', () => {
  const app = defineApp({
    routes: { items: 'recipes', item: 'recipe' },
    itemRoles: {
      roles: ['own', 'edit', 'view'],
      creator: ['own', 'edit', 'view'],
      grants: [{ requires: 'own', grants: ['own', 'edit', 'view'] }],
    },
  });
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      app,
      seed: {
        groups: [
          {
            group_id: 'cooks',
            permitted_endpoints: [{ method: '*', endpoint: '/recipe/[^/]+(/grants)?' }],
            read_filters: [{ item_role: 'view' }],
          },
        ],
        authRecords: [{ id: 'user1', type: 'USERNAME', groups: ['cooks'] }],
        // 400 KB is 409,600 bytes: this item (and its `_acl`) leaves less than a long user id of room
        items: [
          { id: 'big', blob: 'b'.repeat(409_600 - 1_000) },
          { id: 'small', title: 'soup' },
        ],
        grants: [
          { item: 'big', user: 'user1', roles: ['own', 'edit', 'view'] },
          { item: 'small', user: 'user1', roles: ['own', 'edit', 'view'] },
        ],
      },
    });
  });
  afterAll(() => h.close());

  const grant = (id: string, body: Record<string, unknown>) =>
    h.request('POST', `/recipe/${id}/grants`, { headers: as.user('user1'), body });

  it('answers 413 PAYLOAD_TOO_LARGE for a grant that would push the item past 400 KB, and writes nothing', async () => {
    // Prepare
    const before = await snapshot(h);
    // Act
    const res = await grant('big', { user: 'u'.repeat(1024), grants: ['view'] });
    // Assess
    expectError(res, 413, 'PAYLOAD_TOO_LARGE');
    expect(await snapshot(h)).toEqual(before);
    expect((await grant('big', { user: 'u2', grants: ['view'] })).status).toBe(200);
    // and openapi.json says so (the document of a caller who may grant)
    const doc = (await h.request('GET', '/openapi.json', { headers: as.user('user1') })).body as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    expect(Object.keys(doc.paths['/recipe/{id}/grants']!.post!.responses)).toContain('413');
  });

  it('audits a grant already held and a revoke of what is not held like a read, changing nothing else', async () => {
    // Prepare
    expect((await grant('small', { user: 'user2', grants: ['view'] })).status).toBe(200);
    const before = await snapshot(h);
    // Act
    const again = await grant('small', { user: 'user2', grants: ['view'] });
    const notHeld = await grant('small', { user: 'user3', grants: ['edit'], revoke: true });
    // Assess: the answers, and nothing changed but two new audit records
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ own: ['user1'], edit: ['user1'], view: ['user1', 'user2'] });
    expect(notHeld.status).toBe(200);
    const after = await snapshot(h);
    expect({ data: after.data, grants: after.grants }).toEqual({ data: before.data, grants: before.grants });
    const seen = new Set(before.audit.map((r) => r.id));
    const added = (await auditRecords(h)).filter((r) => !seen.has(r.id as string));
    expect(added).toHaveLength(2);
    const byAction = Object.fromEntries(added.map((r) => [r.action as string, r]));
    expect(byAction.GRANT).toMatchObject({
      method: 'POST',
      path: '/recipe/small/grants',
      resource: { id: 'small' },
      resource_key: 'small',
      body: { user: 'user2', grants: ['view'] },
      user: { id: 'user1' },
    });
    expect(byAction.REVOKE).toMatchObject({ body: { user: 'user3', grants: ['edit'], revoke: true } });
    // like a read: no version, so /history does not list them, and they expire as reads do
    for (const r of added) {
      expect(r).not.toHaveProperty('history_key');
      expect(r).not.toHaveProperty('version');
      expect(r).toHaveProperty('expire_time');
    }
  });
});
