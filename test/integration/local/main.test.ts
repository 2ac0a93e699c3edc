import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ListTablesCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { examplePolicy } from '../../../scripts/examples';
import { main as start } from '../../../scripts/start';
import { ConfigError } from '../../../src/config';
import { auditTableSpec, authTableSpec, createTable, dropTables, groupTableSpec } from '../../../src/dynamo/admin';
import { planPolicy } from '../../../src/dynamo/policy';
import { freePort } from '../../../src/local/emulator';
import { localDb, testCredentialsEnv, uniqueName } from '../../support/db';
import { signingKey, startJwksServer } from '../../support/jwks';

// `npm start` against an external DynamoDB, configured only by the environment (docs/reference/configuration.md#the-local-server): tables it is pointed
// at are never created, seeded or reset unless SCOUTR_SEED=example asks for it.

jest.setTimeout(60_000);

/** `npm start` with this environment and these arguments; resolves to a function that stops it. */
const main = async (env: Record<string, string | undefined>, argv: string[] = []) => {
  const server = await start(env, argv);
  return () => server.close();
};

const db = localDb();
const quiet = jest.spyOn(console, 'log').mockImplementation(() => {});
afterAll(() => {
  quiet.mockRestore();
  db.destroy();
});

const names = () => {
  const p = uniqueName('main');
  return { DATA_TABLE: `${p}-data`, AUTH_TABLE: `${p}-auth`, GROUP_TABLE: `${p}-groups`, AUDIT_TABLE: `${p}-audit` };
};
// The servers started here log nothing unless the test run asks for logs (LOG_LEVEL=info npm test).
const LOG_LEVEL = process.env.LOG_LEVEL ?? 'silent';
const env = async (tables: Record<string, string>, extra: Record<string, string> = {}) => ({
  DYNAMODB_ENDPOINT: process.env.DYNAMODB_ENDPOINT,
  ...testCredentialsEnv(), // the test emulator's key, as `npm start` prints it for its own
  LOG_LEVEL,
  PORT: String(await freePort()),
  ...tables,
  ...extra,
});
/** A line `npm start` printed, run as pasted into a shell at the repository's root with only PATH and HOME set. */
const pasted = (line: string) =>
  spawnSync('sh', ['-c', line], {
    cwd: join(__dirname, '../../..'),
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    encoding: 'utf8',
  });
const tableNames = async () => (await db.send(new ListTablesCommand({}))).TableNames ?? [];
const count = async (table: string) => (await db.send(new ScanCommand({ TableName: table }))).Items?.length ?? 0;

it('refuses to start, naming them, when the tables it is pointed at do not exist, and creates none', async () => {
  const t = names();
  const run = main(await env(t));
  await expect(run).rejects.toThrow(ConfigError);
  await expect(run).rejects.toThrow(t.DATA_TABLE);
  const existing = await tableNames();
  expect(Object.values(t).filter((n) => existing.includes(n))).toEqual([]);
});

it('serves existing tables as they are: no seed, no reset, and the API answers from them', async () => {
  // Prepare: tables someone else made, with their own records
  const t = names();
  await createTable(db, { name: t.DATA_TABLE, partitionKey: { name: 'sku', type: 'N' } });
  await createTable(db, authTableSpec(t.AUTH_TABLE));
  await createTable(db, groupTableSpec(t.GROUP_TABLE));
  await createTable(db, auditTableSpec(t.AUDIT_TABLE));
  const { seed } = await import('../../../src/local/seed');
  await seed(
    db,
    { data: t.DATA_TABLE, auth: t.AUTH_TABLE, groups: t.GROUP_TABLE },
    {
      items: [{ sku: 7, name: 'theirs' }],
      authRecords: [{ id: 'k', type: 'API_KEY', permitted_endpoints: [{ method: 'GET', endpoint: '.*' }] }],
      groups: [],
    },
    'sku',
  );
  const e = await env(t);
  // Act
  const stop = await main(e);
  try {
    const res = await fetch(`http://127.0.0.1:${e.PORT}/item/7.0`, { headers: { 'x-api-key': 'k' } });
    // Assess
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ sku: 7, name: 'theirs' });
    expect(await count(t.DATA_TABLE)).toBe(1);
    expect(await count(t.AUTH_TABLE)).toBe(1);
    expect(await count(t.AUDIT_TABLE)).toBe(1); // the read above, audited
  } finally {
    await stop();
    await dropTables(db, Object.values(t));
  }
});

