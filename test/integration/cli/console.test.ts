import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import petstore from '../../../example/app';
import { type Io, run } from '../../../src/cli/main';
import { openApiDocument } from '../../../src/http/openapi';
import { EXAMPLES } from '../../../src/local/examples';
import { startExample } from '../../support/examples';
import { as, type Harness } from '../../support/harness';
import { cli } from './support';

// `scoutr openapi [--as]` and `scoutr console` through the real CLI (in process), against the pet store's tables.

let h: Harness;
beforeAll(async () => {
  h = await startExample('petstore');
});
afterAll(() => h.close());

const APP = resolve(__dirname, '../../../example/app.ts');
const env = () => ({
  DATA_TABLE: h.tables.data,
  AUTH_TABLE: h.tables.auth,
  GROUP_TABLE: h.tables.groups,
  AUDIT_TABLE: h.tables.audit,
  DYNAMODB_ENDPOINT: process.env.DYNAMODB_ENDPOINT,
});

describe('scoutr openapi', () => {
  it("prints the app's whole document without --as", async () => {
    const res = await cli(h.db, env())(['openapi', '--app', APP]);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.out)).toEqual(JSON.parse(JSON.stringify(openApiDocument(petstore))));
  });

  it.each(['key:public-key', 'user:owen', 'user:vera:vets'])(
    '--as %s prints what GET /openapi.json answers it, from the tables and from the policy file alike',
    async (identity) => {
      const [kind, id, groups] = identity.split(':');
      const headers = kind === 'key' ? as.key(id!) : as.user(id!, groups ? [groups] : undefined);
      const served = (await h.request('GET', '/openapi.json', { headers })).body;
      const fromTables = await cli(h.db, env())(['openapi', '--app', APP, '--as', identity]);
      const fromFile = await cli(
        h.db,
        {},
      )(['openapi', '--app', APP, '--as', identity, '--policy', EXAMPLES.petstore.policy]);
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
  function startCli(args: string[], extraEnv: Record<string, string> = {}) {
    let stop!: () => void;
    const interrupted = new Promise<void>((r) => {
      stop = r;
    });
    const out: string[] = [];
    const err: string[] = [];
    const io: Io = {
      out: (s) => out.push(s),
      err: (s) => err.push(s),
      env: { ...env(), ...extraEnv },
      interactive: false,
      ask: async () => '',
      db: h.db,
      interrupted: () => interrupted,
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

  it('serves the project until interrupted, at the printed address with its token, then stops', async () => {
    const running = startCli(['--app', APP, '--policy', EXAMPLES.petstore.policy]);
    const link = new URL(await running.link);
    const token = link.searchParams.get('token')!;
    const api = `${link.origin}/api/see-as?as=key:public-key`;
    expect((await fetch(api)).status).toBe(401);
    const view = (await (await fetch(api, { headers: { 'X-Scoutr-Token': token } })).json()) as { rows: unknown[] };
    const listed = (await h.request('GET', '/items', { headers: as.key('public-key') })).body as unknown[];
    expect(view.rows.length).toBe(listed.length);
    expect(running.out.join('')).toContain(`tables: data=${h.tables.data} auth=${h.tables.auth}`);
    running.stop();
    expect(await running.code).toBe(0);
    await expect(fetch(api)).rejects.toThrow();
  });

  it.each([
    [['--example', 'nope'], "--example: no example 'nope'; the examples are petstore, recipes, repos, articles"],
    [['--app', APP, '--port', 'http'], '--port http: not a port number'],
    [
      ['--example', 'repos', '--app', APP],
      '--example names an app config and a policy file: give it alone, or --app and --policy',
    ],
    [[], 'no app config: pass --app MODULE, or run in a folder with scoutr.config.ts, or set SCOUTR_CONFIG'],
  ])('refuses %j with a clear message and exit 1', async (args, message) => {
    const res = await cli(h.db, env())(['console', ...args]);
    expect(res).toEqual({ code: 1, out: '', err: `scoutr: ${message}\n` });
  });
});

describe('scoutr console through bin/scoutr.js', () => {
  let repos: Harness;
  beforeAll(async () => {
    repos = await startExample('repos');
  });
  afterAll(() => repos.close());

  it('--example serves the example with its settings (DEFAULT_ROLE, ANONYMOUS_ROLE), and stops on SIGINT', async () => {
    const child = spawn(
      process.execPath,
      [resolve(__dirname, '../../../bin/scoutr.js'), 'console', '--example', 'repos'],
      {
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
      },
    );
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
