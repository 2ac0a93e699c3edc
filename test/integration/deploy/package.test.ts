import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import app from '../../../example/petstore/scoutr.config';
import { loadConfig } from '../../../src/config';
import { dataTableOf } from '../../../src/core/app';
import { routesFor } from '../../../src/core/routes';
import { openApiDocument } from '../../../src/http/openapi';
import { restEvent } from '../../factories/events';
import { testCredentialsEnv } from '../../support/db';
import { as, type Harness, startHarness } from '../../support/harness';
import {
  allowedBy,
  apiRoutes,
  bundledSources,
  entrySourceOf,
  type Grant,
  grantsOf,
  logicalId,
  osls,
  type Resource,
  readZip,
  recordingDb,
  resourcesOf,
  type Template,
} from './serverless';

// `npm run package` (osls, offline, in example/petstore through `scoutr/serverless`) once, into a temp dir: the
// zips, the template, its IAM and its routes. SENTRY_DSN, CORS_ORIGINS and SCOUTR_AUTH are unset, as on a plain
// `npm run package`. The grants table and its IAM are checked on an app with item roles (recipes.test.ts).

// one function per verb the deployed app (the pet store) serves, named after it (the generated `functions`)
const FUNCTIONS = [...new Set(routesFor(app).map((r) => r.verb))];
const READ_ONLY = ['list', 'unique', 'search', 'get', 'audit', 'history', 'user', 'hasPermission'];
const AUDITED = FUNCTIONS.filter((f) => f !== 'user' && f !== 'hasPermission'); // docs/reference/audit.md#the-audit-record
const AUDIT_INDEXES = ['resource-index', 'history-index', 'day-index'];
/** written only by @sentry/core (its global carrier): present in a bundle exactly when Sentry was bundled */
const SENTRY_ONLY = '__SENTRY__';

let dir: string;
let template: Template;
/** function name (serverless.yml key) → its Lambda resource */
let functions: Map<string, Resource>;
/** function name → every (action, resource) its role allows */
let grants: Map<string, Grant[]>;
/** table logical id → the table resource */
let tables: Map<string, Resource>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'scoutr-package-'));
  await osls(['package', '--package', dir]);
  template = JSON.parse(readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8')) as Template;
  functions = new Map(
    resourcesOf(template, 'AWS::Lambda::Function').map(([, f]) => [
      String(f.Properties.FunctionName).replace(/^scoutr-dev-/, ''),
      f,
    ]),
  );
  grants = new Map(
    [...functions].map(([name, f]) => [name, grantsOf(template.Resources[logicalId(f.Properties.Role)!]!)]),
  );
  tables = new Map(resourcesOf(template, 'AWS::DynamoDB::Table'));
}, 300_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The logical id of the table a function's environment variable names. */
const tableOf = (
  fn: string,
  variable: 'DATA_TABLE' | 'AUTH_TABLE' | 'GROUP_TABLE' | 'AUDIT_TABLE' | 'GRANTS_TABLE',
) => {
  const env = (functions.get(fn)!.Properties.Environment as { Variables: Record<string, string> }).Variables;
  const found = [...tables].find(([, t]) => t.Properties.TableName === env[variable]);
  if (!found) throw new Error(`${fn}: ${variable}=${env[variable]} is not a table of the template`);
  return found[0];
};
/** the bundle of a function, from its handler: handlers/has-permission.handler → handlers/has-permission.js */
const bundleOf = (fn: string) => {
  const handler = String(functions.get(fn)!.Properties.Handler);
  return `${handler.slice(0, handler.lastIndexOf('.'))}.js`;
};
const allows = (fn: string, action: string, resource: string) =>
  grants.get(fn)!.some((g) => g.action === action && g.resource === resource);
/** Everything a function may do to a table or its indexes. */
const onTable = (fn: string, table: string) =>
  grants.get(fn)!.filter((g) => g.resource === table || g.resource.startsWith(`${table}/`));
const who = (action: string, resource: (fn: string) => string) =>
  FUNCTIONS.filter((fn) => allows(fn, action, resource(fn))).sort();

