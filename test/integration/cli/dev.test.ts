import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Io, run } from '../../../src/cli/main';
import { dropTables } from '../../../src/dynamo/admin';
import type { DevServer } from '../../../src/local/dev';
import { freePort } from '../../../src/local/emulator';
import { localDb, testCredentialsEnv, uniqueName } from '../../support/db';

// `scoutr dev` (docs/reference/cli.md#scoutr-dev) on a project `scoutr init` wrote: its tables from the app's declaration, its policy
// applied, its seed put, curl lines from its own routes and identities; run in-process through the command line.

jest.setTimeout(120_000);
const db = localDb();
afterAll(() => db.destroy());

let project: string;
beforeAll(async () => {
  project = mkdtempSync(join(tmpdir(), 'scoutr-dev-'));
  const io = { out: () => {}, err: () => {}, env: {}, interactive: false, ask: async () => '' };
  expect(await run(['init', project, '--table', 'books', '--key', 'isbn', '--no-install'], io)).toBe(0);
});

/** Runs `scoutr dev ARGS`; resolves once it serves (or exits), with a way to stop it. */
async function dev(args: string[], env: Record<string, string | undefined>) {
  const out: string[] = [];
  const err: string[] = [];
  let stop!: () => void;
  const stopped = new Promise<void>((r) => {
    stop = r;
  });
  let serving!: (s: DevServer | undefined) => void;
  const started = new Promise<DevServer | undefined>((r) => {
    serving = r;
  });
  const io: Io = {
    out: (s) => out.push(s),
    err: (s) => err.push(s),
    env: { LOG_LEVEL: 'silent', ...testCredentialsEnv(), ...env },
    interactive: false,
    ask: async () => '',
    cwd: project,
    untilStopped: () => stopped,
    started: (s) => serving(s),
  };
  const exit = run(['dev', ...args], io).then((code) => {
    serving(undefined);
    return code;
  });
  const server = await started;
  return {
    server,
    out: () => out.join(''),
    err: () => err.join(''),
    exit,
    async stop() {
      stop();
      return exit;
    },
  };
}

const tables = () => {
  const p = uniqueName('dev');
  return { DATA_TABLE: `${p}-books`, AUTH_TABLE: `${p}-auth`, GROUP_TABLE: `${p}-groups`, AUDIT_TABLE: `${p}-audit` };
};

it('serves the project with its policy and seed: rows and hidden fields per identity, curl lines from the policy', async () => {
  // Prepare: the shared DynamoDB Local, which dev may create and seed only because SCOUTR_SEED asks
  const t = tables();
  const port = await freePort();
  const d = await dev(['--port', String(port)], {
    ...t,
    DYNAMODB_ENDPOINT: process.env.DYNAMODB_ENDPOINT,
    SCOUTR_SEED: 'example',
  });
  try {
    expect(d.server?.url).toBe(`http://127.0.0.1:${port}`);
    // Act
    const reader = await fetch(`${d.server!.url}/books`, { headers: { 'x-api-key': 'reader-key' } });
    const editor = await fetch(`${d.server!.url}/books`, { headers: { 'Oidc-Claim-Sub': 'alice' } });
    // Assess
    const rows = (await reader.json()) as Array<Record<string, unknown>>;
    expect(rows.map((r) => r.isbn).sort()).toEqual(['b-1', 'b-2']);
    expect(rows.every((r) => !('notes' in r))).toBe(true);
    const all = (await editor.json()) as Array<Record<string, unknown>>;
    expect(all.map((r) => r.isbn).sort()).toEqual(['b-1', 'b-2', 'b-3']);
    expect(all.every((r) => 'notes' in r)).toBe(true);
    expect(d.out()).toContain(`curl -s http://127.0.0.1:${port}/books -H 'x-api-key: reader-key'`);
    expect(d.out()).toContain(`curl -s http://127.0.0.1:${port}/books -H 'Oidc-Claim-Sub: alice'`);
    expect(d.out()).toMatch(/POST\s+\/book\n/);
  } finally {
    expect(await d.stop()).toBe(0);
    await dropTables(db, Object.values(t));
  }
});

it('never creates or seeds tables at DYNAMODB_ENDPOINT unless SCOUTR_SEED asks, and says which are missing', async () => {
  const t = tables();
  const d = await dev(['--port', String(await freePort())], { ...t, DYNAMODB_ENDPOINT: process.env.DYNAMODB_ENDPOINT });
  expect(d.server).toBeUndefined();
  expect(await d.exit).toBe(1);
  expect(d.err()).toContain(`These tables do not exist at DYNAMODB_ENDPOINT: ${t.DATA_TABLE}`);
});

it('on its embedded DynamoDB, keeps data under --data between runs and makes the table with the declared key', async () => {
  const data = mkdtempSync(join(tmpdir(), 'scoutr-dev-data-'));
  try {
    const first = await dev(['--port', String(await freePort()), '--data', data], {});
    const url = first.server!.url;
    const added = await fetch(`${url}/book`, {
      method: 'POST',
      headers: { 'Oidc-Claim-Sub': 'alice' },
      body: JSON.stringify({ isbn: 'kept', title: 'Kept', status: 'published' }),
    });
    expect(added.status).toBe(201);
    expect(first.out()).toContain('created tables: books, scoutr-auth, scoutr-groups, scoutr-audit');
    expect(await first.stop()).toBe(0);
    const second = await dev(['--port', String(await freePort()), '--data', data], {});
    try {
      const res = await fetch(`${second.server!.url}/book/kept`, { headers: { 'x-api-key': 'reader-key' } });
      expect(res.status).toBe(200);
      expect(second.out()).not.toContain('created tables');
    } finally {
      await second.stop();
    }
  } finally {
    rmSync(data, { recursive: true, force: true });
  }
});

it('says how to make a project when there is no app config', async () => {
  const empty = mkdtempSync(join(tmpdir(), 'scoutr-empty-'));
  const out: string[] = [];
  const code = await run(['dev'], {
    out: () => {},
    err: (s) => out.push(s),
    env: {},
    interactive: false,
    ask: async () => '',
    cwd: empty,
  });
  expect(code).toBe(1);
  expect(out.join('')).toMatch(/no app config in .*: expected scoutr\.config\.ts \(npx scoutr init makes one\)/);
});
