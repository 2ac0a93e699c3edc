import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import app from '../../../example/petstore/scoutr.config';
import { dataTableOf } from '../../../src/core/app';
import { routesFor } from '../../../src/core/routes';
import { openApiDocument } from '../../../src/http/openapi';
import { matchRoute } from '../../../src/http/router';
import { as, type Harness, startHarness } from '../../support/harness';

// openapi.json as the local server serves it, and the answers of every route against the schemas it documents.

type Doc = ReturnType<typeof openApiDocument>;
type Responses = Record<string, { content?: Record<string, { schema: unknown }> }>;

let h: Harness;
let served: Doc;
beforeAll(async () => {
  h = await startHarness({
    app,
    dataTable: dataTableOf(app),
    seed: {
      items: [
        { id: 'p1', type: 'dog', name: 'Rex', price: 10, status: 'available', tags: ['a'] },
        { id: 'p2', type: 'cat', name: 'Tom', price: 20, status: 'pending' },
      ],
      authRecords: [
        { id: 'admin-key', type: 'API_KEY', permitted_endpoints: [{ method: '*', endpoint: '.*' }], explain: true },
        { id: 'reader-key', type: 'API_KEY', permitted_endpoints: [{ method: 'GET', endpoint: '/items' }] },
      ],
    },
  });
  // admin-key may call every route and sees every field: its document is the whole one.
  served = (await h.request('GET', '/openapi.json', { headers: as.key('admin-key') })).body as Doc;
});
afterAll(() => h?.close());

describe('GET /openapi.json', () => {
  it('serves the whole document generated for the app to a caller who may call every route', async () => {
    const res = await h.request('GET', '/openapi.json', { headers: as.key('admin-key') });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body).toEqual(JSON.parse(JSON.stringify(openApiDocument(app))));
  });

  it('serves what is committed as openapi.json', () => {
    expect(served).toEqual(JSON.parse(readFileSync(resolve(__dirname, '../../../openapi.json'), 'utf8')));
  });
});

describe('every answer matches the schema documented for its route and status', () => {
  const BASE = 'https://scoutr.test/openapi.json';
  let ajv: Ajv2020;
  beforeAll(() => {
    ajv = new Ajv2020({ strict: false, allErrors: true });
    ajv.addSchema({ $id: BASE, components: served.components });
  });
  /** the documented schema of an answer, its local $refs pointing into the served document */
  const schemaFor = (method: string, path: string, status: number) => {
    const match = matchRoute(routesFor(app), method, path);
    if (!match) throw new Error(`no route for ${method} ${path}`);
    const op = served.paths[match.route.path]?.[method.toLowerCase()] as { responses: Responses } | undefined;
    const schema = op?.responses[String(status)]?.content?.['application/json']?.schema;
    if (!schema) return undefined;
    return JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', `"${BASE}#/components/`));
  };

  const today = new Date().toISOString().slice(0, 10);
  it.each([
    { method: 'GET', path: '/items', status: 200 },
    { method: 'GET', path: '/items?_explain=true', status: 200 },
    { method: 'GET', path: '/items/type/dog', status: 200 },
    { method: 'GET', path: '/items/status/available', status: 200 },
    { method: 'GET', path: '/types', status: 200 },
    { method: 'GET', path: '/types?_explain=true', status: 200 },
    { method: 'POST', path: '/search/type', body: ['dog'], status: 200 },
    { method: 'POST', path: '/search/type?_explain=true', body: ['dog'], status: 200 },
    { method: 'GET', path: '/item/p1', status: 200 },
    { method: 'GET', path: '/item/p1?_explain=true', status: 200 },
    {
      method: 'POST',
      path: '/item',
      body: { type: 'bird', name: 'Tweety', price: 3, status: 'available' },
      status: 201,
    },
    { method: 'PUT', path: '/item/p1', body: { price: 12 }, status: 200 },
    { method: 'PATCH', path: '/item/p1', body: { tags: null }, status: 200 },
    { method: 'POST', path: '/item/p1/sell', body: { owner: 'o-1' }, status: 200 },
    { method: 'PUT', path: '/item/p2', body: { price: 21 }, status: 200 },
    { method: 'DELETE', path: '/item/p2', status: 200 },
    { method: 'GET', path: `/audit?time__gte=${today}`, status: 200 },
    { method: 'GET', path: '/audit/p1', status: 200 },
    { method: 'GET', path: '/audit/p2', status: 200 },
    { method: 'GET', path: '/audit?_explain=true', status: 400 },
    { method: 'GET', path: '/history/p1', status: 200 },
    { method: 'GET', path: '/history/p2', status: 200 },
    { method: 'GET', path: '/user', status: 200 },
    { method: 'POST', path: '/user/has-permission', body: { method: 'DELETE', path: '/item/p1' }, status: 200 },
    { method: 'GET', path: '/item/absent', status: 404 },
    { method: 'GET', path: '/items?price__between=x', status: 400 },
    { method: 'POST', path: '/item', body: { id: 'p1', type: 'dog', name: 'Rex', price: 1 }, status: 400 },
    { method: 'GET', path: '/item/p1', key: 'reader-key', status: 403 },
    { method: 'GET', path: '/items', key: 'unknown-key', status: 401 },
  ] as { method: string; path: string; body?: unknown; key?: string; status: number }[])(
    '$method $path → $status',
    async ({ method, path, body, key, status }) => {
      // Act
      const res = await h.request(method, path, { headers: as.key(key ?? 'admin-key'), body });
      // Assess
      expect(res.status).toBe(status);
      if (Array.isArray(res.body)) expect(res.body.length).toBeGreaterThan(0); // something to check
      const schema = schemaFor(method, path.split('?')[0]!, status);
      expect(schema).toBeDefined(); // every answer's status is documented
      const validate = ajv.compile(schema);
      expect(validate(res.body) ? [] : validate.errors).toEqual([]);
    },
  );
});
