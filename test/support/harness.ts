import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type Config, EnvSchema, parseEnv } from '../../src/config';
import type { AppConfig } from '../../src/core/app';
import { type Logger, silentLogger } from '../../src/core/log';
import { routesFor } from '../../src/core/routes';
import {
  auditTableSpec,
  authTableSpec,
  createTable,
  dropTables,
  grantsTableSpec,
  groupTableSpec,
  type TableSpec,
} from '../../src/dynamo/admin';
import { createRuntime, type Runtime, type RuntimeOverrides } from '../../src/http/runtime';
import { type SeedData, seed } from '../../src/local/seed';
import { type LocalServer, startServer } from '../../src/local/server';
import { localDb, uniqueName } from './db';

export interface HarnessOptions {
  app?: AppConfig;
  seed?: Partial<SeedData>;
  /** create the audit table (default true) */
  audit?: boolean;
  /** extra environment for the Config (TRUST_OIDC_HEADERS, AUDIT_READ_TTL_DAYS, ...) */
  env?: Record<string, string>;
  /** the data table's key and indexes (default: `id` S, no index) */
  dataTable?: Omit<TableSpec, 'name'>;
  overrides?: RuntimeOverrides;
}

export interface Reply {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

export interface Harness {
  url: string;
  db: DynamoDBClient;
  tables: { data: string; auth: string; groups: string; audit?: string; grants?: string };
  runtime: Runtime;
  config: Config;
  server: LocalServer;
  /** an HTTP request to the local server (the same handlers as Lambda, through the API Gateway event adapter) */
  request(method: string, path: string, opts?: { headers?: Record<string, string>; body?: unknown }): Promise<Reply>;
  /**
   * The same API in another process, as a second Lambda container would be: its own runtime, client and write queue
   * on the same tables. Races between writers are raced through it (in one process, writes to an item queue).
   */
  peer(): Promise<Pick<Harness, 'request' | 'url'>>;
  close(): Promise<void>;
}

/**
 * A value made before the file's first test and disposed of after its last, usable in the tests as if it existed
 * already (a test file's top level runs before beforeAll, so the value itself cannot be there yet). Used outside a
 * test or hook, it throws.
 */
export function beforeTests<T extends object>(make: () => Promise<T>, dispose?: (value: T) => unknown): T {
  let made: T | undefined;
  beforeAll(async () => {
    made = await make();
  });
  afterAll(async () => {
    if (made) await dispose?.(made);
  });
  return lazy(() => {
    if (!made) throw new Error('made in beforeAll: use it inside a test or a hook');
    return made;
  });
}

/** An object that stands for `value()`, asked each time one of its properties is used. */
export function lazy<T extends object>(value: () => T): T {
  return new Proxy({} as T, {
    get(_, key) {
      const v = Reflect.get(value(), key);
      return typeof v === 'function' ? v.bind(value()) : v;
    },
    set: (_, key, v) => Reflect.set(value(), key, v),
    has: (_, key) => Reflect.has(value(), key),
  });
}

/** The file's harness (startHarness), started before its first test and closed after its last. */
export const harnessForFile = (opts: HarnessOptions = {}): Harness =>
  beforeTests(
    () => startHarness(opts),
    (h) => h.close(),
  );

/** Fresh tables (unique names), seeded, a runtime and the local server on a free loopback port. */
export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const db = localDb();
  const prefix = uniqueName('it');
  const tables = {
    data: `${prefix}-data`,
    auth: `${prefix}-auth`,
    groups: `${prefix}-groups`,
    ...(opts.audit === false ? {} : { audit: `${prefix}-audit` }),
    ...(opts.app?.itemRoles ? { grants: `${prefix}-grants` } : {}),
  };
  await createTable(db, { name: tables.data, ...(opts.dataTable ?? { partitionKey: { name: 'id', type: 'S' } }) });
  await createTable(db, authTableSpec(tables.auth));
  await createTable(db, groupTableSpec(tables.groups));
  if (tables.audit) await createTable(db, auditTableSpec(tables.audit));
  if (tables.grants) await createTable(db, grantsTableSpec(tables.grants));
  const dataKey = (opts.dataTable ?? { partitionKey: { name: 'id' } }).partitionKey.name;
  await seed(
    db,
    tables,
    {
      items: opts.seed?.items ?? [],
      authRecords: opts.seed?.authRecords ?? [],
      groups: opts.seed?.groups ?? [],
      grants: opts.seed?.grants ?? [],
    },
    dataKey,
  );
  const config = parseEnv(EnvSchema, {
    DATA_TABLE: tables.data,
    AUTH_TABLE: tables.auth,
    GROUP_TABLE: tables.groups,
    ...(tables.audit ? { AUDIT_TABLE: tables.audit } : {}),
    ...(tables.grants ? { GRANTS_TABLE: tables.grants } : {}),
    DYNAMODB_ENDPOINT: process.env.DYNAMODB_ENDPOINT,
    TRUST_OIDC_HEADERS: 'true',
    AUTH_CACHE_SECONDS: '0',
    CURSOR_SECRET: 'test-cursor-secret-0123456789',
    ...opts.env,
  });
  const app = opts.app ?? {};
  const log: Logger = opts.overrides?.log ?? silentLogger;
  const runtime = await createRuntime(app, config, { db, log, ...opts.overrides });
  const serve = (rt: Runtime) => startServer({ runtime: rt, routes: routesFor(app), host: '127.0.0.1', port: 0 });
  const server = await serve(runtime);
  let peer: { db: DynamoDBClient; server: LocalServer } | undefined;
  const harness: Harness = {
    url: server.url,
    db,
    tables,
    runtime,
    config,
    server,
    request: (method, path, init) => requestAt(server.url, method, path, init),
    async peer() {
      if (!peer) {
        const peerDb = localDb();
        const rt = await createRuntime(app, config, { log, ...opts.overrides, db: peerDb });
        peer = { db: peerDb, server: await serve(rt) };
      }
      const url = peer.server.url;
      return { url, request: (method, path, init) => requestAt(url, method, path, init) };
    },
    async close() {
      if (peer) {
        await peer.server.close();
        peer.db.destroy();
      }
      await server.close();
      await dropTables(db, Object.values(tables));
      db.destroy();
    },
  };
  return harness;
}

async function requestAt(
  url: string,
  method: string,
  path: string,
  { headers = {}, body }: { headers?: Record<string, string>; body?: unknown } = {},
): Promise<Reply> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

/** Headers for the identities tests use. */
export const as = {
  key: (id: string) => ({ 'x-api-key': id }),
  user: (id: string, groups?: string[]) => ({
    'Oidc-Claim-Sub': id,
    ...(groups ? { 'Oidc-Claim-Groups': groups.join(',') } : {}),
  }),
};
