import { apiKey, expectError, expectInvalidQuery, get, oidcGroup, post, userRecord } from '../../factories/http';
import { as, type Harness, startHarness } from '../../support/harness';

// docs/reference/permissions.md#hidden-fields, docs/reference/permissions.md#hidden-fields, docs/reference/permissions.md#hidden-fields: exclude_fields are fields (or nested paths) a caller never sees, filters on, searches or lists
// distinct values of; the hidden set is the union over the roles that permit the request. A malformed request is
// 400 before a hidden field makes it 403.

const reads = [
  get('/items(/.+)?'),
  get('/item/[^/]+'),
  get('/types|/costs|/contacts|/suppliers|/supplier-names|/metas'),
  post('/search/.+'),
];
const e1 = {
  id: 'e1',
  name: 'Rex',
  type: 'dog',
  cost: 200,
  supplier: { name: 'Happy Farms', contact: 'farm@example.com' },
  meta: { level: 2, secret: 's1' },
  tags: ['a'],
};
const e2 = {
  id: 'e2',
  name: 'Tom',
  type: 'cat',
  cost: 40,
  supplier: { name: 'Cat Co', contact: 'cat@example.com' },
  meta: { level: 5 },
};

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    env: { AUTH_CACHE_SECONDS: '300' }, // the records never change here
    app: {
      uniqueRoutes: {
        '/types': 'type',
        '/costs': 'cost',
        '/contacts': 'supplier.contact',
        '/suppliers': 'supplier',
        '/supplier-names': 'supplier.name',
        '/metas': 'meta',
      },
    },
    seed: {
      items: [{ ...e1, _version: 3 }, e2],
      groups: [{ group_id: 'hide-supplier', exclude_fields: ['supplier'] }],
      authRecords: [
        apiKey('hider', { permitted_endpoints: reads, exclude_fields: ['cost', 'supplier.contact', 'meta.secret'] }),
        apiKey('seer', { permitted_endpoints: reads }),
        apiKey('grouped', { permitted_endpoints: reads, groups: ['hide-supplier'] }),
        userRecord('uma', { permitted_endpoints: reads, exclude_fields: ['cost'] }),
        oidcGroup('no-meta', { permitted_endpoints: reads, exclude_fields: ['meta'] }),
        oidcGroup('not-counting', { permitted_endpoints: [get('/user')], exclude_fields: ['name'] }),
      ],
    },
  });
});
afterAll(() => h.close());

const hider = as.key('hider');
const { cost: _c1, ...e1WithoutCost } = e1;
const e1Hidden = { ...e1WithoutCost, supplier: { name: 'Happy Farms' }, meta: { level: 2 } };
const { cost: _c2, ...e2WithoutCost } = e2;
const e2Hidden = { ...e2WithoutCost, supplier: { name: 'Cat Co' }, meta: { level: 5 } };

describe('hidden fields are absent from answers', () => {
  it('leaves hidden fields and nested paths out of a list', async () => {
    const res = await h.request('GET', '/items', { headers: hider });
    expect(res.body).toEqual(expect.arrayContaining([e1Hidden, e2Hidden]));
    expect(res.body).toHaveLength(2);
  });

  it('leaves them out of GET /item/{id}', async () => {
    expect((await h.request('GET', '/item/e1', { headers: hider })).body).toEqual(e1Hidden);
  });

  it('leaves them out of search answers', async () => {
    const res = await h.request('POST', '/search/type', { headers: hider, body: ['dog'] });
    expect(res.body).toEqual([e1Hidden]);
  });

  it('shows every field to a role without exclusions, but never the reserved _version', async () => {
    // Act
    const res = await h.request('GET', '/item/e1', { headers: as.key('seer') });
    // Assess
    expect(res.body).toEqual(e1);
    expect(res.headers.get('etag')).toBe('"3"');
  });

  it("hides a group's exclusion, whole map included", async () => {
    const res = await h.request('GET', '/item/e1', { headers: as.key('grouped') });
    const { supplier: _s, ...rest } = e1;
    expect(res.body).toEqual(rest);
  });

  it('hides the union of the exclusions of every permitting role', async () => {
    const res = await h.request('GET', '/item/e1', { headers: as.user('uma', ['no-meta']) });
    const { meta: _m, ...rest } = e1WithoutCost;
    expect(res.body).toEqual(rest);
  });

  it('ignores the exclusions of a role that does not permit the request', async () => {
    const res = await h.request('GET', '/item/e1', { headers: as.user('uma', ['not-counting']) });
    expect(res.body).toEqual(e1WithoutCost);
  });
});

