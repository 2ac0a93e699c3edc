import type { Caller } from './caller';
import type { TableSchema } from './schema';
import { type AttributeValue, type Item, itemSize } from './values';

export const MAX_ITEM_BYTES = 400 * 1024;

// The audit table's shape (docs/reference/tables.md#the-audit-table), for the planner, the reader, local table creation and the deploy
// (src/deploy/tables.ts) alike; test/integration/deploy/package.test.ts holds the packaged table to it.
export const AUDIT_INDEX = { resource: 'resource-index', history: 'history-index', day: 'day-index' } as const;
/** epoch seconds; absent on change records when AUDIT_WRITE_TTL_DAYS is unset */
export const AUDIT_TTL_ATTRIBUTE = 'expire_time';

/**
 * The attribute of a DELETE record holding the item's last grants. Reserved like every `_` name: no query can name
 * it, and no answer shows it (docs/reference/item-roles.md#who-holds-what: `_acl` is never answered).
 */
export const LAST_GRANTS = '_acl';

/** The audit table as the planner and reader see it: every index projects ALL. */
export function auditSchema(table: string): TableSchema {
  return {
    table,
    partitionKey: { name: 'id', type: 'S' },
    indexes: [
      {
        name: AUDIT_INDEX.resource,
        partitionKey: { name: 'resource_key', type: 'S' },
        sortKey: { name: 'time', type: 'S' },
        projectsAll: true,
      },
      {
        name: AUDIT_INDEX.history,
        partitionKey: { name: 'history_key', type: 'S' },
        sortKey: { name: 'version', type: 'N' },
        projectsAll: true,
      },
      {
        name: AUDIT_INDEX.day,
        partitionKey: { name: 'day_shard', type: 'S' },
        sortKey: { name: 'id', type: 'S' },
        projectsAll: true,
      },
    ],
  };
}

export interface AuditInput {
  /** epoch ms */
  now: number;
  /** random text making the id unique within the same instant */
  nonce: string;
  /** which of AUDIT_SHARDS day shards this record lands in */
  shard: number;
  action: string;
  method: string;
  path: string;
  pathParams: Record<string, string>;
  query: ReadonlyArray<readonly [string, string]>;
  body?: AttributeValue | undefined;
  /** the item's key, for calls about one item */
  resource?: Item | undefined;
  resourceKey?: string | undefined;
  caller: Caller;
  /** days until the record expires; undefined: never */
  ttlDays: number | undefined;
  /** change records only */
  change?:
    | {
        version: number;
        item: Item | null;
        changed: readonly string[];
        /** a deleted item's last grants (its `_acl`), which /history decides item roles on (docs/reference/item-roles.md#history) */
        lastGrants?: AttributeValue | undefined;
      }
    | undefined;
}

const S = (s: string): AttributeValue => ({ S: s });
const stringMap = (entries: ReadonlyArray<readonly [string, AttributeValue]>): AttributeValue => ({
  M: Object.fromEntries(entries),
});

/** Query parameters as stored: a repeated key keeps all its values, as a list. */
export function queryToAv(query: ReadonlyArray<readonly [string, string]>): AttributeValue {
  const grouped = new Map<string, string[]>();
  for (const [k, v] of query) {
    const values = grouped.get(k);
    if (values) values.push(v);
    else grouped.set(k, [v]);
  }
  return stringMap([...grouped].map(([k, vs]) => [k, vs.length === 1 ? S(vs[0]!) : { L: vs.map(S) }] as const));
}

export const auditId = (now: number, nonce: string) => `${new Date(now).toISOString()}#${nonce}`;

/** The audit record of one successful call (docs/reference/audit.md#the-audit-record). Change records add history_key, version, item, changed. */
export function buildAuditRecord(input: AuditInput): Item {
  const time = new Date(input.now).toISOString();
  const c = input.caller;
  const user: Array<[string, AttributeValue]> = [];
  const put = (k: string, v: string | undefined) => {
    if (v !== undefined) user.push([k, S(v)]);
  };
  put('id', c.id);
  // A request without an identity (served by ANONYMOUS_ROLE) has no id; the record says so rather than leave it blank.
  if (c.id === undefined) user.push(['anonymous', { BOOL: true }]);
  put('name', c.name);
  put('username', c.username);
  put('email', c.email);
  put('api_key_id', c.apiKeyId);
  put('source_ip', c.sourceIp);
  put('user_agent', c.userAgent);
  const record: Item = {
    id: S(auditId(input.now, input.nonce)),
    time: S(time),
    day_shard: S(`${time.slice(0, 10)}#${input.shard}`),
    action: S(input.action),
    method: S(input.method),
    path: S(input.path),
    path_params: stringMap(Object.entries(input.pathParams).map(([k, v]) => [k, S(v)] as const)),
    query_params: queryToAv(input.query),
    user: { M: Object.fromEntries(user) },
  };
  if (input.body !== undefined) record.body = input.body;
  if (input.resource) record.resource = { M: input.resource };
  if (input.resourceKey !== undefined) record.resource_key = S(input.resourceKey);
  if (input.ttlDays !== undefined) {
    record[AUDIT_TTL_ATTRIBUTE] = { N: String(Math.floor(input.now / 1000) + input.ttlDays * 86_400) };
  }
  if (input.change) {
    if (input.resourceKey !== undefined) record.history_key = S(input.resourceKey);
    record.version = { N: String(input.change.version) };
    record.item = input.change.item ? { M: input.change.item } : { NULL: true };
    record.changed = { L: input.change.changed.map(S) };
    if (input.change.lastGrants) record[LAST_GRANTS] = input.change.lastGrants;
  }
  // Past DynamoDB's 400 KB the body goes; the post-image and `changed` stay (docs/reference/audit.md#the-audit-record).
  if (record.body !== undefined && itemSize(record) > MAX_ITEM_BYTES) record.body = { M: { _omitted: S('size') } };
  return record;
}
