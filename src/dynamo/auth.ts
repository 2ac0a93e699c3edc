import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as z from 'zod/mini';
import type { Caller } from '../core/caller';
import { authConfig } from '../core/errors';
import type { ItemRoles } from '../core/item-roles';
import { avToJson } from '../core/json';
import {
  type AuthRecord,
  AuthRecordSchema,
  describeIssues,
  type GroupRecord,
  GroupSchema,
} from '../core/permissions/record';
import { type FoundRecords, resolveRoles } from '../core/permissions/resolve';
import {
  type Lookup,
  lookupIds,
  lookupOf,
  type NamedRole,
  namedRoleFor,
  type Role,
  type RoleSettings,
  selectRecords,
} from '../core/permissions/roles';
import { MAX_PARTITION_KEY_BYTES } from '../core/schema';
import type { Item } from '../core/values';
import { batchGet, newStats, type ReadStats } from './read';

interface AuthTables {
  auth: string;
  groups: string;
}

interface Entry<T> {
  value: T | null;
  expires: number;
}

/**
 * Auth records and groups, read with one BatchGetItem for the caller's records and one per level of group
 * inheritance, and cached per container for `cacheSeconds` (the revocation delay; 0 disables the cache).
 */
export class AuthStore {
  private readonly records = new Map<string, Entry<AuthRecord>>();
  private readonly groupCache = new Map<string, Entry<GroupRecord>>();

  constructor(
    private readonly db: DynamoDBClient,
    private readonly tables: AuthTables,
    private readonly opts: { cacheSeconds: number; now: () => number },
  ) {}

  /**
   * The records of a lookup (none without an identity) and the ROLE record a setting names, in the same
   * BatchGetItem (DEFAULT_ROLE and ANONYMOUS_ROLE cost no extra round trip), with the groups of those that will
   * apply. Which apply, and the roles they make, is core's resolveRoles: the one resolution of the server, `scoutr
   * check` and `loadPolicy`.
   */
  async load(lookup: Lookup | undefined, stats: ReadStats = newStats(), named?: NamedRole): Promise<FoundRecords> {
    const ids = [...new Set([...(lookup ? lookupIds(lookup) : []), ...(named ? [named.id] : [])])];
    const found = await this.fetch(this.records, this.tables.auth, 'id', ids, parseRecord, stats);
    const selected = lookup ? selectRecords(lookup, found).applicable.map((a) => a.record) : [];
    const role = named && found.get(named.id);
    const groups = new Map<string, GroupRecord>();
    const records = [...selected, ...(role?.type === 'ROLE' ? [role] : [])];
    let level = [...new Set(records.flatMap((r) => r.groups ?? []))];
    while (level.length > 0) {
      const got = await this.fetch(this.groupCache, this.tables.groups, 'group_id', level, parseGroup, stats);
      for (const [id, g] of got) groups.set(id, g);
      // Unknown ids are left out here; building the role reports them (AUTH_CONFIG), as it does cycles.
      level = [...new Set([...got.values()].flatMap((g) => g.groups ?? []))].filter((id) => !groups.has(id));
    }
    return { records: found, groups };
  }

  private async fetch<T>(
    cache: Map<string, Entry<T>>,
    table: string,
    keyName: string,
    ids: readonly string[],
    parse: (item: Item) => T,
    stats: ReadStats,
  ): Promise<Map<string, T>> {
    const now = this.opts.now();
    const out = new Map<string, T>();
    const missing: string[] = [];
    for (const id of ids) {
      // No record can have an id DynamoDB would refuse as a key (a 3 KB API key or user header): asking for it is a
      // ValidationException, a 500, where the answer is simply "no such record".
      if (id === '' || Buffer.byteLength(id) > MAX_PARTITION_KEY_BYTES) continue;
      const hit = this.opts.cacheSeconds > 0 ? cache.get(id) : undefined;
      if (hit && hit.expires > now) {
        if (hit.value) out.set(id, hit.value);
      } else missing.push(id);
    }
    if (missing.length === 0) return out;
    const items = await batchGet(
      this.db,
      { table, keys: missing.map((id) => ({ [keyName]: { S: id } })), consistent: false },
      stats,
    );
    const byId = new Map(items.map((item) => [String((item[keyName] as { S?: string }).S), parse(item)]));
    for (const id of missing) {
      const value = byId.get(id);
      if (value) out.set(id, value);
      if (this.opts.cacheSeconds > 0) {
        cache.set(id, { value: value ?? null, expires: now + this.opts.cacheSeconds * 1000 });
      }
    }
    if (cache.size > 10_000) cache.clear(); // a bound against callers cycling through unknown ids
    return out;
  }
}

/**
 * A caller's roles from the tables, resolved by core's resolveRoles as the server resolves them (actions/authorize.ts):
 * the lookup's records and the ROLE record DEFAULT_ROLE or ANONYMOUS_ROLE names, merged with their groups. No role:
 * an empty list (the server's 401).
 */
export async function loadRoles(
  store: AuthStore,
  caller: Caller,
  settings: RoleSettings,
  itemRoles?: ItemRoles,
  stats: ReadStats = newStats(),
): Promise<{ caller: Caller; roles: Role[] }> {
  const lookup = lookupOf(caller);
  const named = namedRoleFor(lookup, settings);
  if (!lookup && !named) return { caller, roles: [] };
  const found = await store.load(lookup, stats, named);
  const resolved = resolveRoles(caller, found, settings, itemRoles);
  return { caller: resolved.caller, roles: resolved.roles };
}

function parseWith<T>(schema: z.ZodMiniType<T>, item: Item, what: string): T {
  const result = z.safeParse(schema, avToJson({ M: item }));
  if (!result.success) throw authConfig(`${what}: ${describeIssues(result.error)}`);
  return result.data;
}
/** An auth table item as a record, checked by the one schema: AUTH_CONFIG naming the record otherwise. */
export const parseRecord = (item: Item) =>
  parseWith(AuthRecordSchema, item, `auth record ${JSON.stringify(avToJson(item.id ?? { NULL: true }))}`);
export const parseGroup = (item: Item) =>
  parseWith(GroupSchema, item, `group ${JSON.stringify(avToJson(item.group_id ?? { NULL: true }))}`);
