import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../../../src/local/emulator';

// A route table API Gateway could not deploy (docs/reference/app-config.md#routes-api-gateway-can-deploy) stops `npm start` before anything starts, naming the
// route, whether the app module uses defineApp (refused as it loads) or exports a plain object (refused by the
// same check before the server starts).

jest.setTimeout(60_000);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'scoutr-routes-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SRC = JSON.stringify(resolve('src'));
const books = (path: string) => `{
  routes: { items: 'books', item: 'book' },
  customActions: {
    BORROW: { method: 'POST', path: '${path}', run: async (ops, req) => ops.update(req.pathParams.id, { borrower: 'x' }) },
  },
}`;

async function npmStart(app: string) {
  const file = join(dir, `app-${Math.random().toString(36).slice(2)}.ts`);
  writeFileSync(file, app);
  // `npm start` is `tsx scripts/start.ts`: the same process, as the user runs it.
  return spawnSync(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    encoding: 'utf8',
    timeout: 50_000,
    env: {
      PATH: process.env.PATH,
      SCOUTR_CONFIG: file,
      // pointed at tables that do not exist: a start that got past the route check would say so instead
      DYNAMODB_ENDPOINT: 'http://127.0.0.1:9',
      PORT: String(await freePort()),
      LOG_LEVEL: 'silent',
    },
  });
}

const PROBLEM =
  'POST /book/{isbn}/borrow (custom action BORROW): {isbn} and {id} (of GET /book/{id}) are sibling variable path ' +
  'parts under /book; API Gateway allows one name there: use {id}';

it('refuses to start an app written with defineApp, naming the route, exit 1, no stack', async () => {
  const run = await npmStart(
    `import { defineApp } from ${SRC};\nexport default defineApp(${books('/book/{isbn}/borrow')});\n`,
  );
  expect(run.status).toBe(1);
  expect(run.stderr).toContain("The app's routes cannot be deployed to API Gateway:");
  expect(run.stderr).toContain(PROBLEM);
  expect(run.stderr).not.toMatch(/\n\s+at /);
  expect(run.stdout).not.toContain('Scoutr is listening');
});

it('refuses a plain-object app the same way, before it reaches DynamoDB', async () => {
  const run = await npmStart(`export default ${books('/book/{isbn}/borrow')};\n`);
  expect(run.status).toBe(1);
  expect(run.stderr).toBe(`The app's routes cannot be deployed to API Gateway:\n  ${PROBLEM}\n`);
});

it('starts past the route check with the deployable path /book/{id}/borrow', async () => {
  const run = await npmStart(`export default ${books('/book/{id}/borrow')};\n`);
  expect(run.status).toBe(1);
  expect(run.stderr).not.toContain('API Gateway');
  expect(run.stderr).toMatch(/DynamoDB|ECONNREFUSED|tables/); // it went on, to the (absent) DynamoDB
});
