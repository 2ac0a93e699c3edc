import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { exampleFiles, loadExample } from '../../../scripts/examples';
import { type Io, run } from '../../../src/cli/main';
import { openApiDocument } from '../../../src/http/openapi';
import { testCredentialsEnv } from '../../support/db';
import { startExample } from '../../support/examples';
import { as, type Harness } from '../../support/harness';
import { cli } from './support';

// `scoutr openapi [--as]` and `scoutr console` through the real CLI (in process, and the process edge once),
// against the pet store's tables.

let h: Harness;
beforeAll(async () => {
  h = await startExample('petstore');
});
afterAll(() => h.close());

const APP = exampleFiles('petstore').app;
const env = () => ({
  DATA_TABLE: h.tables.data,
  AUTH_TABLE: h.tables.auth,
  GROUP_TABLE: h.tables.groups,
  AUDIT_TABLE: h.tables.audit,
  DYNAMODB_ENDPOINT: process.env.DYNAMODB_ENDPOINT,
  ...testCredentialsEnv(), // the test run's DynamoDB Local is private to its key
});

describe('scoutr openapi', () => {
  it("prints the app's whole document without --as", async () => {
    const res = await cli(h.db, env())(['openapi', '--app', APP]);
    expect(res.code).toBe(0);
    const { app } = await loadExample('petstore');
    expect(JSON.parse(res.out)).toEqual(JSON.parse(JSON.stringify(openApiDocument(app))));
  });

  it.each(['key:public-key', 'user:owen', 'user:vera:vets'])(
    '--as %s prints what GET /openapi.json answers it, from the tables and from the policy file alike',
    async (identity) => {
      const [kind, id, groups] = identity.split(':');
      const headers = kind === 'key' ? as.key(id!) : as.user(id!, groups ? [groups] : undefined);
      const served = (await h.request('GET', '/openapi.json', { headers })).body;
      const policy = exampleFiles('petstore').policy!;
      const fromTables = await cli(h.db, env())(['openapi', '--app', APP, '--as', identity]);
      const fromFile = await cli(h.db, {})(['openapi', '--app', APP, '--as', identity, '--policy', policy]);
      expect(JSON.parse(fromTables.out)).toEqual(served);
      expect(JSON.parse(fromFile.out)).toEqual(served);
    },
  );

  it('refuses an identity no role applies to, as the server answers it 401', async () => {
    expect((await h.request('GET', '/openapi.json', { headers: as.key('nobody') })).status).toBe(401);
    expect(await cli(h.db, env())(['openapi', '--app', APP, '--as', 'key:nobody'])).toEqual({
      code: 1,
      out: '',
      err: 'scoutr: key:nobody: no role applies to this identity; the server answers 401\n',
    });
  });
});

describe('scoutr console', () => {
  /** Runs `scoutr console ARGS` until `stop()`; resolves the printed link once it listens. */
  function startCli(args: string[], cwd?: string) {
    let stop!: () => void;
    const stopped = new Promise<void>((r) => {
      stop = r;
    });
    const out: string[] = [];
    const err: string[] = [];
    const io: Io = {
      out: (s) => out.push(s),
      err: (s) => err.push(s),
      env: env(),
      interactive: false,
      ask: async () => '',
      db: h.db,
      ...(cwd ? { cwd } : {}),
      untilStopped: () => stopped,
    };
    const code = run(['console', ...args], io);
    const link = (async () => {
      for (let i = 0; i < 200; i++) {
        const m = /http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/.exec(out.join(''));
        if (m) return m[0];
        if (err.length > 0) throw new Error(err.join(''));
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`no link printed: ${out.join('')}`);
    })();
    return { code, link, stop, out, err };
  }

  it('serves the project of the current folder until stopped, at the printed address with its token', async () => {
    const running = startCli([], resolve(APP, '..'));
    const link = new URL(await running.link);
    const token = link.searchParams.get('token')!;
    const api = `${link.origin}/api/see-as?as=key:public-key`;
    expect((await fetch(api)).status).toBe(401);
    const view = (await (await fetch(api, { headers: { 'X-Scoutr-Token': token } })).json()) as { rows: unknown[] };
    const listed = (await h.request('GET', '/items', { headers: as.key('public-key') })).body as unknown[];
    expect(view.rows.length).toBe(listed.length);
    const policy = (await (
      await fetch(`${link.origin}/api/policy`, { headers: { 'X-Scoutr-Token': token } })
    ).json()) as {
      file: string;
    };
    expect(policy.file).toBe(exampleFiles('petstore').policy); // policy.yml beside the app config
    expect(running.out.join('')).toContain(`tables: data=${h.tables.data} auth=${h.tables.auth}`);
    running.stop();
    expect(await running.code).toBe(0);
    await expect(fetch(api)).rejects.toThrow();
  });

  it('refuses a folder without an app config, and a bad port, with one line and exit 1', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'scoutr-console-'));
    const none = await run(['console'], {
      out: () => {},
      err: (s) => expect(s).toMatch(/^scoutr: no app config in .*: expected scoutr\.config\.ts/),
      env: {},
      interactive: false,
      ask: async () => '',
      cwd: empty,
    });
    expect(none).toBe(1);
    const res = await cli(h.db, env())(['console', '--app', APP, '--port', 'http']);
    expect(res.code).toBe(1);
    expect(res.err).toContain('not a port number');
  });
});