describe('filtering on a hidden path is 403', () => {
  it.each([
    { query: 'cost=200', fields: ['cost'] },
    { query: 'cost__gt=1', fields: ['cost'] },
    { query: 'cost__in=[200]', fields: ['cost'] },
    { query: 'cost__exists=true', fields: ['cost'] },
    { query: 'cost__length__gt=1', fields: ['cost'] },
    { query: 'cost=1&cost=2', fields: ['cost'] },
    { query: 'supplier.contact=farm%40example.com', fields: ['supplier.contact'] },
    { query: 'supplier.contact__startswith=f', fields: ['supplier.contact'] },
    { query: 'supplier.contact.domain=example.com', fields: ['supplier.contact.domain'] },
    { query: 'supplier__exists=true', fields: ['supplier'] },
    { query: 'meta__exists=true', fields: ['meta'] },
    { query: 'meta.secret__exists=false', fields: ['meta.secret'] },
    { query: 'type=dog&cost__lt=1000', fields: ['cost'] },
  ])('answers 403 to ?$query, naming $fields', async ({ query, fields }) => {
    // Act
    const res = await h.request('GET', `/items?${query}`, { headers: hider });
    // Assess
    expectError(res, 403, 'FORBIDDEN');
    expect((res.body as { details?: unknown }).details).toEqual({ fields });
  });

  it.each(['supplier.name=Happy%20Farms', 'meta.level=2', 'supplier.name__startswith=H'])(
    'allows the visible sibling path ?%s',
    async (query) => {
      const res = await h.request('GET', `/items?${query}`, { headers: hider });
      expect(res.status).toBe(200);
      expect(res.body).toEqual([e1Hidden]);
    },
  );

  it.each(['/items/cost/200', '/items/supplier.contact/x', '/items/supplier/x', '/items/meta.secret/s1'])(
    'answers 403 to the path filter %s',
    async (path) => {
      expectError(await h.request('GET', path, { headers: hider }), 403, 'FORBIDDEN');
    },
  );

  it('answers 403 to a filter on a hidden path of GET /item/{id}', async () => {
    expectError(await h.request('GET', '/item/e1?cost__gt=1', { headers: hider }), 403, 'FORBIDDEN');
  });
});

describe('searching or listing distinct values of a hidden path is 403', () => {
  it.each(['cost', 'supplier', 'supplier.contact', 'supplier.contact.x', 'meta', 'meta.secret'])(
    'answers 403 to POST /search/%s',
    async (field) => {
      const res = await h.request('POST', `/search/${field}`, { headers: hider, body: ['x'] });
      expectError(res, 403, 'FORBIDDEN');
    },
  );

  it('searches a visible nested path', async () => {
    const res = await h.request('POST', '/search/supplier.name', { headers: hider, body: ['Cat Co'] });
    expect(res.body).toEqual([e2Hidden]);
  });

  it.each(['/costs', '/contacts', '/suppliers', '/metas'])('answers 403 to the unique route %s', async (path) => {
    expectError(await h.request('GET', path, { headers: hider }), 403, 'FORBIDDEN');
  });

  it('answers 403 to a unique route filtered on a hidden path', async () => {
    expectError(await h.request('GET', '/types?cost__gt=1', { headers: hider }), 403, 'FORBIDDEN');
  });

  it('lists the distinct values of a visible nested path', async () => {
    expect((await h.request('GET', '/supplier-names', { headers: hider })).body).toEqual(['Cat Co', 'Happy Farms']);
  });
});

describe('a malformed request is 400 before a hidden path makes it 403', () => {
  it.each([
    { query: 'cost__bogus=1', param: 'cost__bogus' },
    { query: 'cost=', param: 'cost' },
    { query: 'cost__in=[1', param: 'cost__in' },
    { query: 'cost__between=[1]', param: 'cost__between' },
    { query: 'cost__exists=maybe', param: 'cost__exists' },
    { query: 'supplier.contact__gt=1&supplier.contact__gt=2', param: 'supplier.contact__gt' },
    { query: 'meta.secret__length=x', param: 'meta.secret__length' },
    { query: 'cost=1&_limit=0', param: '_limit' },
  ])('answers 400 to ?$query', async ({ query, param }) => {
    expectInvalidQuery(await h.request('GET', `/items?${query}`, { headers: hider }), param);
  });

  it('answers 400 to a path filter with an operator on a hidden field', async () => {
    expectInvalidQuery(await h.request('GET', '/items/cost__gt/1', { headers: hider }), 'search_key');
  });

  it.each([
    { what: 'malformed JSON', body: '[1,', code: 'INVALID_JSON' },
    { what: 'an object', body: '{"a":1}', code: 'INVALID_BODY' },
    { what: 'an empty array', body: '[]', code: 'INVALID_BODY' },
  ])('answers 400 $code to a search of a hidden field with $what', async ({ body, code }) => {
    expectError(await h.request('POST', '/search/cost', { headers: hider, body }), 400, code);
  });
});
