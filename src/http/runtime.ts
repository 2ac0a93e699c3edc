import { randomBytes } from 'node:crypto';
import type { Deps } from '../actions/context';
import { cursorKey } from '../actions/cursor';
import { createSerializer } from '../actions/serialize';
import { type Config, ConfigError } from '../config';
import { type AppConfig, roleSettings } from '../core/app';
import { checkItemRoles } from '../core/item-roles';
import type { Logger } from '../core/log';
import { routesFor } from '../core/routes';
import { AuthStore } from '../dynamo/auth';
import { createClient, type DynamoDBClient, observeCommands } from '../dynamo/client';
import { describeDataTable } from '../dynamo/schema';
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
}

export async function createRuntime(app: AppConfig, config: Config, o: RuntimeOverrides = {}): Promise<Runtime> {
  const db =
    o.db ??
    createClient({
      endpoint: config.DYNAMODB_ENDPOINT,
      region: config.AWS_REGION,
      readBudgetMs: config.READ_BUDGET_MS,
    });
  const now = o.now ?? Date.now;
  const log = o.log ?? jsonLogger(config.LOG_LEVEL);
  const reporter =
    o.reporter ??
    (await createReporter(config.SENTRY_DSN, {
      environment: config.STAGE,
      onUnavailable: (err) =>
        log.error('SENTRY_DSN is set but @sentry/node is not in this bundle: package with SENTRY_DSN set', {
          error: String(err),
        }),
    }));
  routesFor(app); // a route table API Gateway could not deploy fails the cold start, naming the route
  // The app's item roles are checked before anything is read: a bad declaration fails the cold start naming it.
  const itemRoles = app.itemRoles ? checkItemRoles(app.itemRoles) : undefined;
  if (itemRoles && !config.GRANTS_TABLE) {
    throw new ConfigError(
      'GRANTS_TABLE: required, since the app config declares itemRoles (docs/reference/item-roles.md#storage-and-atomicity)',
    );
  }
  const schema = await describeDataTable(db, config.DATA_TABLE);
  if (reporter !== noReporter) {
    // A breadcrumb per DynamoDB call of a request: the command's name only. Added after the cold start's
    // DescribeTable, which would otherwise sit, outside any request scope, in every later report.
    observeCommands(db, (name) => reporter.breadcrumb('dynamodb', name));
  }
  const tables = {
    data: config.DATA_TABLE,
    auth: config.AUTH_TABLE,
    groups: config.GROUP_TABLE,
    audit: config.AUDIT_TABLE,
    grants: config.GRANTS_TABLE,
  };
  const deps: Deps = {
    db,
    tables,
    schema,
    app,
    auth: new AuthStore(db, tables, { cacheSeconds: config.AUTH_CACHE_SECONDS, now }),
    settings: {
      auditShards: config.AUDIT_SHARDS,
      auditReadTtlDays: config.AUDIT_READ_TTL_DAYS,
      auditWriteTtlDays: config.AUDIT_WRITE_TTL_DAYS,
      readBudgetMs: config.READ_BUDGET_MS,
      cursorKey: cursorKey(config.CURSOR_SECRET ?? randomBytes(32).toString('hex')),
      roles: roleSettings(app, config),
    },
    now,
    nonce: o.nonce ?? (() => randomBytes(8).toString('hex')),
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
