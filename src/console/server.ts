import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import type { Config } from '../config';
import type { AppConfig } from '../core/app';
import { ScoutrError } from '../core/errors';
import { type Logger, silentLogger } from '../core/log';
import { AuthStore } from '../dynamo/auth';
import type { DynamoDBClient } from '../dynamo/client';
import { createRuntime } from '../http/runtime';
import { httpAnswer } from '../http/status';
import * as api from './api';

// `scoutr console` (docs/how-to/use-the-console.md#the-guard): a page on 127.0.0.1 for the people who run a Scoutr API. It holds the operator's
// database rights, so, as Jupyter does, it answers only with the random token it printed in its URL (then a cookie
// for that port), only to a loopback Host (a DNS-rebinding page cannot name another), and only GET. It writes
// nothing: no item, no auth record, no audit record.

export interface ConsoleOptions {
  app: AppConfig;
  /** the server's configuration: tables, DEFAULT_ROLE, ANONYMOUS_ROLE, AUDIT_SHARDS… (docs/reference/configuration.md#the-server) */
  config: Config;
  db: DynamoDBClient;
  /** the project's policy file (docs/reference/policy-file.md#the-document), for the policy view */
  policyFile?: string | undefined;
  /** a loopback address (default 127.0.0.1); anything else is refused */
  host?: string;
  /** default 0: a free port */
  port?: number;
  /** the built page (index.html, app.js, app.css): default the package's dist/console */
  assets?: string;
  log?: Logger;
}

export interface ConsoleServer {
  /** the console's address, without the token */
  url: string;
  /** the random token every request must carry (`?token=` once, then the cookie it sets) */
  token: string;
  /** the address to open: the url with the token */
  link: string;
  close(): Promise<void>;
}

export class ConsoleError extends Error {
  override readonly name = 'ConsoleError';
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
/** The views, each an address of its own (a link can be shared with whoever has the token). */
export const VIEWS = ['/', '/identities', '/see-as', '/why', '/who', '/policy', '/history', '/audit'] as const;
const ASSETS: Record<string, string> = {
  '/app.js': 'text/javascript; charset=utf-8',
  '/app.css': 'text/css; charset=utf-8',
};

const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');
const SECURITY_HEADERS = {
  'Cache-Control': 'no-store',
  'Content-Security-Policy': CSP,
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** The package's root (its package.json), from this file in src/console or in the built dist/. */
function packageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return from;
  }
}
export const defaultAssets = () => join(packageRoot(__dirname), 'dist', 'console');

function loadAssets(dir: string): Record<string, Buffer> {
  const files = ['index.html', 'app.js', 'app.css'];
  const missing = files.filter((f) => !existsSync(join(dir, f)));
  if (missing.length > 0) {
    throw new ConsoleError(
      `the console's page is not built (${join(dir, missing[0]!)} is missing): run npm run build:console`,
    );
  }
  return Object.fromEntries(files.map((f) => [`/${f}`, readFileSync(join(dir, f))]));
}

const digest = (s: string) => createHash('sha256').update(s).digest();
/** Constant time: both sides are hashed to 32 bytes first, so neither the length nor a prefix shows in the timing. */
const sameToken = (given: string | undefined, token: string) =>
  given !== undefined && timingSafeEqual(digest(given), digest(token));

