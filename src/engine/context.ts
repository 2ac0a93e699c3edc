import type { AppConfig } from '../core/app';
import type { Caller } from '../core/caller';
import type { ItemRoles } from '../core/item-roles';
import type { Logger } from '../core/log';
import type { Role, RoleSettings } from '../core/permissions/roles';
import type { ScoutrRequest } from '../core/request';
import type { TableSchema } from '../core/schema';
import type { Breadcrumb } from '../core/trace';
import type { AuthStore } from '../dynamo/auth';
import type { DynamoDBClient } from '../dynamo/client';
import type { ReadStats } from '../dynamo/read';
import type { RequestLog } from './request-log';
import type { Serializer } from './serialize';

interface Tables {
  data: string;
  auth: string;
  groups: string;
  audit?: string | undefined;
  /** the grants table (docs/reference/item-roles.md#storage-and-atomicity), when the app declares item roles */
  grants?: string | undefined;
}

interface Settings {
  auditShards: number;
  auditReadTtlDays: number;
  auditWriteTtlDays: number | undefined;
  readBudgetMs: number;
  /** AES key derived from CURSOR_SECRET */
  cursorKey: Buffer;
  /** DEFAULT_ROLE, ANONYMOUS_ROLE */
  roles: RoleSettings;
  /** the byte budget of one answer (default: just under Lambda's 6 MB, page/budget.ts); tests and benches lower it */
  answerBytes?: number | undefined;
}

// What the engine and every action are given: Deps once per container, Ctx once per request.

/** What every action is given: built once per container (or per test), never per request. */
export interface Deps {
  db: DynamoDBClient;
  tables: Tables;
  schema: TableSchema;
  app: AppConfig;
  auth: AuthStore;
  settings: Settings;
  /** epoch ms */
  now(): number;
  /** random text for unique audit ids and generated item ids */
  nonce(): string;
  /** which audit day shard a record goes to */
  shard(): number;
  log: Logger;
  /** breadcrumbs for error reports: names and counts only */
  trace: Breadcrumb;
  /** the app's item roles, checked at startup (docs/reference/item-roles.md#declaring-item-roles); undefined when it declares none */
  itemRoles: ItemRoles | undefined;
  /** this process's queue of writes per item key (serialize.ts) */
  serialize: Serializer;
}

/** One authenticated request. */
export interface Ctx {
  req: ScoutrRequest;
  caller: Caller;
  /** every role that applies to the caller */
  roles: Role[];
  /** the roles that permit this method and path (docs/reference/permissions.md#which-roles-count) */
  counting: Role[];
  stats: ReadStats;
  started: number;
  /** fields for the request's log line (plan, item count): never values */
  note: RequestLog;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** JSON-serialisable body */
  body?: unknown;
  /** a body already serialised (long lists are built as text, to measure them) */
  rawBody?: string;
}
