import recipes from '../../../example/recipes/scoutr.config';
import { shapes } from '../../factories/events';
import {
  apiKey,
  auditRecords,
  expectError,
  expectInvalidQuery,
  get,
  invoke,
  post,
  userRecord,
} from '../../factories/http';
import { as, type Harness, startHarness } from '../../support/harness';

// docs/reference/permissions.md#endpoint-rules-and-the-canonical-path: endpoint rules, key lookup and audit see the path without stage, base path, query
// or trailing slash, each parameter decoded exactly once; longer than 2,048 characters is 414, after the 403 check.

const ids = ['a b', '%41', 'A', 'x/y', 'café'];
let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    seed: {
      items: ids.map((id) => ({ id, name: id })),
      authRecords: [
        apiKey('literal', { permitted_endpoints: [get('/items'), get('/item/%41'), get('/item/a b')] }),
        userRecord('ula', { permitted_endpoints: [get('/items'), get('/item/%41')] }),
        apiKey('any', { permitted_endpoints: [get('/item/.+'), get('/items(/[^/]+/.+)?')] }),
      ],
    },
  });
});
afterAll(() => h.close());

describe('through the local server (a REST API event)', () => {
  it.each([
    { url: '/item/%2541', id: '%41' },
    { url: '/item/a%20b', id: 'a b' },
    { url: '/item/A', id: 'A' },
    { url: '/item/%41', id: 'A' },
    { url: '/item/x%2Fy', id: 'x/y' },
    { url: '/item/caf%C3%A9', id: 'café' },
    { url: '/item/A/', id: 'A' },
  ])('decodes $url exactly once, to the item $id', async ({ url, id }) => {
    // Act
    const res = await h.request('GET', url, { headers: as.key('any') });
    // Assess
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id, name: id });
  });

  it.each([
    { url: '/item/%2541', status: 200 },
    { url: '/item/a%20b', status: 200 },
    { url: '/item/%41', status: 403 },
    { url: '/item/A', status: 403 },
    { url: '/items/', status: 200 },
  ])('matches endpoint rules against the decoded path: $url is $status', async ({ url, status }) => {
    expect((await h.request('GET', url, { headers: as.key('literal') })).status).toBe(status);
  });

  it('decodes a path filter value exactly once', async () => {
    // Act
    const res = await h.request('GET', '/items/name/%2541', { headers: as.key('any') });
    // Assess
    expect(res.body).toEqual([{ id: '%41', name: '%41' }]);
  });

  it('audits the canonical path and the decoded parameters', async () => {
    // Act
    await h.request('GET', '/item/%2541/', { headers: as.key('any') });
    // Assess
    const records = await auditRecords(h);
    expect(records).toContainEqual(
      expect.objectContaining({ path: '/item/%41', path_params: { id: '%41' }, resource_key: '%41' }),
    );
  });
});

describe.each(shapes)('through the Lambda code path ($shape)', ({ event }) => {
  const claims = { sub: 'ula' };

  it.each([
    { where: 'a named stage', spec: { stage: 'prod' } },
    { where: 'a custom-domain base path', spec: { basePath: '/api/v1' } },
  ])('leaves $where out of the path endpoint rules see', async ({ spec }) => {
    const res = await invoke(h.runtime, 'list', event({ ...spec, route: '/items', claims }));
    expect(res.status).toBe(200);
  });

  it('decodes a path parameter exactly once, whether or not API Gateway already did', async () => {
    // Prepare: the client sent /item/%2541; a REST API passes '%2541' on, an HTTP API '%41'
    const e = event({ route: '/item/{id}', params: { id: '%2541' }, claims });
    // Act
    const res = await invoke(h.runtime, 'get', e);
    // Assess
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: '%41', name: '%41' });
  });

  it('sees /item/%41 as /item/A, which the rule for the literal /item/%41 does not permit', async () => {
    const res = await invoke(h.runtime, 'get', event({ route: '/item/{id}', params: { id: '%41' }, claims }));
    expectError(res, 403, 'FORBIDDEN');
  });
});

