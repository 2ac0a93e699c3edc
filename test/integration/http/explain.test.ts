import { apiKey, expectError, expectInvalidQuery, get, idsOf, oidcGroup, userRecord } from '../../factories/http';
import { as, type Harness, startHarness } from '../../support/harness';

// docs/reference/query-language.md#explaining-a-plan: only for roles with `"explain": true` that permit the request, else 403; answers the
// plan (operation, index, key condition, filter names), never rows or counts.

const everything = [{ method: '*', endpoint: '.*' }];
const callerValue = (attr: string) => `\${user.${attr}}`;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    env: { AUTH_CACHE_SECONDS: '300' }, // the records never change here
    app: { uniqueRoutes: { '/types': 'type' } },
    dataTable: {
      partitionKey: { name: 'id', type: 'S' },
      indexes: [
        { name: 'status-index', partitionKey: { name: 'status', type: 'S' } },
        { name: 'type-name-index', partitionKey: { name: 'type', type: 'S' }, sortKey: { name: 'name', type: 'S' } },
      ],
    },
    seed: {
      items: [
        { id: 'a', type: 'dog', name: 'Rex', status: 'Active', qty: 3 },
        { id: 'b', type: 'cat', name: 'Tom', status: 'Sold', qty: 1 },
        { id: 'c', type: 'dog', status: 'Active' },
      ],
      authRecords: [
        apiKey('admin', { permitted_endpoints: everything, explain: true }),
        apiKey('plain', { permitted_endpoints: everything }),
        apiKey('active-admin', {
          permitted_endpoints: everything,
          explain: true,
          read_filters: [{ field: 'status', value: 'Active' }],
        }),
        apiKey('blind-admin', {
          permitted_endpoints: everything,
          explain: true,
          read_filters: [{ field: 'owner', value: callerValue('email') }],
        }),
        userRecord('eve', { permitted_endpoints: [get('/items')] }),
        oidcGroup('explainers', { explain: true }),
        oidcGroup('explaining-readers', { permitted_endpoints: [get('/items')], explain: true }),
      ],
    },
  });
});
afterAll(() => h.close());

const explain = async (path: string, key = 'admin', method = 'GET', body?: unknown) => {
  const sep = path.includes('?') ? '&' : '?';
  const res = await h.request(method, `${path}${sep}_explain=true`, { headers: as.key(key), body });
  expect(res.status).toBe(200);
  return res.body;
};

describe('without explain permission', () => {
  it.each([
    { method: 'GET', path: '/items' },
    { method: 'GET', path: '/items/type/dog' },
    { method: 'GET', path: '/item/a' },
    { method: 'GET', path: '/types' },
    { method: 'POST', path: '/search/type' },
  ])('answers $method $path?_explain=true with 403', async ({ method, path }) => {
    // Act
    const body = method === 'POST' ? ['dog'] : undefined;
    const res = await h.request(method, `${path}?_explain=true`, { headers: as.key('plain'), body });
    // Assess
    expectError(res, 403, 'FORBIDDEN');
    expect(res.body).toEqual({ error: '_explain is not permitted', code: 'FORBIDDEN' });
  });

  it('reads normally with _explain=false', async () => {
    const res = await h.request('GET', '/items?_explain=false&id=a', { headers: as.key('plain') });
    expect(res.body).toEqual([{ id: 'a', type: 'dog', name: 'Rex', status: 'Active', qty: 3 }]);
  });

  it('answers a malformed query with 400 before the 403', async () => {
    expectInvalidQuery(
      await h.request('GET', '/items?_explain=true&qty__bogus=1', { headers: as.key('plain') }),
      'qty__bogus',
    );
  });

  it('does not count the explain flag of a role that does not permit the request', async () => {
    const res = await h.request('GET', '/items?_explain=true', { headers: as.user('eve', ['explainers']) });
    expectError(res, 403, 'FORBIDDEN');
  });

  it('counts the explain flag of any permitting role', async () => {
    const res = await h.request('GET', '/items?_explain=true', { headers: as.user('eve', ['explaining-readers']) });
    expect(res.status).toBe(200);
  });
});

describe('the plan', () => {
  it.each([
    { path: '/items', plan: { operation: 'Scan' } },
    { path: '/items?qty__gt=1', plan: { operation: 'Scan', filter: ['qty'] } },
    { path: '/items?status=Active', plan: { operation: 'Query', index: 'status-index', keyCondition: ['status eq'] } },
    {
      path: '/items?status=Active&qty__gt=1',
      plan: { operation: 'Query', index: 'status-index', keyCondition: ['status eq'], filter: ['qty'] },
    },
    {
      path: '/items?type=dog&name__startswith=R',
      plan: { operation: 'Query', index: 'type-name-index', keyCondition: ['type eq', 'name startswith'] },
    },
    // An index with a sort key holds only items that have it: without a condition on the sort key, it would lose rows.
    { path: '/items?type=dog', plan: { operation: 'Scan', filter: ['type'] } },
    {
      path: '/items?status=Active&id__startswith=a',
      plan: { operation: 'Query', index: 'status-index', keyCondition: ['status eq'], inMemory: ['id'] },
    },
    { path: '/items/status/Active', plan: { operation: 'Query', index: 'status-index', keyCondition: ['status eq'] } },
    { path: '/items?id=a', plan: { operation: 'GetItem' } },
    { path: '/items?id=a&status=Active', plan: { operation: 'GetItem', inMemory: ['status'] } },
    { path: '/items?id__in=%5B%22a%22,%22b%22%5D', plan: { operation: 'BatchGetItem' } },
    { path: '/item/a', plan: { operation: 'GetItem' } },
    { path: '/types', plan: { operation: 'Scan' } },
  ])('explains GET $path as $plan.operation', async ({ path, plan }) => {
    expect(await explain(path)).toEqual({ plan });
  });

  it('explains a search on an index partition key as one Query per value', async () => {
    expect(await explain('/search/status', 'admin', 'POST', ['Active', 'Sold'])).toEqual({
      plan: { operation: 'Query', index: 'status-index', keyCondition: ['status eq'], sources: 2 },
    });
  });

  it('explains a search on the partition key of an index with a sort key as a Scan', async () => {
    expect(await explain('/search/type', 'admin', 'POST', ['dog'])).toEqual({
      plan: { operation: 'Scan', filter: ['type'] },
    });
  });

  it('finds the items an index with a sort key does not hold', async () => {
    // Act: c has no name, so the type-name-index does not hold it
    const res = await h.request('GET', '/items?type=dog', { headers: as.key('plain') });
    // Assess
    expect(idsOf(res.body)).toEqual(['a', 'c']);
  });

  it("plans with the caller's row filters", async () => {
    expect(await explain('/items', 'active-admin')).toEqual({
      plan: { operation: 'Query', index: 'status-index', keyCondition: ['status eq'] },
    });
  });

  it('answers operation None, and no rows, when the caller can see nothing', async () => {
    expect(await explain('/items', 'blind-admin')).toEqual({ plan: { operation: 'None' } });
  });
});
