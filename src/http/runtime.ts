import { randomBytes, randomFillSync } from 'node:crypto';
import { type Config, ConfigError } from '../config';
import { type AppConfig, roleSettings } from '../core/app';
import { checkItemRoles, type ItemRoles } from '../core/item-roles';
import type { Logger } from '../core/log';
import { routesFor } from '../core/routes';
import { AuthStore } from '../dynamo/auth';
import { createClient, type DynamoDBClient, observeCommands } from '../dynamo/client';
import { describeDataTable } from '../dynamo/schema';
import type { Deps } from '../engine/context';
import { cursorKey } from '../engine/cursor';
import { createSerializer } from '../engine/serialize';
import { type IdentityConfig, identityConfig } from './identity';
import { createTokenVerifier, type JwksOptions, type TokenVerifier } from './jwt';
import { jsonLogger } from './log';
import { createReporter, noReporter, type Reporter } from './sentry';

/** Everything built once per container: the client, the key schema (one DescribeTable), the auth cache. */
export interface Runtime {
  deps: Deps;
  identity: IdentityConfig;
  corsOrigins: string[];
  config: Config;
  reporter: Reporter;
  /** set when OIDC_JWKS_URL is: bearer tokens are verified in process */
  verifyToken: TokenVerifier | undefined;
}

export interface RuntimeOverrides {
  db?: DynamoDBClient;
  now?: () => number;
  log?: Logger;
  nonce?: () => string;
  reporter?: Reporter;
  /** the key set cache's timings (tests shorten them) */
  jwks?: JwksOptions;
  /** the byte budget of one answer (tests and benches lower it to cut answers at a smaller scale) */
  answerBytes?: number;
}

/** The container's runtime, built in order: client, log, reporter, the app's checks, the key schema, the deps. */
export async function createRuntime(app: AppConfig, config: Config, o: RuntimeOverrides = {}): Promise<Runtime> {
  const db = o.db ?? clientOf(config);
  const now = o.now ?? Date.now;
  const log = o.log ?? jsonLogger(config.LOG_LEVEL);
  const reporter = o.reporter ?? (await reporterOf(config, log));
  const itemRoles = checkApp(app, config);
  const schema = await describeDataTable(db, config.DATA_TABLE);
  if (reporter !== noReporter) {
    // A breadcrumb per DynamoDB call of a request: the command's name only. Added after the cold start's
    // DescribeTable, which would otherwise sit, outside any request scope, in every later report.
    observeCommands(db, (name) => reporter.breadcrumb('dynamodb', name));
  }
  const tables = tablesOf(config);
  const deps: Deps = {
    db,
    tables,
    schema,
    app,
    auth: new AuthStore(db, tables, { cacheSeconds: config.AUTH_CACHE_SECONDS, now }),
    settings: settingsOf(app, config, o.answerBytes),
    now,
    nonce: o.nonce ?? randomHex(),
    shard: () => Math.floor(Math.random() * config.AUDIT_SHARDS),
    log,
    trace: reporter.breadcrumb,
    itemRoles,
    serialize: createSerializer(),
  };
  return {
    deps,
    identity: identityConfig(config),
    corsOrigins: config.CORS_ORIGINS,
    config,
    reporter,
    // One key set per container: its cache is what keeps a request from fetching the keys.
    verifyToken: createTokenVerifier(config, now, o.jwks),
  };
}

const clientOf = (config: Config) =>
  createClient({ endpoint: config.DYNAMODB_ENDPOINT, region: config.AWS_REGION, readBudgetMs: config.READ_BUDGET_MS });

const reporterOf = (config: Config, log: Logger) =>
  createReporter(config.SENTRY_DSN, {
    environment: config.STAGE,
    onUnavailable: (err) =>
      log.error('SENTRY_DSN is set but @sentry/node is not in this bundle: package with SENTRY_DSN set', {
        error: String(err),
      }),
  });

/**
 * The app's checks, before anything is read: a route table API Gateway could not deploy, or a bad item roles
 * declaration, fails the cold start naming it. Returns the checked item roles.
 */
function checkApp(app: AppConfig, config: Config): ItemRoles | undefined {
  routesFor(app);
  const itemRoles = app.itemRoles ? checkItemRoles(app.itemRoles) : undefined;
  if (itemRoles && !config.GRANTS_TABLE) {
    throw new ConfigError(
      'GRANTS_TABLE: required, since the app config declares itemRoles (docs/reference/item-roles.md#storage-and-atomicity)',
    );
  }
  return itemRoles;
}

const tablesOf = (config: Config): Deps['tables'] => ({
  data: config.DATA_TABLE,
  auth: config.AUTH_TABLE,
  groups: config.GROUP_TABLE,
  audit: config.AUDIT_TABLE,
  grants: config.GRANTS_TABLE,
});

const settingsOf = (app: AppConfig, config: Config, answerBytes: number | undefined): Deps['settings'] => ({
  auditShards: config.AUDIT_SHARDS,
  auditReadTtlDays: config.AUDIT_READ_TTL_DAYS,
  auditWriteTtlDays: config.AUDIT_WRITE_TTL_DAYS,
  readBudgetMs: config.READ_BUDGET_MS,
  cursorKey: cursorKey(config.CURSOR_SECRET ?? randomBytes(32).toString('hex')),
  roles: roleSettings(app, config),
  ...(answerBytes === undefined ? {} : { answerBytes }),
});

/**
 * 16 random hex characters per call (the nonce of audit ids, generated ids and first versions), drawn from a pool
 * filled 4 KB at a time, as crypto.randomUUID draws its own: one call into OpenSSL per 512 nonces instead of one each
 * (5 µs → 0.13 µs a nonce). A nonce only keeps ids apart within one millisecond; it is not a secret.
 */
export function randomHex(): () => string {
  const pool = Buffer.alloc(4096);
  let at = pool.length;
  return () => {
    if (at === pool.length) {
      randomFillSync(pool);
      at = 0;
    }
    at += 8;
    return pool.toString('hex', at - 8, at);
  };
}