describe('the packaged functions', () => {
  it('writes one zip per function and the template, nothing else', () => {
    const files = readdirSync(dir).sort();
    expect(files.filter((f) => f.endsWith('.zip'))).toEqual(FUNCTIONS.map((f) => `${f}.zip`).sort());
    expect(files).toContain('cloudformation-template-update-stack.json');
    expect([...functions.keys()].sort()).toEqual([...FUNCTIONS].sort());
  });

  it.each(FUNCTIONS)('bundles the %s handler alone, with its source map and without node_modules', (fn) => {
    // Prepare
    const file = bundleOf(fn);
    // Act
    const entries = readZip(join(dir, `${fn}.zip`));
    // Assess
    expect([...entries.keys()].sort()).toEqual([file, `${file}.map`]);
    expect(entries.get(file)!.toString('utf8')).toContain(`sourceMappingURL=${file.split('/').pop()}.map`);
  });

  it.each(FUNCTIONS)('wires the %s function to the handler of the same verb', (fn) => {
    const source = entrySourceOf(readZip(join(dir, `${fn}.zip`)), bundleOf(fn));
    expect(/lambdaHandler\("(\w+)"/.exec(source)?.[1]).toBe(fn);
  });

  it.each(FUNCTIONS)('bundles one copy of Scoutr (the package as built) and the app config into %s', (fn) => {
    // Act: the modules a bundle is made of, from its source map
    const sources = bundledSources(readZip(join(dir, `${fn}.zip`)), bundleOf(fn));
    // Assess: the app's own module and the package's built entry points (its ES-module copy, dist/esm), each once;
    // no TypeScript of Scoutr's (a dependency's source map may name its own sources)
    const count = (re: RegExp) => sources.filter((s) => re.test(s)).length;
    expect({
      app: count(/(^|\/)scoutr\.config\.ts$/),
      handler: count(/(^|\/)dist\/esm\/http\/lambda\.js$/),
      config: count(/(^|\/)dist\/esm\/config\.js$/),
      sources: count(/^(?!.*node_modules\/).*(^|\/)src\/.*\.ts$/),
      jiti: count(/node_modules\/jiti\//),
    }).toEqual({ app: 1, handler: 1, config: 1, sources: 0, jiti: 0 });
  });

  it.each(FUNCTIONS)('leaves what only the command line uses out of %s (the package has no side effects)', (fn) => {
    // Act
    const sources = bundledSources(readZip(join(dir, `${fn}.zip`)), bundleOf(fn));
    // Assess: the policy file reader (yaml), the unrouted-rule check (refa) and the CLI are not in a Lambda bundle
    const count = (re: RegExp) => sources.filter((s) => re.test(s)).length;
    expect({
      yaml: count(/node_modules\/yaml\//),
      refa: count(/node_modules\/refa\//),
      commander: count(/node_modules\/commander\//),
      policyFile: count(/dist\/esm\/policy-file\.js$/),
    }).toEqual({ yaml: 0, refa: 0, commander: 0, policyFile: 0 });
  });

  it('leaves @sentry/node out of every bundle when SENTRY_DSN is unset while packaging', () => {
    // The marker is real: Sentry's own code carries it, so a bundle with Sentry in it would contain it.
    const carrier = join(dirname(require.resolve('@sentry/core')), 'carrier.js');
    expect(readFileSync(carrier, 'utf8')).toContain(SENTRY_ONLY);
    for (const fn of FUNCTIONS) {
      const code = readZip(join(dir, `${fn}.zip`)).get(bundleOf(fn))!;
      expect({ fn, sentry: code.includes(SENTRY_ONLY) }).toEqual({ fn, sentry: false });
    }
  });

  it('gives every function an environment the deployed config accepts', () => {
    for (const [fn, f] of functions) {
      const env = (f.Properties.Environment as { Variables: Record<string, string> }).Variables;
      const config = loadConfig(env); // CURSOR_SECRET is CloudFormation's {{resolve:ssm:...}} reference here
      expect({ fn, stage: config.STAGE, sentry: config.SENTRY_DSN, cors: config.CORS_ORIGINS }).toEqual({
        fn,
        stage: 'dev',
        sentry: undefined,
        cors: [],
      });
      expect(env.CURSOR_SECRET).toMatch(/^\{\{resolve:ssm:\/scoutr\/dev\/cursor-secret\}\}$/);
    }
  });
});

describe('a packaged bundle, run as Lambda runs it', () => {
  // The list zip unpacked outside the repository (no node_modules to fall back on), its handler called in a plain
  // Node process against DynamoDB Local, with SENTRY_DSN set although Sentry was left out of the bundle.
  let h: Harness;
  let run: string;
  beforeAll(async () => {
    h = await startHarness({
      app,
      seed: {
        items: [{ id: 'p1', type: 'dog', status: 'available' }],
        authRecords: [
          { id: 'key-id-1', type: 'API_KEY', permitted_endpoints: [{ method: 'GET', endpoint: '/items' }] },
        ],
      },
    });
    run = mkdtempSync(join(tmpdir(), 'scoutr-lambda-'));
    for (const [name, data] of readZip(join(dir, 'list.zip'))) {
      mkdirSync(dirname(join(run, name)), { recursive: true });
      writeFileSync(join(run, name), data);
    }
  });
  afterAll(async () => {
    await h?.close();
    if (run) rmSync(run, { recursive: true, force: true });
  });

  it('answers a request, logs it, and says why nothing will reach Sentry', async () => {
    // Prepare: the function's environment, pointed at the local tables
    const env = {
      ...(functions.get('list')!.Properties.Environment as { Variables: Record<string, string> }).Variables,
      DATA_TABLE: h.tables.data,
      AUTH_TABLE: h.tables.auth,
      GROUP_TABLE: h.tables.groups,
      AUDIT_TABLE: h.tables.audit!,
      CURSOR_SECRET: 'bundle-cursor-secret-0123456789',
      SENTRY_DSN: 'https://public@o0.ingest.sentry.io/1',
      DYNAMODB_ENDPOINT: process.env.DYNAMODB_ENDPOINT!,
      AWS_REGION: 'us-east-1',
      // the test emulator's database is private to its key (test/integration/global-setup.ts)
      ...testCredentialsEnv(),
    };
    const event = restEvent({ route: '/items', apiKeyId: 'key-id-1', requestId: 'bundle-req-1' });
    const script = `require(${JSON.stringify(join(run, bundleOf('list')))}).handler(${JSON.stringify(event)})
      .then((r) => process.stdout.write('RESULT ' + JSON.stringify(r) + '\\n'))`;
    // Act
    const stdout = await new Promise<string>((done, fail) =>
      execFile(process.execPath, ['-e', script], { cwd: run, env }, (err, out, errOut) =>
        err ? fail(new Error(`${err.message}\n${errOut}`)) : done(out),
      ),
    );
    // Assess
    const lines = stdout.trim().split('\n');
    const result = JSON.parse(lines.find((l) => l.startsWith('RESULT '))!.slice(7)) as {
      statusCode: number;
      body: string;
    };
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toEqual([{ id: 'p1', type: 'dog', status: 'available' }]);
    const logs = lines.filter((l) => !l.startsWith('RESULT ')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logs).toEqual([
      expect.objectContaining({ level: 'error', msg: expect.stringContaining('@sentry/node is not in this bundle') }),
      expect.objectContaining({ level: 'info', msg: 'request', requestId: 'bundle-req-1', verb: 'list', status: 200 }),
    ]);
  });
});

describe('the tables', () => {
  it('declares the four tables the functions name, on demand, recoverable and protected from deletion', () => {
    // Prepare
    const named = ['DATA_TABLE', 'AUTH_TABLE', 'GROUP_TABLE', 'AUDIT_TABLE'] as const;
    // Act
    const used = new Set(named.map((v) => tableOf('list', v)));
    // Assess: no grants table for an app without item roles (docs/reference/item-roles.md#storage-and-atomicity)
    expect(app.itemRoles).toBeUndefined();
    expect(functions.get('list')!.Properties.Environment).not.toHaveProperty('Variables.GRANTS_TABLE');
    expect(used.size).toBe(4);
    expect([...tables.keys()].sort()).toEqual([...used].sort());
    for (const [id, t] of tables) {
      expect({ id, ...t.Properties, Type: t.Type }).toMatchObject({
        id,
        Type: 'AWS::DynamoDB::Table',
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
      });
      expect(t.Properties.ProvisionedThroughput).toBeUndefined();
    }
  });

  it('expires audit records on expire_time, and only audit records', () => {
    const audit = tableOf('list', 'AUDIT_TABLE');
    for (const [id, t] of tables) {
      expect({ id, ttl: t.Properties.TimeToLiveSpecification }).toEqual({
        id,
        ttl: id === audit ? { AttributeName: 'expire_time', Enabled: true } : undefined,
      });
    }
  });

  it("gives the data table the key and indexes of the example app's local table", () => {
    // Prepare
    const table = tables.get(tableOf('list', 'DATA_TABLE'))!.Properties;
    const types = new Map(
      (table.AttributeDefinitions as { AttributeName: string; AttributeType: string }[]).map((a) => [
        a.AttributeName,
        a.AttributeType,
      ]),
    );
    const key = (role: string, name: string) => `${role} ${name} ${types.get(name)}`;
    // Act
    const deployed = {
      key: (table.KeySchema as { AttributeName: string; KeyType: string }[]).map((k) =>
        key(k.KeyType, k.AttributeName),
      ),
      indexes: (table.GlobalSecondaryIndexes as Record<string, unknown>[]).map((ix) => ({
        name: ix.IndexName,
        keys: (ix.KeySchema as { AttributeName: string; KeyType: string }[]).map((k) =>
          key(k.KeyType, k.AttributeName),
        ),
        projection: ix.Projection,
      })),
    };
    // Assess
    const local = dataTableOf(app);
    expect(deployed).toEqual({
      key: [`HASH ${local.partitionKey.name} ${local.partitionKey.type}`],
      indexes: (local.indexes ?? []).map((ix) => ({
        name: ix.name,
        keys: [
          `HASH ${ix.partitionKey.name} ${ix.partitionKey.type}`,
          ...(ix.sortKey ? [`RANGE ${ix.sortKey.name} ${ix.sortKey.type}`] : []),
        ],
        projection: { ProjectionType: 'ALL' }, // the planner only uses indexes that project ALL
      })),
    });
  });

  it('gives the audit table the three indexes /audit and /history query, projecting every attribute', () => {
    // Prepare
    const audit = tables.get(tableOf('audit', 'AUDIT_TABLE'))!.Properties;
    const types = new Map(
      (audit.AttributeDefinitions as { AttributeName: string; AttributeType: string }[]).map((a) => [
        a.AttributeName,
        a.AttributeType,
      ]),
    );
    // Act
    const indexes = (audit.GlobalSecondaryIndexes as Record<string, unknown>[]).map((ix) => ({
      name: ix.IndexName,
      keys: (ix.KeySchema as { AttributeName: string; KeyType: string }[]).map(
        (k) => `${k.KeyType} ${k.AttributeName} ${types.get(k.AttributeName)}`,
      ),
      projection: ix.Projection,
    }));
    // Assess
    expect(audit.KeySchema).toEqual([{ AttributeName: 'id', KeyType: 'HASH' }]);
    expect(indexes).toEqual([
      { name: 'resource-index', keys: ['HASH resource_key S', 'RANGE time S'], projection: { ProjectionType: 'ALL' } },
      { name: 'history-index', keys: ['HASH history_key S', 'RANGE version N'], projection: { ProjectionType: 'ALL' } },
      { name: 'day-index', keys: ['HASH day_shard S', 'RANGE id S'], projection: { ProjectionType: 'ALL' } },
    ]);
  });
});

describe('the API', () => {
  it('requires an API key on every method', () => {
    const methods = apiRoutes(template);
    expect(methods.length).toBe(routesFor(app).length);
    for (const m of methods) {
      expect({ route: `${m.method} ${m.path}`, key: m.properties.ApiKeyRequired }).toEqual({
        route: `${m.method} ${m.path}`,
        key: true,
      });
    }
  });

  it('has no authorizer and no CORS preflight unless asked for (SCOUTR_AUTH, CORS_ORIGINS)', () => {
    expect(resourcesOf(template, 'AWS::ApiGateway::Authorizer')).toEqual([]);
    expect(apiRoutes(template).filter((m) => m.properties.AuthorizationType !== 'NONE')).toEqual([]);
    expect(apiRoutes(template).filter((m) => m.method === 'OPTIONS')).toEqual([]);
  });

  it('issues an API key and puts it in a throttled usage plan for the stage', () => {
    // Prepare
    const keys = resourcesOf(template, 'AWS::ApiGateway::ApiKey');
    const plans = resourcesOf(template, 'AWS::ApiGateway::UsagePlan');
    const links = resourcesOf(template, 'AWS::ApiGateway::UsagePlanKey');
    // Assess
    expect(keys).toHaveLength(1);
    expect(keys[0]![1].Properties.Enabled).toBe(true);
    expect(plans).toHaveLength(1);
    expect(plans[0]![1].Properties).toMatchObject({
      ApiStages: [{ ApiId: { Ref: 'ApiGatewayRestApi' }, Stage: 'dev' }],
      Throttle: { BurstLimit: expect.any(Number), RateLimit: expect.any(Number) },
    });
    expect(links.map(([, l]) => l.Properties)).toEqual([
      { KeyId: { Ref: keys[0]![0] }, KeyType: 'API_KEY', UsagePlanId: { Ref: plans[0]![0] } },
    ]);
  });
});

describe('one route table', () => {
  const key = (r: { verb?: string; method: string; path: string }) =>
    `${r.method} ${r.path}${r.verb ? ` → ${r.verb}` : ''}`;
  const sorted = (xs: string[]) => [...xs].sort();

  it('deploys exactly the routes the local server serves, each to the function of its verb', () => {
    // Prepare
    const fnOf = new Map([...functions].map(([name]) => [logicalIdOf(name), name]));
    // Act
    const deployed = apiRoutes(template).map((m) => key({ ...m, verb: fnOf.get(m.target ?? '') ?? m.target }));
    // Assess
    expect(sorted(deployed)).toEqual(sorted(routesFor(app).map(key)));
  });

  it('documents exactly the deployed routes in openapi.json', () => {
    // Prepare
    const doc = openApiDocument(app);
    // Act
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => key({ method: m.toUpperCase(), path })),
    );
    // Assess
    expect(sorted(documented)).toEqual(sorted(apiRoutes(template).map((m) => key(m))));
  });

  /** the logical id of a function's resource (HasPermissionLambdaFunction for hasPermission) */
  function logicalIdOf(name: string): string {
    const found = [...resourcesOf(template, 'AWS::Lambda::Function')].find(([, f]) => f === functions.get(name));
    return found![0];
  }
});

describe('least privilege', () => {
  const data = (fn: string) => tableOf(fn, 'DATA_TABLE');
  const audit = (fn: string) => tableOf(fn, 'AUDIT_TABLE');

  it('grants no wildcard action and no wildcard resource', () => {
    for (const [fn, gs] of grants) {
      expect({ fn, wild: gs.filter((g) => g.action.includes('*') || g.resource === '*') }).toEqual({ fn, wild: [] });
    }
  });

  it.each(READ_ONLY)('lets %s write nothing to the data table', (fn) => {
    const writes = onTable(fn, data(fn)).filter((g) =>
      ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'].includes(g.action),
    );
    expect(writes).toEqual([]);
  });

  it('lets only create, update and custom put items, and only delete and custom delete them', () => {
    expect(who('dynamodb:PutItem', data)).toEqual(['create', 'custom', 'update']);
    expect(who('dynamodb:DeleteItem', data)).toEqual(['custom', 'delete']);
    expect(who('dynamodb:UpdateItem', data)).toEqual([]);
    expect(who('dynamodb:BatchWriteItem', data)).toEqual([]);
  });

  it('grants nothing on a grants table to an app without item roles', () => {
    expect([...grants].filter(([, gs]) => gs.some((g) => g.resource.startsWith('GrantsTable')))).toEqual([]);
  });

  it('lets every audited function put audit records, and no function change or delete one', () => {
    expect(who('dynamodb:PutItem', audit)).toEqual([...AUDITED].sort());
    for (const fn of FUNCTIONS) {
      const changes = onTable(fn, audit(fn)).filter((g) =>
        ['dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'].includes(g.action),
      );
      expect({ fn, changes }).toEqual({ fn, changes: [] });
    }
  });

  it('grants index ARNs only to the functions that query them', () => {
    // Act
    const indexGrants = (fn: string) =>
      [
        ...new Set(
          grants
            .get(fn)!
            .filter((g) => g.resource.includes('/index/'))
            .map((g) => g.resource),
        ),
      ].sort();
    // Assess
    for (const fn of FUNCTIONS) {
      const want = ['list', 'unique', 'search'].includes(fn)
        ? [`${data(fn)}/index/*`]
        : ['audit', 'history'].includes(fn)
          ? AUDIT_INDEXES.map((ix) => `${audit(fn)}/index/${ix}`).sort()
          : [];
      expect({ fn, indexes: indexGrants(fn) }).toEqual({ fn, indexes: want });
    }
    for (const fn of ['audit', 'history']) {
      expect(onTable(fn, audit(fn)).filter((g) => g.resource.includes('/index/'))).toEqual(
        expect.arrayContaining(
          AUDIT_INDEXES.map((ix) => ({ action: 'dynamodb:Query', resource: `${audit(fn)}/index/${ix}` })),
        ),
      );
    }
  });

  it('lets every function describe the data table (key schema discovery at cold start)', () => {
    expect(who('dynamodb:DescribeTable', data)).toEqual([...FUNCTIONS].sort());
  });

  it('lets every function read auth records and groups, and none write them', () => {
    for (const fn of FUNCTIONS) {
      for (const table of [tableOf(fn, 'AUTH_TABLE'), tableOf(fn, 'GROUP_TABLE')]) {
        expect({ fn, table, access: onTable(fn, table).map((g) => g.action) }).toEqual({
          fn,
          table,
          access: ['dynamodb:BatchGetItem'],
        });
      }
    }
  });

  it('gives /user and /user/has-permission no access to items or audit records', () => {
    for (const fn of ['user', 'hasPermission']) {
      expect({ fn, data: onTable(fn, data(fn)).map((g) => g.action) }).toEqual({
        fn,
        data: ['dynamodb:DescribeTable'],
      });
      expect({ fn, audit: onTable(fn, audit(fn)) }).toEqual({ fn, audit: [] });
    }
  });

  it('grants each reader the reads its action makes', () => {
    // What the actions send (src/actions): list/unique/search run any plan; get, update, delete, custom and
    // /audit/{item} read one item consistently; audit and history query the audit indexes.
    const need: Record<string, string[]> = {
      list: ['GetItem', 'BatchGetItem', 'Query', 'Scan'],
      unique: ['GetItem', 'BatchGetItem', 'Query', 'Scan'],
      search: ['GetItem', 'BatchGetItem', 'Query', 'Scan'],
      get: ['GetItem'],
      update: ['GetItem'],
      delete: ['GetItem'],
      custom: ['GetItem'],
      audit: ['GetItem'],
      history: ['GetItem'],
    };
    for (const [fn, actions] of Object.entries(need)) {
      for (const action of actions) {
        expect({ fn, action, allowed: allows(fn, `dynamodb:${action}`, data(fn)) }).toEqual({
          fn,
          action,
          allowed: true,
        });
      }
    }
    for (const fn of ['list', 'unique', 'search'])
      expect(allows(fn, 'dynamodb:Query', `${data(fn)}/index/*`)).toBe(true);
  });
});

describe('every DynamoDB call of every function, against its role', () => {
  // Each route runs through the local server against DynamoDB Local, with every command recorded; each command
  // must be allowed by the packaged role of the function that serves the route (an AccessDenied in AWS otherwise).
  let h: Harness;
  const { db, take } = recordingDb();
  const ADMIN = as.key('admin-key');
  const item = (id: string, type: string, price: number) => ({ id, type, price, status: 'available', colour: 'red' });

  beforeAll(async () => {
    h = await startHarness({
      app,
      dataTable: dataTableOf(app),
      seed: {
        items: [item('a', 'dog', 10), item('b', 'cat', 20), item('c', 'dog', 30)],
        authRecords: [{ id: 'admin-key', type: 'API_KEY', permitted_endpoints: [{ method: '*', endpoint: '.*' }] }],
      },
      overrides: { db },
    });
  });
  afterAll(async () => {
    await h?.close();
    db.destroy();
  });

  /** local table name → the template's logical id, through the functions' environment */
  const logical = (name: string, fn: string) => {
    const byRole = {
      [h.tables.data]: tableOf(fn, 'DATA_TABLE'),
      [h.tables.auth]: tableOf(fn, 'AUTH_TABLE'),
      [h.tables.groups]: tableOf(fn, 'GROUP_TABLE'),
      [h.tables.audit!]: tableOf(fn, 'AUDIT_TABLE'),
    };
    const [table, ...rest] = name.split('/');
    return [byRole[table!] ?? `unknown table ${table}`, ...rest].join('/');
  };

  it.each([
    { verb: 'list', method: 'GET', path: '/items' },
    { verb: 'list', method: 'GET', path: '/items?type=dog&price__gt=5' },
    { verb: 'list', method: 'GET', path: '/items/status/available' },
    { verb: 'list', method: 'GET', path: '/items/id/a' },
    { verb: 'list', method: 'GET', path: '/items?id__in=["a","b"]' },
    { verb: 'unique', method: 'GET', path: '/types' },
    { verb: 'unique', method: 'GET', path: '/statuses?type=dog' },
    { verb: 'search', method: 'POST', path: '/search/type', body: ['dog', 'cat'] },
    { verb: 'search', method: 'POST', path: '/search/id', body: ['a', 'b'] },
    { verb: 'get', method: 'GET', path: '/item/a' },
    {
      verb: 'create',
      method: 'POST',
      path: '/item',
      body: { type: 'bird', name: 'Tweety', price: 5, status: 'available' },
    },
    { verb: 'update', method: 'PUT', path: '/item/a', body: { price: 11 } },
    { verb: 'update', method: 'PATCH', path: '/item/a', body: { colour: null } },
    { verb: 'custom', method: 'POST', path: '/item/c/sell', body: { owner: 'o-1' } },
    { verb: 'delete', method: 'DELETE', path: '/item/c' },
    // A time bound keeps /audit to today's day-index partitions (without one it walks back 366 days).
    { verb: 'audit', method: 'GET', path: `/audit?time__gte=${new Date().toISOString().slice(0, 10)}` },
    { verb: 'audit', method: 'GET', path: '/audit/a' },
    { verb: 'audit', method: 'GET', path: '/audit/c' }, // deleted: its last version is read from the history-index
    { verb: 'history', method: 'GET', path: '/history/a' },
    { verb: 'history', method: 'GET', path: '/history/c' },
    { verb: 'user', method: 'GET', path: '/user' },
    { verb: 'hasPermission', method: 'POST', path: '/user/has-permission', body: { method: 'GET', path: '/items' } },
  ])('$verb: $method $path', async ({ verb, method, path, body }) => {
    // Prepare: what earlier requests recorded is not this one's
    take();
    // Act
    const res = await h.request(method, path, { headers: ADMIN, ...(body === undefined ? {} : { body }) });
    // Assess
    expect(res.status < 300 ? 'ok' : `${res.status} ${res.text}`).toBe('ok');
    const calls = take();
    expect(calls.length).toBeGreaterThan(0);
    const denied = calls
      .map((c) => ({ action: c.action, resource: logical(c.resource, verb) }))
      .filter((c) => !allowedBy(grants.get(verb)!, c));
    expect(denied).toEqual([]);
  });
});