describe('scoutr dev --console', () => {
  it('serves the console beside the API, on the same tables, and stops both', async () => {
    let stop!: () => void;
    const stopped = new Promise<void>((r) => {
      stop = r;
    });
    const out: string[] = [];
    let api: string | undefined;
    const code = run(['dev', '--console', '--app', APP, '--port', '0'], {
      out: (s) => out.push(s),
      err: (s) => out.push(s),
      env: env(),
      interactive: false,
      ask: async () => '',
      untilStopped: () => stopped,
      started: (server) => {
        api = server.url;
      },
    });
    for (let i = 0; i < 200 && !api; i++) await new Promise((r) => setTimeout(r, 50));
    const link = new URL(/http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/.exec(out.join(''))![0]);
    const headers = { 'X-Scoutr-Token': link.searchParams.get('token')! };
    const meta = (await (await fetch(`${link.origin}/api/meta`, { headers })).json()) as { tables: { data: string } };
    expect(meta.tables.data).toBe(h.tables.data);
    expect((await fetch(`${api}/items`, { headers: as.key('public-key') })).status).toBe(200);
    stop();
    expect(await code).toBe(0);
    await expect(fetch(`${link.origin}/api/meta`, { headers })).rejects.toThrow();
  });
});

describe('scoutr console as a process', () => {
  let repos: Harness;
  beforeAll(async () => {
    repos = await startExample('repos');
  });
  afterAll(() => repos.close());

  it("serves a project with the app's settings (its DEFAULT_ROLE, ANONYMOUS_ROLE), and stops on SIGINT", async () => {
    const bin = resolve(__dirname, '../../../src/cli/bin.ts');
    const child = spawn(process.execPath, [require.resolve('tsx/cli'), bin, 'console'], {
      cwd: resolve(exampleFiles('repos').app, '..'),
      env: {
        ...process.env,
        DATA_TABLE: repos.tables.data,
        AUTH_TABLE: repos.tables.auth,
        GROUP_TABLE: repos.tables.groups,
        AUDIT_TABLE: repos.tables.audit!,
        GRANTS_TABLE: repos.tables.grants!,
        DYNAMODB_ENDPOINT: process.env.DYNAMODB_ENDPOINT,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    try {
      let link: string | undefined;
      for (let i = 0; i < 300 && !link; i++) {
        link = /http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/.exec(out)?.[0];
        if (!link) {
          if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}: ${err}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      const url = new URL(link!);
      const headers = { 'X-Scoutr-Token': url.searchParams.get('token')! };
      const meta = (await (await fetch(`${url.origin}/api/meta`, { headers })).json()) as { settings: unknown };
      expect(meta.settings).toEqual({ defaultRole: 'public-reader', anonymousRole: 'public-reader' });
      const who = (await (await fetch(`${url.origin}/api/who?item=react`, { headers })).json()) as {
        rows: { identity: string; read: boolean }[];
      };
      expect(who.rows.find((r) => r.identity === 'anonymous')?.read).toBe(true);
    } finally {
      child.kill('SIGINT');
      const [code] = await once(child, 'exit');
      expect({ code, err }).toEqual({ code: 0, err: '' });
    }
  });
});
