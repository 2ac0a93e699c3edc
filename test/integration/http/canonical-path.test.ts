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

// SPEC.md §3 "Canonical path": endpoint rules, key lookup and audit see the path without stage, base path, query
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