it('creates missing tables and seeds the example only with SCOUTR_SEED=example, keeping existing records', async () => {
  const t = names();
  await createTable(db, authTableSpec(t.AUTH_TABLE));
  const { seed } = await import('../../../src/local/seed');
  await seed(
    db,
    { data: '', auth: t.AUTH_TABLE, groups: '' },
    { items: [], groups: [], authRecords: [{ id: 'admin-key', type: 'API_KEY', name: 'mine' }] },
    'id',
  );
  const e = await env(t, { SCOUTR_SEED: 'example' });
  const stop = await main(e);
  try {
    expect(await tableNames()).toEqual(expect.arrayContaining(Object.values(t)));
    expect(await count(t.DATA_TABLE)).toBeGreaterThan(0);
    const admin = (await db.send(new ScanCommand({ TableName: t.AUTH_TABLE }))).Items?.find(
      (i) => i.id?.S === 'admin-key',
    );
    expect(admin?.name?.S).toBe('mine'); // put only where absent: the existing record stays
    const res = await fetch(`http://127.0.0.1:${e.PORT}/items`, { headers: { 'x-api-key': 'public-key' } });
    expect(res.status).toBe(200);
  } finally {
    await stop();
    await dropTables(db, Object.values(t));
  }
});

it('refuses a non-loopback HOST while trusting OIDC headers, unless SCOUTR_INSECURE_LOCAL_AUTH=true', async () => {
  const t = names();
  await expect(main(await env(t, { HOST: '0.0.0.0' }))).rejects.toThrow(/Refusing to listen on 0\.0\.0\.0/);
  await expect(main(await env(t, { HOST: '0.0.0.0', TRUST_OIDC_HEADERS: 'false' }))).rejects.toThrow(t.DATA_TABLE);
  await expect(main(await env(t, { HOST: '0.0.0.0', SCOUTR_INSECURE_LOCAL_AUTH: 'true' }))).rejects.toThrow(
    t.DATA_TABLE,
  );
});

it('verifies bearer tokens when OIDC_JWKS_URL asks, and then no longer trusts OIDC headers', async () => {
  // Prepare: the seeded example, and an identity provider on loopback
  const key = await signingKey('k1');
  const idp = await startJwksServer([key]);
  const t = names();
  const e = await env(t, {
    SCOUTR_SEED: 'example',
    OIDC_JWKS_URL: idp.url,
    OIDC_ISSUER: idp.issuer,
    OIDC_AUDIENCE: 'scoutr',
  });
  const stop = await main(e);
  try {
    const jwt = await key.sign({
      iss: idp.issuer,
      aud: 'scoutr',
      sub: 'alice',
      exp: Math.floor(Date.now() / 1000) + 60,
    });
    const url = `http://127.0.0.1:${e.PORT}/item/p-1`;
    // Act
    const signedIn = await fetch(url, { headers: { Authorization: `Bearer ${jwt}` } });
    const claimed = await fetch(url, { headers: { 'Oidc-Claim-Sub': 'alice' } });
    // Assess
    expect(signedIn.status).toBe(200);
    expect(claimed.status).toBe(401);
    expect(quiet.mock.calls.flat().join('\n')).toContain(`JWT verification: bearer tokens checked against ${idp.url}`);
  } finally {
    await stop();
    await idp.close();
    await dropTables(db, Object.values(t));
  }
});

it('names a bad variable and never starts', async () => {
  await expect(main(await env(names(), { PORT: 'eighty', AUDIT_SHARDS: '0' }))).rejects.toThrow(
    /PORT: must be a port number[\s\S]*AUDIT_SHARDS|AUDIT_SHARDS[\s\S]*PORT/,
  );
});

it('keeps the embedded DynamoDB on disk under SCOUTR_DATA_DIR (made if missing) and seeds it only once', async () => {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = join(mkdtempSync(join(tmpdir(), 'scoutr-data-')), 'nested', 'dir');
  const start = async () => {
    const port = String(await freePort());
    return { port, stop: await main({ PORT: port, SCOUTR_DATA_DIR: dir, LOG_LEVEL }) };
  };
  try {
    // Act: a first start seeds the example; a pet is added
    const first = await start();
    const created = await fetch(`http://127.0.0.1:${first.port}/item`, {
      method: 'POST',
      headers: { 'x-api-key': 'inventory-key' },
      body: JSON.stringify({ id: 'kept', name: 'Kept', type: 'cat', status: 'available', price: 3 }),
    });
    expect(created.status).toBe(201);
    await first.stop();
    // Act: a second start on the same directory
    const second = await start();
    try {
      const all = await fetch(`http://127.0.0.1:${second.port}/items`, { headers: { 'x-api-key': 'admin-key' } });
      // Assess: the pet survived, and the seed was not put again over the data
      const ids = ((await all.json()) as Array<{ id: string }>).map((i) => i.id);
      expect(ids).toContain('kept');
      expect(ids).toHaveLength(9); // the example's 8 pets and this one
    } finally {
      await second.stop();
    }
  } finally {
    rmSync(join(dir, '..', '..'), { recursive: true, force: true });
  }
});

