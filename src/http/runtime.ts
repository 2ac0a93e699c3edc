import { randomBytes } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Deps } from '../actions/context';
import { cursorKey } from '../actions/cursor';
import { createSerializer } from '../actions/serialize';
import type { Config } from '../config';
import type { AppConfig } from '../core/app';
import type { Logger } from '../core/log';
import { AuthStore } from '../dynamo/auth';
import { createClient } from '../dynamo/client';
import { describeDataTable } from '../dynamo/schema';
import { type IdentityConfig, identityConfig } from './identity';
import { jsonLogger } from './log';
import { createReporter, noReporter, type Reporter } from './sentry';

/** Everything built once per container: the client, the key schema (one DescribeTable), the auth cache. */
export interface Runtime {
  deps: Deps;
  identity: IdentityConfig;
  corsOrigins: string[];
  config: Config;
  reporter: Reporter;
}

export interface RuntimeOverrides {
  db?: DynamoDBClient;
  now?: () => number;
  log?: Logger;
  nonce?: () => string;
  reporter?: Reporter;
}

export async function createRuntime(app: AppConfig, config: Config, o: RuntimeOverrides = {}): Promise<Runtime> {
  const db = o.db ?? createClient({ endpoint: config.DYNAMODB_ENDPOINT, region: config.AWS_REGION });
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
  const schema = await describeDataTable(db, config.DATA_TABLE);
  if (reporter !== noReporter) {
    // A breadcrumb per DynamoDB call of a request: the command's name only. Added after the cold start's
    // DescribeTable, which would otherwise sit, outside any request scope, in every later report.
    db.middlewareStack.add(
      (next, context) => async (args) => {
        reporter.breadcrumb('dynamodb', context.commandName ?? 'command');
        return next(args);
      },
      { step: 'initialize', name: 'scoutrBreadcrumbs', override: true },
    );
  }
  const tables = {
    data: config.DATA_TABLE,
    auth: config.AUTH_TABLE,
    groups: config.GROUP_TABLE,
    audit: config.AUDIT_TABLE,
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
      roles: { defaultRole: config.DEFAULT_ROLE, anonymousRole: config.ANONYMOUS_ROLE },
    },
    now,
    nonce: o.nonce ?? (() => randomBytes(8).toString('hex')),
    shard: () => Math.floor(Math.random() * config.AUDIT_SHARDS),
    log,
    trace: reporter.breadcrumb,
    serialize: createSerializer(),
  };
  return { deps, identity: identityConfig(config), corsOrigins: config.CORS_ORIGINS, config, reporter };
}
