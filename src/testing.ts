import { resolve } from 'node:path';
import type { AppConfig } from './core/app';
import type { PolicyDocument } from './core/policy/schema';
import { startDev } from './local/dev';
import { companionFiles, findProject, loadProject, type SeedFile } from './local/project';

// `scoutr/testing`: a project's API on a fresh embedded DynamoDB, for the project's own tests (docs: how-to/test-your-api).

export interface TestServerOptions {
  /** the project's folder (default: the current one): its scoutr.config.ts, policy and seed files */
  dir?: string;
  /** an app config, or the path of its module, instead of the folder's */
  app?: string | AppConfig;
  /** a policy document, or the path of its file, instead of the folder's */
  policy?: string | PolicyDocument;
  /** seed items (and grants), or the path of a seed file, instead of the folder's */
  seed?: string | SeedFile;
  /**
   * Variables the server reads (docs/reference/configuration.md#the-server: DEFAULT_ROLE, AUDIT_READ_TTL_DAYS, ...), and only these: a test does
   * not depend on the shell it runs in.
   */
  env?: Record<string, string>;
}

export interface TestReply {
  status: number;
  headers: Headers;
  /** the JSON body (undefined when there is none) */
  body: unknown;
}

export interface TestServer {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /**
   * A request to the server; `body` is sent as JSON. Identify as the local server allows: an `x-api-key` header
   * (an API_KEY record) or `Oidc-Claim-Sub` (a USERNAME record).
   */
  request(
    method: string,
    path: string,
    options?: { headers?: Record<string, string>; body?: unknown },
  ): Promise<TestReply>;
  /** stops the server and its DynamoDB */
  close(): Promise<void>;
}

/** Starts the project's API on a free port over an embedded, in-memory DynamoDB Local, seeded as `scoutr dev` seeds. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dir = resolve(options.dir ?? process.cwd());
  const file = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const flags = { policy: file(options.policy), seed: file(options.seed) };
  const files =
    typeof options.app === 'object'
      ? { app: '(given)', ...companionFiles(dir, flags, dir) }
      : findProject({ app: file(options.app), ...flags }, {}, dir);
  const project = await loadProject(files, {
    ...(typeof options.app === 'object' ? { app: options.app } : {}),
    ...(typeof options.policy === 'object' ? { policy: options.policy } : {}),
    ...(typeof options.seed === 'object' ? { seed: options.seed } : {}),
  });
  const server = await startDev(project, { env: { LOG_LEVEL: 'silent', ...options.env, PORT: '0' } });
  return {
    url: server.url,
    async request(method, path, o = {}) {
      const res = await fetch(`${server.url}${path}`, {
        method,
        headers: { ...(o.body === undefined ? {} : { 'content-type': 'application/json' }), ...o.headers },
        ...(o.body === undefined ? {} : { body: JSON.stringify(o.body) }),
      });
      const text = await res.text();
      return { status: res.status, headers: res.headers, body: text === '' ? undefined : JSON.parse(text) };
    },
    close: () => server.close(),
  };
}
