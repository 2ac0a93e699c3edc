// The files `scoutr init` writes (docs: tutorials/your-own-api). A project holds what its team writes and nothing of
// Scoutr's: the app config is the one file to edit for routes, validators, conditions and custom actions.

export interface Scaffold {
  /** the data table's name, also its list route: `books` */
  table: string;
  /** its partition key */
  key: string;
  keyType: 'S' | 'N';
  /** the single-item route: `book` */
  item: string;
  /** versions of the project's dev dependencies (Scoutr's own, so the scaffold is built with what was tested) */
  versions: Record<string, string>;
  scoutrVersion: string;
}

const sampleIds = (s: Scaffold) => (s.keyType === 'N' ? [1, 2, 3] : ['b-1', 'b-2', 'b-3']);

export function appConfig(s: Scaffold): string {
  const key = s.keyType === 'N' ? `{ name: '${s.key}', type: 'N' }` : `'${s.key}'`;
  return `import { defineApp } from 'scoutr';

// The API over the ${s.table} table: routes, validators, conditions and custom actions all live here
// (docs: reference/app-config). Who may call what is policy.yml.
export default defineApp({
  table: { name: '${s.table}', key: ${key} },
  routes: { items: '${s.table}', item: '${s.item}' },
  requiredFields: ['title'],
  fieldValidation: {
    title: (value) => typeof value === 'string' && value.trim().length > 0 && value.length <= 200,
    status: (value) => ({ result: value === 'draft' || value === 'published', message: 'draft or published' }),
  },
});
`;
}

export function policy(s: Scaffold): string {
  const T = s.table;
  const I = s.item;
  return `# yaml-language-server: $schema=node_modules/scoutr/dist/policy.schema.json
# Who may call which routes, and see which rows and fields (docs: reference/policy-file). \`scoutr dev\` creates
# these records locally; \`scoutr policy plan policy.yml\` and \`apply\` keep a deployed stage in step with this file.
version: 1
groups:
  readers:
    description: list, search and read
    permitted_endpoints:
      - GET /${T}(/[^/]+/[^/]+)?
      - GET /${I}/[^/]+
      - POST /search/[^/]+
  editors:
    description: add, change and remove
    permitted_endpoints:
      - POST /${I}
      - PUT /${I}/[^/]+
      - PATCH /${I}/[^/]+
      - DELETE /${I}/[^/]+
records:
  reader-key:
    type: API_KEY
    name: a read-only client
    groups: [readers]
    read_filters: [{ field: status, value: published }]
    exclude_fields: [notes]
  alice:
    type: USERNAME
    name: Alice, an editor
    groups: [readers, editors]
`;
}

export function seed(s: Scaffold): string {
  const [a, b, c] = sampleIds(s);
  const items = [
    { [s.key]: a, title: 'A first title', status: 'published', notes: 'only editors see notes' },
    { [s.key]: b, title: 'A second title', status: 'published', notes: 'reprint due' },
    { [s.key]: c, title: 'Work in progress', status: 'draft', notes: 'not out yet' },
  ];
  return `${JSON.stringify(items, null, 2)}\n`;
}

export function apiTest(s: Scaffold): string {
  const [a, b] = sampleIds(s);
  const newId = s.keyType === 'N' ? 4 : "'b-4'";
  return `import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { loadPolicy } from 'scoutr';
import { startTestServer, type TestServer } from 'scoutr/testing';
import app from '../scoutr.config';

// Two levels (docs: how-to/test-your-api): decisions from policy.yml alone, with the server's own rules, and
// requests to the real server over an embedded DynamoDB, seeded from seed.json.

const policy = loadPolicy('policy.yml', { app });

test('an editor may add to ${s.table}; the read-only key may not', () => {
  assert.equal(policy.can('user:alice', 'POST', '/${s.item}').allowed, true);
  assert.equal(policy.can('key:reader-key', 'POST', '/${s.item}').allowed, false);
});

let api: TestServer;
before(async () => {
  api = await startTestServer();
});
after(() => api.close());

test('the read-only key lists what is published, without the notes', async () => {
  const res = await api.request('GET', '/${s.table}', { headers: { 'x-api-key': 'reader-key' } });
  assert.equal(res.status, 200);
  const rows = res.body as Array<Record<string, unknown>>;
  assert.deepEqual(rows.map((r) => r.${s.key}).sort(), [${JSON.stringify(a)}, ${JSON.stringify(b)}]);
  assert.ok(rows.every((r) => !('notes' in r)));
});

test('an editor adds one; a caller without identity is refused', async () => {
  const body = { ${s.key}: ${newId}, title: 'Added in a test', status: 'draft' };
  const added = await api.request('POST', '/${s.item}', { headers: { 'Oidc-Claim-Sub': 'alice' }, body });
  assert.equal(added.status, 201);
  assert.equal((await api.request('POST', '/${s.item}', { body })).status, 401);
});
`;
}

export const serverless = (
  s: Scaffold,
  service: string,
) => `# Deploys the API: functions, routes, tables and IAM come from scoutr.config.ts (docs: how-to/deploy).
service: ${service}
provider:
  name: aws
  region: \${opt:region, 'us-east-1'}
plugins:
  - scoutr/serverless
# ${s.table}: the table's key and indexes are declared in scoutr.config.ts.
`;

export const tsconfig = () => `{
  // Type-checks the project (npm test runs tsc first). Scoutr's declarations hold under every flag here.
  "compilerOptions": {
    "target": "ES2022",
    "lib": ["ES2023"],
    "module": "preserve",
    "moduleResolution": "bundler",
    "types": ["node"],
    "strict": true,
    "exactOptionalPropertyTypes": true,
    "noUncheckedIndexedAccess": true,
    "verbatimModuleSyntax": true,
    "skipLibCheck": false,
    "noEmit": true
  },
  "include": ["*.ts", "test"]
}
`;

export const gitignore = () => `node_modules/
.serverless/
.scoutr-data/
`;

export const readme = (s: Scaffold, service: string) => `# ${service}

An access-controlled API over the \`${s.table}\` DynamoDB table, made with [Scoutr](https://www.npmjs.com/package/scoutr).

| file | what it holds |
|---|---|
| \`scoutr.config.ts\` | the table, routes, validators, conditions, custom actions |
| \`policy.yml\` | who may call which routes, and see which rows and fields |
| \`seed.json\` | items \`scoutr dev\` puts into an empty local table |
| \`serverless.yml\` | the deploy: everything else comes from \`scoutr.config.ts\` |
| \`test/\` | decisions from the policy, and requests to a real local server |

\`\`\`sh
npx scoutr dev              # the API on http://127.0.0.1:3000, with curl lines for each identity of policy.yml
npm test                    # type-check, then the tests
npx serverless package      # the CloudFormation and bundles, offline
\`\`\`
`;

/** The scripts `init` adds to package.json (where the project has none of that name). */
export const scripts = {
  dev: 'scoutr dev',
  test: 'tsc -p . && tsx --test test/*.test.ts',
  package: 'serverless package',
};

/** What a project needs beside Scoutr: the type-checker, the test runner, the deploy framework (Scoutr bundles). */
export const DEV_DEPENDENCIES = ['typescript', '@types/node', 'tsx', 'osls'];