it('serves --example recipes seeded on request, and prints the scoutr commands that reach its tables as pasted', async () => {
  const t = { ...names(), GRANTS_TABLE: `${uniqueName('main')}-grants` };
  quiet.mockClear();
  const stop = await main(await env(t, { SCOUTR_SEED: 'example' }), ['--example', 'recipes']);
  try {
    const printed = quiet.mock.calls.map((c) => String(c[0])).join('\n');
    const key = `AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=${testCredentialsEnv().AWS_ACCESS_KEY_ID} AWS_SECRET_ACCESS_KEY=local`;
    expect(printed).toContain(`DYNAMODB_ENDPOINT=${process.env.DYNAMODB_ENDPOINT} ${key} AUTH_TABLE=${t.AUTH_TABLE}`);
    // Pasted into a shell in this repository, with nothing else set, each command reaches the same tables: the
    // banner carries the DynamoDB's access key, and spells the command as it runs here (npx scoutr is the built bin).
    const commands = printed.split('\n').filter((l) => l.includes(' npm run -s scoutr -- '));
    expect(commands.map((l) => l.slice(l.indexOf(' npm run -s scoutr -- ') + 22))).toEqual([
      'policy export > exported-policy.yml',
      'policy plan example/recipes/policy.yml',
      'policy apply example/recipes/policy.yml --yes',
      'check --as user:alice GET /recipes --app example/recipes/scoutr.config.ts',
    ]);
    const exported = pasted(commands[0]!.replace(' > exported-policy.yml', ''));
    expect([exported.status, exported.stderr]).toEqual([0, '']);
    expect(exported.stdout).toContain('type: ROLE');
    const planned = pasted(commands[1]!);
    expect([planned.status, planned.stdout]).toEqual([0, expect.stringContaining('No changes')]);
    const check = pasted(commands[3]!);
    expect([check.status, check.stdout.split('\n')[0]]).toEqual([0, expect.stringMatching(/^allowed: GET \/recipes/)]);
    expect(printed).toContain("every signed-in caller also has the role 'member' (DEFAULT_ROLE)");
    // the example's ROLE record was seeded from its policy file, through the apply code: a plan now finds nothing to do
    expect(await count(t.AUTH_TABLE)).toBe(1);
    const plan = await planPolicy(db, { auth: t.AUTH_TABLE, groups: t.GROUP_TABLE }, examplePolicy('recipes'), {
      prune: true,
    });
    expect(plan.changes).toEqual([]);
    expect(await tableNames()).toContain(t.GRANTS_TABLE);
  } finally {
    await stop();
    await dropTables(db, Object.values(t));
  }
});

it('serves --example articles with its roles from example/articles/policy.ts and its comment action', async () => {
  const t = names();
  const e = await env(t, { SCOUTR_SEED: 'example' });
  const stop = await main(e, ['--example', 'articles']);
  try {
    // 3 permissions and 3 roles as groups, 3 records: all from the TS policy module, through the apply code
    expect(await count(t.AUTH_TABLE)).toBe(3);
    expect(await count(t.GROUP_TABLE)).toBe(6);
    const plan = await planPolicy(db, { auth: t.AUTH_TABLE, groups: t.GROUP_TABLE }, examplePolicy('articles'), {
      prune: true,
    });
    expect(plan.changes).toEqual([]);
    const url = `http://127.0.0.1:${e.PORT}`;
    expect((await fetch(`${url}/article/welcome`)).status).toBe(200); // ANONYMOUS_ROLE=anonymous, the seed's default
    const res = await fetch(`${url}/article/welcome/comment`, {
      method: 'POST',
      headers: { 'Oidc-Claim-Sub': 'reader', 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'hello' }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { comments: unknown[] }).comments.at(-1)).toEqual({ by: 'reader', text: 'hello' });
  } finally {
    await stop();
    await dropTables(db, Object.values(t));
  }
});

it('refuses an unknown example and --example with SCOUTR_CONFIG, naming them', async () => {
  await expect(main(await env(names()), ['--example', 'nope'])).rejects.toThrow(/no example 'nope'/);
  await expect(
    main(await env(names(), { SCOUTR_CONFIG: 'example/petstore/scoutr.config.ts' }), ['--example', 'repos']),
  ).rejects.toThrow(/--example and SCOUTR_CONFIG/);
});
