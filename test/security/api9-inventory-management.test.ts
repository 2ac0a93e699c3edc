// OWASP API9:2023 Improper Inventory Management. Scoutr's defence: one route table, routesFor(app), from which the
// Lambda handlers, the local server, the deployed routes and the OpenAPI document are all derived (src/core/routes.ts), so
// there is no undocumented, forgotten or debug endpoint: the document served at /openapi.json (and committed as
// openapi.json) lists exactly the routes that answer, every listed route answers something other than the router's
// 404 "No such route", and anything unlisted — another path, another method, a versioned or debug path — is that 404.
// The served document is the caller's (docs/how-to/use-the-console.md): the admin here may call every route, so it lists them all.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import petstore from '../../example/petstore/scoutr.config';
import recipesApp from '../../example/recipes/scoutr.config';
import type { AppConfig } from '../../src/core/app';
import { dataTableOf } from '../../src/core/app';
import { routesFor } from '../../src/core/routes';
import { apiKey } from '../factories/http';
import { as, type Harness, startHarness } from '../support/harness';

type Doc = { paths: Record<string, Record<string, unknown>> };
const NO_SUCH_ROUTE = { error: 'No such route', code: 'NOT_FOUND' };
/** `METHOD /path` for every operation of a document, or every route of a table. */
const ofDoc = (doc: Doc) =>
  Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
const ofRoutes = (app: AppConfig) => routesFor(app).map((r) => `${r.method} ${r.path}`);
/** A concrete path for a template: each parameter becomes `x`. */
const concrete = (template: string) => template.replace(/\{[^}]+\}/g, 'x');

describe.each([
  ['the pet store', petstore],
  ['the recipes example (item roles: grants routes)', recipesApp],
])('%s', (_, app) => {
  let h: Harness;
  let served: Doc;
  beforeAll(async () => {
    h = await startHarness({
      app,
      dataTable: dataTableOf(app),
      seed: {
        items: [{ id: 'x', name: 'x', type: 'dog', title: 't' }],
        // The recipes app names a DEFAULT_ROLE (`member`): the record must exist for any caller to have roles.
        authRecords: [
          apiKey('admin', { permitted_endpoints: [{ method: '*', endpoint: '.*' }] }),
          { id: 'member', type: 'ROLE' },
        ],
      },
    });
    served = (await h.request('GET', '/openapi.json', { headers: as.key('admin') })).body as Doc;
  });
  afterAll(() => h.close());

  it('documents exactly the route table', () => {
    expect(ofDoc(served).sort()).toEqual(ofRoutes(app).sort());
    expect(new Set(ofRoutes(app)).size).toBe(routesFor(app).length); // no route twice
  });

  it('answers every documented operation with something other than "No such route"', async () => {
    const unanswered: string[] = [];
    for (const op of ofDoc(served)) {
      const [method, template] = op.split(' ') as [string, string];
      const body = method === 'POST' && template.startsWith('/search') ? ['x'] : method === 'GET' ? undefined : {};
      // GET /audit walks back day by day: bounding it to the last day keeps the probe quick
      const query = template === '/audit' ? `?time__gte=${new Date(Date.now() - 86_400_000).toISOString()}` : '';
      const res = await h.request(method, `${concrete(template)}${query}`, { headers: as.key('admin'), body });
      if (res.status === 404 && JSON.stringify(res.body) === JSON.stringify(NO_SUCH_ROUTE)) unanswered.push(op);
    }
    expect(unanswered).toEqual([]);
  });

  it.each([
    ['GET', '/'],
    ['GET', '/admin'],
    ['GET', '/debug'],
    ['GET', '/.env'],
    ['GET', '/graphql'],
    ['GET', '/v1/items'],
    ['GET', '/api/items'],
    ['GET', '/internal/items'],
    ['GET', '/items/a/b/c'],
    ['GET', '/swagger.json'],
    ['POST', '/items'],
    ['PUT', '/items'],
    ['DELETE', '/items'],
    ['HEAD', '/item/x'],
    ['PURGE', '/items'],
    ['GET', '/user/has-permission'],
    ['DELETE', '/audit'],
    ['POST', '/openapi.json'],
  ])('answers the undocumented %s %s with the router 404', async (method, path) => {
    const items = app.routes?.items ?? 'items';
    const item = app.routes?.item ?? 'item';
    const real = path.replace('/items', `/${items}`).replace('/item/', `/${item}/`);
    expect(ofDoc(served)).not.toContain(`${method} ${real}`);
    const res = await h.request(method, real, { headers: as.key('admin') });
    expect(res.status).toBe(404);
    if (method !== 'HEAD') expect(res.body).toEqual(NO_SUCH_ROUTE);
  });
});

it('commits the pet store document that is served (openapi.json)', () => {
  const committed = JSON.parse(readFileSync(resolve(__dirname, '../../openapi.json'), 'utf8')) as Doc;
  expect(ofDoc(committed).sort()).toEqual(ofRoutes(petstore).sort());
});