function cookieValue(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

/** `Host` must name this loopback address and port: a rebinding DNS name on 127.0.0.1 is refused. */
function loopbackHost(header: string | undefined, port: number): boolean {
  if (!header) return false;
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(header.trim().toLowerCase());
  return m !== null && LOOPBACK_HOSTS.has(m[1]!) && Number(m[2] ?? 80) === port;
}

const HANDLERS: Record<string, (cx: api.ConsoleContext, params: URLSearchParams) => Promise<unknown> | unknown> = {
  meta: (cx) => api.meta(cx),
  identities: (cx) => api.identities(cx),
  'see-as': api.seeAs,
  why: api.why,
  who: api.who,
  policy: api.policy,
  history: api.history,
  audit: api.auditLog,
  openapi: api.openapi,
};

/**
 * Starts the console for an app and its tables (`scoutr console`, `scoutr dev --console`). Resolves once it
 * listens; the token is new on every start.
 */
export async function startConsole(options: ConsoleOptions): Promise<ConsoleServer> {
  const host = loopbackOnly(options.host ?? '127.0.0.1');
  const assets = loadAssets(options.assets ?? defaultAssets());
  const log = options.log ?? silentLogger;
  const site: Site = {
    cx: await consoleContext(options, log),
    assets,
    token: randomBytes(24).toString('base64url'),
    port: 0,
  };
  const server = createServer((req, res) => {
    answer(site, req, res).catch((err: unknown) => failed(res, err, log));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  site.port = address.port;
  const base = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${site.port}`;
  return {
    url: base,
    token: site.token,
    link: `${base}/?token=${site.token}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** What every request is answered from: the views' context, the page, the token, and the port once listening. */
interface Site {
  cx: api.ConsoleContext;
  assets: Record<string, Buffer>;
  token: string;
  port: number;
}

function loopbackOnly(host: string): string {
  if (!LOOPBACK_HOSTS.has(host) && !/^127\.\d+\.\d+\.\d+$/.test(host)) {
    throw new ConsoleError(
      `the console listens on a loopback address only, not ${host}: it holds your database rights`,
    );
  }
  return host;
}

/** The server's own runtime, reading the tables as they are now: no auth cache between a change and the next look. */
async function consoleContext(options: ConsoleOptions, log: Logger): Promise<api.ConsoleContext> {
  const runtime = await createRuntime(options.app, options.config, { db: options.db, log });
  const auth = new AuthStore(options.db, runtime.deps.tables, { cacheSeconds: 0, now: runtime.deps.now });
  return { deps: { ...runtime.deps, auth }, policyFile: options.policyFile };
}

function send(res: ServerResponse, status: number, body: Buffer | string, type: string, extra = {}): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
    ...extra,
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

const json = (res: ServerResponse, status: number, body: unknown, extra = {}) =>
  send(res, status, JSON.stringify(body), 'application/json; charset=utf-8', extra);

/** One request, through the guard (Host, method, token) to a view's API, an asset or the page. */
async function answer(site: Site, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!loopbackHost(req.headers.host, site.port)) {
    return json(res, 403, { error: "Host is not this console's loopback address", code: 'FORBIDDEN' });
  }
  const url = new URL(req.url ?? '/', `http://127.0.0.1:${site.port}`);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return json(res, 405, { error: 'The console only reads: GET', code: 'METHOD_NOT_ALLOWED' }, { Allow: 'GET, HEAD' });
  }
  const cookie = `scoutr_console_${site.port}`;
  const inQuery = url.searchParams.get('token') ?? undefined;
  const header = req.headers['x-scoutr-token'];
  const given = inQuery ?? (typeof header === 'string' ? header : undefined) ?? cookieValue(req, cookie);
  if (!sameToken(given, site.token)) {
    return json(res, 401, { error: 'This console needs the token printed with its address', code: 'UNAUTHENTICATED' });
  }
  if (inQuery !== undefined && !url.pathname.startsWith('/api/')) {
    // The token leaves the address bar (and the history) at once: the cookie carries it from now on.
    url.searchParams.delete('token');
    const setCookie = `${cookie}=${site.token}; HttpOnly; SameSite=Strict; Path=/`;
    return send(res, 302, '', 'text/plain', { 'Set-Cookie': setCookie, Location: `${url.pathname}${url.search}` });
  }
  if (url.pathname.startsWith('/api/')) {
    const handler = HANDLERS[url.pathname.slice('/api/'.length)];
    if (!handler) return json(res, 404, { error: 'No such console API', code: 'NOT_FOUND' });
    url.searchParams.delete('token');
    return json(res, 200, await handler(site.cx, url.searchParams));
  }
  const asset = ASSETS[url.pathname];
  if (asset) return send(res, 200, site.assets[url.pathname]!, asset);
  if ((VIEWS as readonly string[]).includes(url.pathname)) {
    return send(res, 200, site.assets['/index.html']!, 'text/html; charset=utf-8');
  }
  return json(res, 404, { error: 'No such page', code: 'NOT_FOUND' });
}

/** A request that failed: a 400 for the console's own input, the API's answer for its errors, else a 500. */
function failed(res: ServerResponse, err: unknown, log: Logger): void {
  const [status, error] = failure(err, log);
  json(res, status, error);
}

function failure(err: unknown, log: Logger): [status: number, { error: string; code: string }] {
  if (err instanceof api.ConsoleInputError) return [400, { error: err.message, code: 'INVALID_QUERY' }];
  if (err instanceof ScoutrError && err.expose) return [httpAnswer(err).status, { error: err.message, code: err.code }];
  if (err instanceof ScoutrError && err.code === 'AUTH_CONFIG') {
    // The operator's own records are wrong: say which, as `scoutr check` does.
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return [500, { error: `${err.message}${cause}`, code: err.code }];
  }
  log.error('console request failed', { error: String(err) });
  return [500, { error: `Internal error: ${(err as Error).message}`, code: 'INTERNAL' }];
}
