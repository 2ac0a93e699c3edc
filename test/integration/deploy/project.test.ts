import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  apiRoutes,
  bundledSources,
  type Grant,
  grantsOf,
  logicalId,
  makeProject,
  osls,
  packageProject,
  type Resource,
  ROOT,
  readZip,
  resourcesOf,
  type Template,
} from './serverless';

// A team's own project, outside this repository, as `npm install scoutr` leaves it: a `books` table keyed by
// `isbn`, an index, its own validators and a `borrow` action, and a serverless.yml of a few lines. Everything the
// deploy holds comes from its scoutr.config.ts (docs/reference/deploy.md#what-it-adds).

const SERVERLESS_YML = `service: library-api
provider:
  name: aws
  region: eu-west-1
plugins:
  - scoutr/serverless
`;
const books = (extra = '', borrowPath = '/book/{id}/borrow') => `import { defineApp } from 'scoutr';
import * as z from 'zod/mini';

export default defineApp({
  routes: { items: 'books', item: 'book' },
  table: {
    name: 'books',
    key: 'isbn',
    indexes: [{ name: 'author-index', key: 'author', sortKey: { name: 'year', type: 'N' } }],
  },
  requiredFields: ['title', 'author'],
  fieldValidation: {
    isbn: (value) => typeof value === 'string' && /^97[89]\\d{10}$/.test(value),
    year: z.number(),
  },
  customActions: {
    BORROW: {
      method: 'POST',
      path: '${borrowPath}',
      run: (ops, req) => ops.update(req.pathParams.id, { borrowed_by: req.caller.id ?? 'someone' }),
    },
  },${extra}
});
`;

const FUNCTIONS = ['list', 'search', 'get', 'create', 'update', 'delete', 'custom', 'audit', 'history', 'user'];
const ROUTES = [
  'GET /books → list',
  'GET /books/{search_key}/{search_value} → list',
  'POST /search/{search_key} → search',
  'GET /book/{id} → get',
  'POST /book → create',
  'PUT /book/{id} → update',
  'PATCH /book/{id} → update',
  'DELETE /book/{id} → delete',
  'POST /book/{id}/borrow → custom',
  'GET /audit → audit',
  'GET /audit/{item} → audit',
  'GET /history/{item} → history',
  'GET /user → user',
  'POST /user/has-permission → hasPermission',
];

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const project = (app: string) => {
  const dir = makeProject({ 'serverless.yml': SERVERLESS_YML, 'scoutr.config.ts': app });
  dirs.push(dir);
  return dir;
};

