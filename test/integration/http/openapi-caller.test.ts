import { compileErrors, validate } from '@readme/openapi-parser';
import * as z from 'zod/mini';
import { defineApp } from '../../../src/core/define-app';
import { routesFor } from '../../../src/core/routes';
import { openApiDocument } from '../../../src/http/openapi';
import { apiKey, expectError, get, post } from '../../factories/http';
import { startExample } from '../../support/examples';
import { as, type Harness, startHarness } from '../../support/harness';

// GET /openapi.json answers the document for the caller (docs/reference/endpoints.md#the-api-as-each-caller-sees-it): only the routes their roles permit, the item
// schema without the fields hidden from them, and _explain only for roles with `explain`. Checked against the API's
// own answers: every listed route answers that caller something other than 401/403, every unlisted one 403.

type Doc = ReturnType<typeof openApiDocument>;
type Operation = { parameters: { name: string }[] };
const ofDoc = (doc: Doc) =>
  Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
const concrete = (template: string) => template.replace(/\{[^}]+\}/g, 'x');

const app = defineApp({
  fieldValidation: {
    name: z.string(),
    cost: z.number(),
    supplier: z.object({ name: z.string(), contact: z.string() }),
  },
  uniqueRoutes: { '/names': 'name' },
});
const everything = { permitted_endpoints: [{ method: '*', endpoint: '.*' }], explain: true };

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    app,
    seed: {
      items: [{ id: 'x', name: 'Rex', cost: 3, supplier: { name: 'Farm', contact: 'farm@example.com' } }],
      authRecords: [
        apiKey('admin', everything),
        apiKey('reader', {
          permitted_endpoints: [get('/items'), get('/item/[^/]+'), post('/search/[^/]+')],
          exclude_fields: ['cost', 'supplier.contact'],
        }),
        apiKey('lister', { permitted_endpoints: [get('/items')], explain: true }),
        apiKey('nothing', {}),
      ],
    },
  });
});
afterAll(() => h.close());

const docOf = async (key: string) => {
  const res = await h.request('GET', '/openapi.json', { headers: as.key(key) });
  expect(res.status).toBe(200);
  expect(res.headers.get('cache-control')).toBe('private, no-store');
  return res.body as Doc;
};

describe('GET /openapi.json per caller', () => {
  it('gives a caller who may call everything the whole document', async () => {
    expect(await docOf('admin')).toEqual(JSON.parse(JSON.stringify(openApiDocument(app))));
  });

  it('lists only the routes the caller may call, and /user and /user/has-permission', async () => {
    const doc = await docOf('reader');
    expect(ofDoc(doc).sort()).toEqual([
      'GET /item/{id}',
      'GET /items',
      'GET /user',
      'POST /search/{search_key}',
      'POST /user/has-permission',
    ]);
    expect(await validate(structuredClone(doc) as never).then((r) => (r.valid ? '' : compileErrors(r)))).toBe('');
  });

  it('leaves the hidden fields out of the item schema, at any depth, and names them nowhere', async () => {
    const res = await h.request('GET', '/openapi.json', { headers: as.key('reader') });
    const item = (res.body as Doc).components.schemas.Item as unknown as {
      properties: Record<string, { properties?: object }>;
    };
    expect(Object.keys(item.properties).sort()).toEqual(['name', 'supplier']);
    expect(Object.keys(item.properties.supplier?.properties ?? {})).toEqual(['name']);
    expect(res.text).not.toContain('"cost"');
    expect(res.text).not.toContain('contact');
  });

  it('documents _explain only where a permitting role has explain, and the operators a filter may use', async () => {
    const reader = await docOf('reader');
    const lister = await docOf('lister');
    const params = (doc: Doc) => ((doc.paths['/items'] as { get: Operation }).get.parameters ?? []).map((p) => p.name);
    expect(params(reader)).not.toContain('_explain');
    expect(params(lister)).toContain('_explain');
    const filters = (lister.paths['/items'] as { get: { parameters: Record<string, unknown>[] } }).get.parameters.find(
      (p) => p.name === 'filters',
    );
    expect(filters?.['x-scoutr-operators']).toEqual(expect.arrayContaining(['eq', 'between', 'length__gt']));
  });

  it.each(['reader', 'lister', 'nothing'])('agrees with what the API answers %s on every route', async (key) => {
    const listed = new Set(ofDoc(await docOf(key)));
    for (const route of routesFor(app)) {
      const op = `${route.method} ${route.path}`;
      const body = route.verb === 'search' ? ['x'] : route.method === 'GET' ? undefined : {};
      const res = await h.request(route.method, concrete(route.path), { headers: as.key(key), body });
      expect({ op, denied: res.status === 403 }).toEqual({ op, denied: !listed.has(op) });
    }
  });

  it('answers a request without an identity, or with an unknown one, 401 when no role applies', async () => {
    expectError(await h.request('GET', '/openapi.json'), 401, 'UNAUTHENTICATED');
    expectError(await h.request('GET', '/openapi.json', { headers: as.key('unknown') }), 401, 'UNAUTHENTICATED');
  });
});

describe('GET /openapi.json without an identity, with ANONYMOUS_ROLE (the repos example)', () => {
  let repos: Harness;
  beforeAll(async () => {
    repos = await startExample('repos');
  });
  afterAll(() => repos.close());

  it("answers the anonymous role's routes", async () => {
    const res = await repos.request('GET', '/openapi.json');
    expect(res.status).toBe(200);
    expect(ofDoc(res.body as Doc).sort()).toEqual([
      'GET /repo/{id}',
      'GET /repos',
      'GET /user',
      'POST /user/has-permission',
    ]);
    expect((await repos.request('GET', '/repos')).status).toBe(200);
    expect((await repos.request('POST', '/repo', { body: { name: 'n' } })).status).toBe(401);
  });

  it("answers a member the members group's routes, grants included", async () => {
    const res = await repos.request('GET', '/openapi.json', { headers: as.user('larry') });
    expect(ofDoc(res.body as Doc)).toEqual(
      expect.arrayContaining(['POST /repo', 'DELETE /repo/{id}', 'POST /repo/{id}/grants', 'PATCH /repo/{id}']),
    );
    expect(ofDoc(res.body as Doc)).not.toContain('GET /audit');
  });
});
