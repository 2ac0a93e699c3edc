import type { JsonOut } from '../../../src/core/json';
import { apiKey, auditRecords, expectError, expectInvalidQuery, get } from '../../factories/http';
import { as, type Harness, startHarness } from '../../support/harness';

// docs/reference/endpoints.md#unique-routes: the distinct values of one field among visible items (query filters apply), list
// elements counted one by one, ordered numbers → strings → booleans; not paginated.

const shout = (values: JsonOut[]) => values.map((v) => (typeof v === 'string' ? v.toUpperCase() : v));

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    env: { AUTH_CACHE_SECONDS: '300' }, // the records never change here
    app: {
      uniqueRoutes: {
        '/types': 'type',
        '/tags': 'tags',
        '/mixed': 'mixed',
        '/levels': 'meta.level',
        '/loud-types': { field: 'type', transform: shout },
        '/nothing': 'absent',
      },
    },
    dataTable: {
      partitionKey: { name: 'id', type: 'S' },
      indexes: [{ name: 'status-index', partitionKey: { name: 'status', type: 'S' } }],
    },
    seed: {
      items: [
        { id: 'u1', type: 'dog', status: 'Active', tags: ['b', 'a'], mixed: 10, meta: { level: 2 } },
        { id: 'u2', type: 'cat', status: 'Active', tags: ['a', 'c'], mixed: 'b', meta: { level: 2 } },
        { id: 'u3', type: 'dog', status: 'Sold', tags: [], mixed: true, meta: { level: 10 } },
        { id: 'u4', type: 'bird', status: 'Sold', mixed: 2 },
        { id: 'u5', type: 'fish', mixed: 'B' },
        { id: 'u6', mixed: '10' },
        { id: 'u7', mixed: false },
        { id: 'u8', mixed: [2, 'a', true] },
        { id: 'u9', mixed: 'a' },
      ],
      authRecords: [
        apiKey('all', { permitted_endpoints: [get('/[a-z-]+')] }),
        apiKey('active', {
          permitted_endpoints: [get('/[a-z-]+')],
          read_filters: [{ field: 'status', value: 'Active' }],
        }),
        apiKey('elsewhere', { permitted_endpoints: [get('/items')] }),
        apiKey('none', { permitted_endpoints: [get('/[a-z-]+')], read_filters: [{ field: 'status', value: 'Gone' }] }),
      ],
    },
  });
});
afterAll(() => h.close());

const distinct = async (path: string, key = 'all') => {
  const res = await h.request('GET', path, { headers: as.key(key) });
  expect(res.status).toBe(200);
  return res.body;
};

it('answers the distinct values of the field, each once, sorted', async () => {
  expect(await distinct('/types')).toEqual(['bird', 'cat', 'dog', 'fish']);
});

it('counts each element of a list value, and nothing for an empty list or a missing field', async () => {
  expect(await distinct('/tags')).toEqual(['a', 'b', 'c']);
});

it('orders numbers numerically, then strings by code point, then booleans', async () => {
  expect(await distinct('/mixed')).toEqual([2, 10, '10', 'B', 'a', 'b', false, true]);
});

it('lists the values of a nested path', async () => {
  expect(await distinct('/levels')).toEqual([2, 10]);
});

it('answers an empty array when no item has the field', async () => {
  expect(await distinct('/nothing')).toEqual([]);
});

it('applies query filters', async () => {
  expect(await distinct('/types?status=Sold')).toEqual(['bird', 'dog']);
  expect(await distinct('/tags?type=dog')).toEqual(['a', 'b']);
});

it("applies the caller's row filters", async () => {
  expect(await distinct('/types', 'active')).toEqual(['cat', 'dog']);
  expect(await distinct('/types?type=bird', 'active')).toEqual([]);
});

it('answers an empty array to a caller who can see no row', async () => {
  expect(await distinct('/types', 'none')).toEqual([]);
});

it('post-processes the values with the route transform', async () => {
  expect(await distinct('/loud-types')).toEqual(['BIRD', 'CAT', 'DOG', 'FISH']);
});

it.each([
  { query: '_limit=1', param: '_limit' },
  { query: '_cursor=abc', param: '_cursor' },
  { query: 'status__bogus=1', param: 'status__bogus' },
])('answers ?$query with 400: unique routes are not paginated and parse like lists', async ({ query, param }) => {
  expectInvalidQuery(await h.request('GET', `/types?${query}`, { headers: as.key('all') }), param);
});

it('answers a caller without a permitting rule with 403', async () => {
  expectError(await h.request('GET', '/types', { headers: as.key('elsewhere') }), 403, 'FORBIDDEN');
});

it('writes one LIST audit record, without a resource key', async () => {
  // Prepare
  const before = await auditRecords(h);
  // Act
  await h.request('GET', '/types?status=Sold', { headers: as.key('all') });
  // Assess
  const added = (await auditRecords(h)).filter((r) => !before.some((b) => b.id === r.id));
  expect(added).toEqual([
    expect.objectContaining({ action: 'LIST', path: '/types', query_params: { status: 'Sold' } }),
  ]);
  expect(added[0]).not.toHaveProperty('resource_key');
});