describe('a books project packaged offline', () => {
  let out: string;
  let template: Template;
  let functions: Map<string, [string, Resource]>;
  let tables: Map<string, Resource>;
  const grants = (fn: string): Grant[] =>
    grantsOf(template.Resources[logicalId(functions.get(fn)![1].Properties.Role)!]!);

  beforeAll(async () => {
    ({ dir: out, template } = await packageProject(project(books())));
    dirs.push(out);
    functions = new Map(
      resourcesOf(template, 'AWS::Lambda::Function').map(([id, f]) => [
        String(f.Properties.FunctionName).replace(/^library-api-dev-/, ''),
        [id, f],
      ]),
    );
    tables = new Map(resourcesOf(template, 'AWS::DynamoDB::Table'));
  }, 600_000);

  it('has one function per verb the app serves, each with its zip', () => {
    expect([...functions.keys()].sort()).toEqual([...FUNCTIONS, 'hasPermission'].sort());
    expect(
      readdirSync(out)
        .filter((f) => f.endsWith('.zip'))
        .sort(),
    ).toEqual([...FUNCTIONS, 'hasPermission'].map((f) => `${f}.zip`).sort());
  });

  it("deploys the app's routes, the borrow action among them, each to the function of its verb", () => {
    const fnOf = new Map([...functions].map(([name, [id]]) => [id, name]));
    const deployed = apiRoutes(template).map((r) => `${r.method} ${r.path} → ${fnOf.get(r.target ?? '')}`);
    expect(deployed.sort()).toEqual([...ROUTES].sort());
  });

  it('declares the books table with its isbn key and author-index, and the auth, groups and audit tables', () => {
    // Act
    const data = [...tables.values()].find((t) => t.Properties.TableName === 'library-api-dev-books')!.Properties;
    // Assess
    expect(data.KeySchema).toEqual([{ AttributeName: 'isbn', KeyType: 'HASH' }]);
    expect(data.AttributeDefinitions).toEqual([
      { AttributeName: 'isbn', AttributeType: 'S' },
      { AttributeName: 'author', AttributeType: 'S' },
      { AttributeName: 'year', AttributeType: 'N' },
    ]);
    expect(data.GlobalSecondaryIndexes).toEqual([
      {
        IndexName: 'author-index',
        KeySchema: [
          { AttributeName: 'author', KeyType: 'HASH' },
          { AttributeName: 'year', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ]);
    expect([...tables.values()].map((t) => t.Properties.TableName).sort()).toEqual([
      'library-api-dev-audit',
      'library-api-dev-auth',
      'library-api-dev-books',
      'library-api-dev-groups',
    ]);
    const env = (functions.get('get')![1].Properties.Environment as { Variables: Record<string, string> }).Variables;
    expect(env).toMatchObject({ DATA_TABLE: 'library-api-dev-books', STAGE: 'dev' });
    expect(env.GRANTS_TABLE).toBeUndefined();
  });

  it('gives each function its own role: its own log group and only the table access its verb needs', () => {
    // Act: every (action, resource) on a table, per function
    const onTables = (fn: string) =>
      grants(fn)
        .filter((g) => g.action.startsWith('dynamodb:'))
        .map((g) => `${g.action.slice(9)} ${g.resource}`)
        .sort();
    const auth = ['BatchGetItem AuthTable', 'BatchGetItem GroupTable'];
    const audit = ['PutItem AuditTable'];
    // Assess
    expect(new Set([...functions.values()].map(([, f]) => logicalId(f.Properties.Role))).size).toBe(functions.size);
    expect(onTables('get')).toEqual([...auth, ...audit, 'DescribeTable DataTable', 'GetItem DataTable'].sort());
    expect(onTables('custom')).toEqual(
      [
        ...auth,
        ...audit,
        'DescribeTable DataTable',
        'GetItem DataTable',
        'PutItem DataTable',
        'DeleteItem DataTable',
      ].sort(),
    );
    expect(onTables('list')).toEqual(
      [
        ...auth,
        ...audit,
        ...['DescribeTable', 'GetItem', 'BatchGetItem', 'Query', 'Scan'].map((a) => `${a} DataTable`),
        'Query DataTable/index/*',
      ].sort(),
    );
    expect(onTables('user')).toEqual([...auth, 'DescribeTable DataTable'].sort());
    for (const fn of functions.keys()) {
      const logs = grants(fn).filter((g) => g.action.startsWith('logs:'));
      expect({ fn, logs: [...new Set(logs.map((g) => g.resource))] }).toEqual({
        fn,
        logs: [`arn:AWS::Partition:logs:AWS::Region:AWS::AccountId:log-group:/aws/lambda/library-api-dev-${fn}:*`],
      });
    }
  });

  it("bundles the project's own app config and validators", () => {
    const zip = readZip(join(out, 'create.zip'));
    expect(bundledSources(zip, 'create.js').filter((s) => s.endsWith('scoutr.config.ts'))).toHaveLength(1);
    expect(zip.get('create.js')!.toString('utf8')).toContain('^97[89]\\d{10}$');
  });
});

describe('a route table API Gateway cannot deploy', () => {
  it('fails the package, naming the routes, and writes nothing', async () => {
    // Prepare: /book/{isbn}/borrow beside /book/{id}: two path variables under /book
    const dir = project(books('', '/book/{isbn}/borrow'));
    // Act
    const packaged = packageProject(dir);
    // Assess
    await expect(packaged).rejects.toThrow(/POST \/book\/\{isbn\}\/borrow/);
    await expect(packaged).rejects.toThrow(/GET \/book\/\{id\}/);
    expect(readdirSync(dir).filter((f) => f.startsWith('.serverless'))).toEqual([]);
  }, 300_000);
});

describe('changing the app', () => {
  const scoutrFiles = () =>
    Object.fromEntries(
      [
        'package.json',
        ...readdirSync(join(ROOT, 'dist'), { recursive: true, encoding: 'utf8' }).map((f) => `dist/${f}`),
      ].map((f) => [f, statSync(join(ROOT, f)).mtimeMs]),
    );
  const printed = async (dir: string) =>
    JSON.parse(await osls(['print', '--format', 'json'], {}, dir)) as {
      functions: Record<string, { events: { http: { method: string; path: string } }[] }>;
    };

  it('changes the generated routes with no file of Scoutr edited', async () => {
    // Prepare
    const dir = project(books());
    const before = await printed(dir);
    const files = scoutrFiles();
    // Act: a unique route added to the app config, and nothing else
    writeFileSync(join(dir, 'scoutr.config.ts'), books("\n  uniqueRoutes: { '/authors': 'author' },"));
    const after = await printed(dir);
    // Assess
    expect(before.functions.unique).toBeUndefined();
    expect(after.functions.unique?.events.map((e) => `${e.http.method} ${e.http.path}`)).toEqual(['get authors']);
    expect(Object.keys(after.functions).sort()).toEqual([...Object.keys(before.functions), 'unique'].sort());
    expect(scoutrFiles()).toEqual(files);
    expect(readFileSync(join(dir, 'serverless.yml'), 'utf8')).toBe(SERVERLESS_YML);
  }, 300_000);
});