describe('paths longer than 2,048 characters', () => {
  const long = (n: number) => `/item/${'x'.repeat(n - '/item/'.length)}`;

  it('answers 414 URI_TOO_LONG to a permitted caller', async () => {
    expectError(await h.request('GET', long(2049), { headers: as.key('any') }), 414, 'URI_TOO_LONG');
  });

  it('accepts a path of exactly 2,048 characters', async () => {
    expectError(await h.request('GET', long(2048), { headers: as.key('any') }), 404, 'NOT_FOUND');
  });

  it('checks the endpoint first: 403 for a caller no rule permits', async () => {
    expectError(await h.request('GET', long(3000), { headers: as.key('literal') }), 403, 'FORBIDDEN');
  });

  it('checks the identity first: 401 without a role', async () => {
    expectError(await h.request('GET', long(3000)), 401, 'UNAUTHENTICATED');
  });

  it('measures the decoded path, not the encoded URL', async () => {
    // Prepare: 700 × '%41' is 2,100 characters encoded and 700 decoded
    const url = `/item/${'%41'.repeat(700)}`;
    // Act & Assess
    expectError(await h.request('GET', url, { headers: as.key('any') }), 404, 'NOT_FOUND');
  });

  it('answers 414 on a list route with a long path filter value', async () => {
    const res = await h.request('GET', `/items/name/${'y'.repeat(2100)}`, { headers: as.key('any') });
    expectError(res, 414, 'URI_TOO_LONG');
  });
});

describe('a number partition key', () => {
  let n: Harness;
  beforeAll(async () => {
    n = await startHarness({
      dataTable: { partitionKey: { name: 'id', type: 'N' } },
      seed: {
        items: [
          { id: 1, name: 'one' },
          { id: 2.5, name: 'two and a half' },
        ],
        authRecords: [apiKey('any', { permitted_endpoints: [get('/item/.+'), get('/items'), post('/search/id')] })],
      },
    });
  });
  afterAll(() => n.close());
  const any = as.key('any');

  it.each(['/item/1', '/item/1.0', '/item/1e0', '/item/10e-1', '/item/01', '/item/+1'])(
    'finds the item 1 at %s',
    async (path) => {
      const res = await n.request('GET', path, { headers: any });
      expect(res.body).toEqual({ id: 1, name: 'one' });
    },
  );

  it.each(['/item/abc', '/item/1x', '/item/1e999'])('answers %s with 400 naming the id', async (path) => {
    expectInvalidQuery(await n.request('GET', path, { headers: any }), 'id');
  });

  it('audits the path as sent and the resource_key in canonical form', async () => {
    // Act
    await n.request('GET', '/item/2.50', { headers: any });
    // Assess
    expect(await auditRecords(n)).toContainEqual(
      expect.objectContaining({ path: '/item/2.50', resource: { id: 2.5 }, resource_key: '2.5' }),
    );
  });

  it('types query conditions on the key as numbers', async () => {
    expect((await n.request('GET', '/items?id=1.00', { headers: any })).body).toEqual([{ id: 1, name: 'one' }]);
    expectInvalidQuery(await n.request('GET', '/items?id=abc', { headers: any }), 'id');
  });

  it('answers a search naming one key several ways once', async () => {
    const res = await n.request('POST', '/search/id', { headers: any, body: [1, '1', '1.0', 2.5] });
    expect(res.body).toEqual([
      { id: 1, name: 'one' },
      { id: 2.5, name: 'two and a half' },
    ]);
  });
});

