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
import { type BatchRequest, batchGet, batchGetTables, newStats, type ReadStats } from './read';

interface AuthTables {
  auth: string;
  groups: string;
}

/** STALE_FACTOR × AUTH_CACHE_SECONDS: the most an entry may age before a request waits for it to be read again. */
export const STALE_FACTOR = 2;

/** What the cache holds for an id: its record, or null for "no such record", and when the read that found it began. */
interface Entry<T> {
  value: T | null;
  read: number;
}

/**
 * One table's entries, with stale-while-revalidate (docs/reference/permissions.md#how-long-a-change-takes). By age, counted from when the
 * read began: under `freshMs` an entry is served; under STALE_FACTOR × `freshMs` it is served while one background
 * read per id refreshes it; older, it is read again on the request path. So a change to a record (a revoked API key)
 * applies within STALE_FACTOR × AUTH_CACHE_SECONDS, and within about AUTH_CACHE_SECONDS while the caller keeps
 * calling, since their first request past it starts the refresh.
 */
class EntryCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  /** the ids whose background read is in flight: at most one each */
  readonly refreshing = new Set<string>();

  constructor(private readonly freshMs: number) {}

  /** The entry to serve now, and whether it is stale (to refresh); undefined: read it before answering. */
  lookup(id: string, now: number): { entry: Entry<T>; stale: boolean } | undefined {
    const entry = this.freshMs > 0 ? this.entries.get(id) : undefined;
    const age = entry ? now - entry.read : Number.POSITIVE_INFINITY;
    return entry && age < STALE_FACTOR * this.freshMs ? { entry, stale: age >= this.freshMs } : undefined;
  }

  /** Keeps what a read that began at `read` found, unless a later read already answered. */
  store(id: string, value: T | null, read: number): void {
    if (this.freshMs <= 0) return;
    const held = this.entries.get(id);
    if (held && held.read > read) return;
    this.entries.set(id, { value, read });
    if (this.entries.size > 10_000) this.entries.clear(); // a bound against callers cycling through unknown ids
  }

  /** After a failed refresh: nothing read at or before `read` is served again. The next request reads the id. */
  drop(id: string, read: number): void {
    const held = this.entries.get(id);
    if (held && held.read <= read) this.entries.delete(id);
  }
}

interface Source<T> {
  cache: EntryCache<T>;
  table: string;
  keyName: string;
  parse: (item: Item) => T;
}

/**
 * Auth records and groups, read with one BatchGetItem for the caller's records and one per level of group
 * inheritance, and cached per container (EntryCache: `cacheSeconds` fresh, then served stale while refreshed in the
 * background, up to STALE_FACTOR × `cacheSeconds`; 0 disables the cache).
 */
