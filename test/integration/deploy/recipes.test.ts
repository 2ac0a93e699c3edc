import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { examplePolicyRecords, loadExample } from '../../../scripts/examples';
import { dataTableOf } from '../../../src/core/app';
import { routesFor } from '../../../src/core/routes';
import { as, type Harness, startHarness } from '../../support/harness';
import {
  allowedBy,
  apiRoutes,
  type Grant,
  grantsOf,
  logicalId,
  packageProject,
  type Resource,
  ROOT,
  recordingDb,
  resourcesOf,
  type Template,
} from './serverless';

// The recipes example (item roles, docs/reference/item-roles.md#storage-and-atomicity) packaged as its own project: the grants table, the grants routes
// and function, and IAM on the grants table only for the functions that read or write grants rows.

let out: string;
let template: Template;
let functions: Map<string, [string, Resource]>;
let grants: Map<string, Grant[]>;
const env = (fn: string) =>
  (functions.get(fn)![1].Properties.Environment as { Variables: Record<string, string> }).Variables;

beforeAll(async () => {
  ({ dir: out, template } = await packageProject(resolve(ROOT, 'example/recipes')));
  functions = new Map(
    resourcesOf(template, 'AWS::Lambda::Function').map(([id, f]) => [
      String(f.Properties.FunctionName).replace(/^scoutr-recipes-dev-/, ''),
      [id, f],
    ]),
  );
  grants = new Map(
    [...functions].map(([fn, [, f]]) => [fn, grantsOf(template.Resources[logicalId(f.Properties.Role)!]!)]),
  );
}, 600_000);
afterAll(() => {
  if (out) rmSync(out, { recursive: true, force: true });
});

const who = (action: string) =>
  [...grants]
    .filter(([, gs]) => gs.some((g) => g.action === action && g.resource === 'GrantsTable'))
    .map(([fn]) => fn)
    .sort();

it('declares the grants table with its key, and names it to every function', () => {
  // Act
  const table = template.Resources.GrantsTable!;
  // Assess
  expect(table.Properties).toMatchObject({
    TableName: 'scoutr-recipes-dev-grants',
    KeySchema: [
      { AttributeName: 'principal', KeyType: 'HASH' },
      { AttributeName: 'item_key', KeyType: 'RANGE' },
    ],
    BillingMode: 'PAY_PER_REQUEST',
    DeletionProtectionEnabled: true,
  });
  for (const fn of functions.keys())
    expect({ fn, grants: env(fn).GRANTS_TABLE }).toEqual({ fn, grants: 'scoutr-recipes-dev-grants' });
});

it('serves GET and POST /recipe/{id}/grants from the grants function, with every other route of the app', async () => {
  // Prepare
  const { app } = await loadExample('recipes');
  const fnOf = new Map([...functions].map(([name, [id]]) => [id, name]));
  // Act
  const deployed = apiRoutes(template).map((r) => `${r.method} ${r.path} → ${fnOf.get(r.target ?? '')}`);
  // Assess
  expect(deployed.filter((r) => r.endsWith('→ grants')).sort()).toEqual([
    'GET /recipe/{id}/grants → grants',
    'POST /recipe/{id}/grants → grants',
  ]);
  expect(deployed.sort()).toEqual(
    routesFor(app)
      .map((r) => `${r.method} ${r.path} → ${r.verb}`)
      .sort(),
  );
});

it("passes the app's default role to the functions", () => {
  expect(env('list').DEFAULT_ROLE).toBe('member');
});

it('lets only the functions that change grants rows write the grants table, and only the lists query it', () => {
  expect(who('dynamodb:PutItem')).toEqual(['create', 'grants']);
  expect(who('dynamodb:DeleteItem')).toEqual(['delete', 'grants']);
  expect(who('dynamodb:BatchWriteItem')).toEqual(['delete']);
  expect(who('dynamodb:UpdateItem')).toEqual([]);
  expect(who('dynamodb:Query')).toEqual(['list', 'search']);
  expect(who('dynamodb:GetItem')).toEqual([]);
});

describe('every DynamoDB call of the sharing demo, against the role of the function that serves it', () => {
  let h: Harness;
  const { db, take } = recordingDb();
  let id = '';
  /** the verbs whose calls reached the grants table */
  const onGrants = new Set<string>();

  beforeAll(async () => {
    const { app } = await loadExample('recipes');
    h = await startHarness({
      app,
      dataTable: dataTableOf(app),
      seed: { ...examplePolicyRecords('recipes') },
      overrides: { db },
    });
  });
  afterAll(async () => {
    await h?.close();
    db.destroy();
  });

  /** local table name → the template's logical id */
  const logical = (name: string) => {
    const byName = {
      [h.tables.data]: 'DataTable',
      [h.tables.auth]: 'AuthTable',
      [h.tables.groups]: 'GroupTable',
      [h.tables.audit!]: 'AuditTable',
      [h.tables.grants!]: 'GrantsTable',
    };
    const [table, ...rest] = name.split('/');
    return [byName[table!] ?? `unknown table ${table}`, ...rest].join('/');
  };

  it.each([
    { verb: 'create', method: 'POST', path: () => '/recipe', body: { title: 'soup', ingredients: ['water'] } },
    { verb: 'get', method: 'GET', path: () => `/recipe/${id}` },
    { verb: 'grants', method: 'POST', path: () => `/recipe/${id}/grants`, body: { user: 'user2', grants: ['view'] } },
    { verb: 'grants', method: 'GET', path: () => `/recipe/${id}/grants` },
    { verb: 'list', method: 'GET', path: () => '/recipes', as: 'user2' },
    { verb: 'update', method: 'PATCH', path: () => `/recipe/${id}`, body: { title: 'better soup' } },
    {
      verb: 'grants',
      method: 'POST',
      path: () => `/recipe/${id}/grants`,
      body: { user: 'user2', grants: ['view'], revoke: true },
    },
    { verb: 'history', method: 'GET', path: () => `/history/${id}` },
    { verb: 'delete', method: 'DELETE', path: () => `/recipe/${id}` },
  ])('$verb: $method', async ({ verb, method, path, body, as: user }) => {
    // Prepare: what earlier requests recorded is not this one's
    take();
    // Act
    const res = await h.request(method, path(), {
      headers: as.user(user ?? 'user1'),
      ...(body === undefined ? {} : { body }),
    });
    // Assess
    expect(res.status < 300 ? 'ok' : `${res.status} ${res.text}`).toBe('ok');
    if (verb === 'create') id = (res.body as { id: string }).id;
    const calls = take();
    expect(calls.length).toBeGreaterThan(0);
    const made = calls.map((c) => ({ action: c.action, resource: logical(c.resource) }));
    if (made.some((c) => c.resource === 'GrantsTable')) onGrants.add(verb);
    const denied = made.filter((c) => !allowedBy(grants.get(verb)!, c));
    expect(denied).toEqual([]);
  });

  it('reached the grants table from every function that reads or writes grants rows', () => {
    expect([...onGrants].sort()).toEqual(['create', 'delete', 'grants', 'list']);
  });
});