// A parameter is one segment of the path, so it stays one segment of the canonical path: a `/` inside it is written
// `%2F` (docs/reference/permissions.md#endpoint-rules-and-the-canonical-path). Endpoint rules written per segment (`[^/]+`) then reach every id, and no id can
// make an item's path read as another route's.
describe('an id containing a slash', () => {
  let s: Harness;
  const rules = ['GET', 'PATCH', 'DELETE'].map((method) => ({ method, endpoint: '/item/[^/]+' }));
  beforeAll(async () => {
    s = await startHarness({
      seed: {
        items: [
          { id: 'a', name: 'a' },
          { id: 'a/', name: 'a slash' },
        ],
        authRecords: [
          apiKey('writer', { permitted_endpoints: [post('/item'), ...rules] }),
          apiKey('only-a', { permitted_endpoints: [get('/item/a')] }),
        ],
      },
    });
  });
  afterAll(() => s.close());
  const as_ = (key: string) => ({ headers: as.key(key) });

  it('creates evil/x, and a role with /item/[^/]+ reads, changes and deletes it', async () => {
    // Act & Assess
    const created = await s.request('POST', '/item', { ...as_('writer'), body: { id: 'evil/x', name: 'e' } });
    expect(created.status).toBe(201);
    const read = await s.request('GET', '/item/evil%2Fx', as_('writer'));
    expect(read).toMatchObject({ status: 200, body: { id: 'evil/x', name: 'e' } });
    const changed = await s.request('PATCH', '/item/evil%2Fx', { ...as_('writer'), body: { name: 'f' } });
    expect(changed).toMatchObject({ status: 200, body: { id: 'evil/x', name: 'f' } });
    const deleted = await s.request('DELETE', '/item/evil%2Fx', as_('writer'));
    expect(deleted.status).toBe(200);
    expectError(await s.request('GET', '/item/evil%2Fx', as_('writer')), 404, 'NOT_FOUND');
  });

  it('audits the slash encoded in the path and decoded in the parameters', async () => {
    await s.request('GET', '/item/a%2F', as_('writer'));
    expect(await auditRecords(s)).toContainEqual(
      expect.objectContaining({ action: 'GET', path: '/item/a%2F', path_params: { id: 'a/' }, resource_key: 'a/' }),
    );
  });

  it('never reads the item a/ as the item a: a rule for /item/a opens a only', async () => {
    expect((await s.request('GET', '/item/a', as_('only-a'))).body).toEqual({ id: 'a', name: 'a' });
    expectError(await s.request('GET', '/item/a%2F', as_('only-a')), 403, 'FORBIDDEN');
    // a trailing slash of the URL itself is still no part of the path
    expect((await s.request('GET', '/item/a/', as_('only-a'))).body).toEqual({ id: 'a', name: 'a' });
  });
});

describe('/recipe/a%2Fgrants is the recipe a/grants, never the grants of a', () => {
  let r: Harness;
  beforeAll(async () => {
    r = await startHarness({
      // the recipes routes and item roles, without the example's member role: these users hold only their records
      app: { ...recipes, defaultRole: undefined },
      seed: {
        items: [
          { id: 'a', title: 'a' },
          { id: 'a/grants', title: 'a recipe named like a route' },
        ],
        authRecords: [
          userRecord('item-reader', { permitted_endpoints: [get('/recipe/[^/]+')] }),
          userRecord('grants-reader', { permitted_endpoints: [get('/recipe/[^/]+/grants')] }),
        ],
      },
    });
  });
  afterAll(() => r.close());
  const call = (user: string, path: string) => r.request('GET', path, { headers: as.user(user) });
  const ask = (user: string, path: string) =>
    r.request('POST', '/user/has-permission', { headers: as.user(user), body: { method: 'GET', path } });

  it('lets a rule for the grants of any recipe open no recipe', async () => {
    expectError(await call('grants-reader', '/recipe/a%2Fgrants'), 403, 'FORBIDDEN');
    expect((await ask('grants-reader', '/recipe/a%2Fgrants')).body).toMatchObject({ allowed: false });
    expect((await ask('grants-reader', '/recipe/a/grants')).body).toMatchObject({ allowed: true });
  });

  it('lets a rule for any recipe open the recipe a/grants, and not the grants of a', async () => {
    expect((await call('item-reader', '/recipe/a%2Fgrants')).body).toEqual({
      id: 'a/grants',
      title: 'a recipe named like a route',
    });
    expectError(await call('item-reader', '/recipe/a/grants'), 403, 'FORBIDDEN');
    expect((await ask('item-reader', '/recipe/a%2Fgrants')).body).toMatchObject({ allowed: true });
    expect((await ask('item-reader', '/recipe/a/grants')).body).toMatchObject({ allowed: false });
  });
});