export class AuthStore {
  private readonly records: Source<AuthRecord>;
  private readonly groupRecords: Source<GroupRecord>;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly db: DynamoDBClient,
    tables: AuthTables,
    private readonly opts: { cacheSeconds: number; now: () => number },
  ) {
    const freshMs = opts.cacheSeconds * 1000;
    this.records = { cache: new EntryCache(freshMs), table: tables.auth, keyName: 'id', parse: parseRecord };
    this.groupRecords = {
      cache: new EntryCache(freshMs),
      table: tables.groups,
      keyName: 'group_id',
      parse: parseGroup,
    };
  }

  /**
   * The records of a lookup (none without an identity) and the ROLE record a setting names, in the same
   * BatchGetItem (DEFAULT_ROLE and ANONYMOUS_ROLE cost no extra round trip), with the groups of those that will
   * apply. Which apply, and the roles they make, is core's resolveRoles: the one resolution of the server, `scoutr
   * check` and `loadPolicy`.
   */
  async load(lookup: Lookup | undefined, stats: ReadStats = newStats(), named?: NamedRole): Promise<FoundRecords> {
    const stale: Stale = { records: [], groups: [] };
    const ids = [...new Set([...(lookup ? lookupIds(lookup) : []), ...(named ? [named.id] : [])])];
    const found = await this.fetch(this.records, ids, stats, stale.records);
    const selected = lookup ? selectRecords(lookup, found).applicable.map((a) => a.record) : [];
    const role = named && found.get(named.id);
    const groups = new Map<string, GroupRecord>();
    const records = [...selected, ...(role?.type === 'ROLE' ? [role] : [])];
    let level = [...new Set(records.flatMap((r) => r.groups ?? []))];
    while (level.length > 0) {
      const got = await this.fetch(this.groupRecords, level, stats, stale.groups);
      for (const [id, g] of got) groups.set(id, g);
      // Unknown ids are left out here; building the role reports them (AUTH_CONFIG), as it does cycles.
      level = [...new Set([...got.values()].flatMap((g) => g.groups ?? []))].filter((id) => !groups.has(id));
    }
    this.refresh(stale);
    return { records: found, groups };
  }

  /** Resolves once no background refresh is in flight (tests, benchmarks, a graceful stop). */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }

  /** The records of `ids` from the cache, or else read now; adds the ids served stale to `stale`. */
  private async fetch<T>(
    source: Source<T>,
    ids: readonly string[],
    stats: ReadStats,
    stale: string[],
  ): Promise<Map<string, T>> {
    const now = this.opts.now();
    const out = new Map<string, T>();
    const missing: string[] = [];
    for (const id of ids) {
      // No record can have an id DynamoDB would refuse as a key (a 3 KB API key or user header): asking for it is a
      // ValidationException, a 500, where the answer is simply "no such record".
      if (id === '' || Buffer.byteLength(id) > MAX_PARTITION_KEY_BYTES) continue;
      const hit = source.cache.lookup(id, now);
      if (!hit) {
        missing.push(id);
        continue;
      }
      if (hit.entry.value) out.set(id, hit.entry.value);
      if (hit.stale) stale.push(id);
    }
    if (missing.length === 0) return out;
    const items = await batchGet(this.db, this.request(source, missing), stats);
    const read = parseAll(source, items);
    for (const id of missing) {
      const value = read.get(id);
      if (value) out.set(id, value);
      source.cache.store(id, value ?? null, now);
    }
    return out;
  }

  /**
   * One BatchGetItem for the stale records and groups of a load that no refresh is reading yet, off the request
   * path: the request goes on with what the cache holds. Its reads are not the request's (auth_calls counts what a
   * request waited for). A failed refresh (throttled, a record that no longer validates) drops its entries, so the
   * next request reads them itself and answers that error.
   */
  private refresh(stale: Stale): void {
    const records = claim(this.records.cache, stale.records);
    const groups = claim(this.groupRecords.cache, stale.groups);
    if (records.length + groups.length === 0) return;
    const began = this.opts.now();
    const requests = [this.request(this.records, records), this.request(this.groupRecords, groups)];
    const run = batchGetTables(
      this.db,
      requests.filter((r) => r.keys.length > 0),
      newStats(),
    )
      .then((items) => {
        // Both parsed before either is kept: a refresh lands whole or not at all.
        const gotRecords = parseAll(this.records, items.get(this.records.table) ?? []);
        const gotGroups = parseAll(this.groupRecords, items.get(this.groupRecords.table) ?? []);
        for (const id of records) this.records.cache.store(id, gotRecords.get(id) ?? null, began);
        for (const id of groups) this.groupRecords.cache.store(id, gotGroups.get(id) ?? null, began);
      })
      .catch(() => {
        for (const id of records) this.records.cache.drop(id, began);
        for (const id of groups) this.groupRecords.cache.drop(id, began);
      });
    const tracked = run.finally(() => {
      for (const id of records) this.records.cache.refreshing.delete(id);
      for (const id of groups) this.groupRecords.cache.refreshing.delete(id);
      this.inFlight.delete(tracked);
    });
    this.inFlight.add(tracked);
  }

  private request<T>(source: Source<T>, ids: readonly string[]): BatchRequest {
    return { table: source.table, keys: ids.map((id) => ({ [source.keyName]: { S: id } })), consistent: false };
  }
}

/** The ids served stale by one load, by table. */
interface Stale {
  records: string[];
  groups: string[];
}

/** The ids of `ids` that no refresh is reading yet, now marked as being read: at most one refresh per id. */
function claim<T>(cache: EntryCache<T>, ids: readonly string[]): string[] {
  const mine = [...new Set(ids)].filter((id) => !cache.refreshing.has(id));
  for (const id of mine) cache.refreshing.add(id);
  return mine;
}

const parseAll = <T>(source: Source<T>, items: readonly Item[]): Map<string, T> =>
  new Map(items.map((item) => [String((item[source.keyName] as { S?: string }).S), source.parse(item)]));

/**
 * A caller's roles from the tables, resolved by core's resolveRoles as the server resolves them (engine/authorize.ts):
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
