import type { JsonItem } from '../core/app';
import { buildAuditRecord, MAX_ITEM_BYTES } from '../core/audit';
import { conflict, invalidBody, notFound, ScoutrError } from '../core/errors';
import { checkAttributeName, fromJson, type Json, MAX_DEPTH, nestingDepth, toJson } from '../core/json';
import { canSeeRow, RESERVED_ATTRIBUTES } from '../core/permissions/access';
import { canonicalPath, itemRoute } from '../core/routes';
import { keyTypes, MAX_SORT_KEY_BYTES } from '../core/schema';
import { type AttributeValue, type Item, itemSize, keyText, typeOf } from '../core/values';
import { getItem } from '../dynamo/read';
import { putAudit, type TxItem, WriteRaced, writeWithAudit } from '../dynamo/write';
import { isObject, parseBody } from './body';
import type { Ctx, Deps } from './context';
import { etagOf } from './page';

export const MAX_ATTEMPTS = 8;

export interface ItemBody {
  /** the body as the caller sent it (JSON; undefined when there was none), for the audit record */
  json: Json | undefined;
  /** top-level attribute → value, or null (remove) */
  values: Record<string, AttributeValue | null>;
}

/** A write body: a JSON object whose keys are top-level attribute names (docs/reference/writes.md#bodies). */
export function parseItemBody(text: string | undefined, mode: 'create' | 'update'): ItemBody {
  const json = parseBody(text);
  if (!isObject(json)) throw invalidBody('body must be a JSON object');
  return checkItemBody(json, mode);
}

export function checkItemBody(json: { [key: string]: Json }, mode: 'create' | 'update'): ItemBody {
  const values: Record<string, AttributeValue | null> = {};
  for (const [name, value] of Object.entries(json)) {
    checkAttributeName(name, name);
    if (name.startsWith('_')) throw invalidBody(`${name}: names starting with _ are reserved`, { field: name });
    // As in queries (docs/reference/query-language.md#names-and-nesting): a field that could never be filtered on is not written either.
    if (name === 'constructor' || name === 'prototype') throw invalidBody(`${name}: not a field name`, { field: name });
    if (value === null) {
      if (mode === 'create') throw invalidBody(`${name}: null is not a value for a create`, { field: name });
      values[name] = null;
    } else {
      values[name] = fromJson(value, name, 1);
    }
  }
  if (Object.keys(values).length === 0) throw invalidBody('body names no attribute');
  return { json, values };
}

/**
 * Key and index-key attributes must have the type the key schema gives, be non-empty and within DynamoDB's key size
 * limits: DynamoDB would reject the write with a ValidationException.
 */
export function checkKeyTypes(deps: Deps, values: Record<string, AttributeValue | null>): void {
  for (const [name, { type, maxBytes }] of keyTypes(deps.schema)) {
    const v = values[name];
    if (v === undefined || v === null) continue;
    const bytes = 'S' in v ? Buffer.byteLength(v.S) : 'B' in v ? v.B.byteLength : undefined;
    if (typeOf(v) !== type || bytes === 0) {
      const kind = type === 'N' ? 'number' : type === 'B' ? 'binary' : 'string';
      throw invalidBody(`${name}: a key attribute must be a non-empty ${kind}`, { field: name });
    }
    if (bytes !== undefined && bytes > maxBytes) {
      throw invalidBody(`${name}: a key attribute is at most ${maxBytes} bytes (this one is ${bytes})`, {
        field: name,
      });
    }
  }
}

/**
 * In an app with item roles, an item's canonical key is the sort key of its grants rows (docs/reference/item-roles.md#storage-and-atomicity), which DynamoDB
 * limits to 1,024 bytes: a longer key could never be granted, so it is refused before anything is written.
 */
export function checkGrantsKey(deps: Deps, keyTextValue: string, field: string, param = false): void {
  if (!deps.tables.grants) return;
  const bytes = Buffer.byteLength(keyTextValue);
  if (bytes <= MAX_SORT_KEY_BYTES) return;
  const message = `${field}: with item roles a key is at most ${MAX_SORT_KEY_BYTES} bytes (this one is ${bytes})`;
  throw param
    ? new ScoutrError('INVALID_QUERY', message, { details: { param: field } })
    : invalidBody(message, { field });
}

/** The audit record's `body`: the request body as sent (docs/reference/audit.md#the-audit-record). */
export const auditBody = (body: ItemBody): AttributeValue | undefined =>
  body.json === undefined ? undefined : fromJson(body.json);

/** JSON for validators and conditions: plain JS values (exact numbers as numbers). */
export const jsonItem = (values: Record<string, AttributeValue | null>): JsonItem =>
  Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v === null ? null : toJson(v)])) as JsonItem;

/**
 * Whether the caller can see a row, for 404 (docs/reference/permissions.md#404-or-403): the read filters of their roles that permit GET on the
 * item's path, or, if none does, of the counting roles.
 */
export const canSee = (ctx: Ctx, deps: Deps, keyTextValue: string, stored: Item): boolean =>
  canSeeRow(ctx.roles, ctx.counting, canonicalPath(`${itemRoute(deps.app)}/{id}`, { id: keyTextValue }), stored);

/** The stored item a write decides on, read consistently: 404 when absent or not visible (never 403: docs/reference/permissions.md#404-or-403). */
export async function visibleStored(deps: Deps, ctx: Ctx, key: Item, keyTextValue: string): Promise<Item> {
  const stored = await getItem(deps.db, { table: deps.schema.table, key, consistent: true }, ctx.stats);
  if (!stored || !canSee(ctx, deps, keyTextValue, stored)) throw notFound();
  return stored;
}

/** If-Match (docs/reference/writes.md#versions-and-etags): `*` or a list of ETags; a mismatch is 412. */
export function checkIfMatch(ctx: Ctx, stored: Item): void {
  const header = ctx.req.headers['if-match'];
  if (header === undefined) return;
  const current = etagOf(stored);
  const tags = header.split(',').map((t) => t.trim().replace(/^W\//, ''));
  if (!tags.includes('*') && !tags.includes(current)) {
    throw new ScoutrError('PRECONDITION_FAILED', `If-Match does not match the current ETag ${current}`);
  }
}

export function checkItemSize(item: Item): void {
  if (itemSize(item) > MAX_ITEM_BYTES) {
    throw new ScoutrError('PAYLOAD_TOO_LARGE', 'The item would be larger than DynamoDB allows (400 KB)');
  }
}

/** The change's audit record, written in the same transaction as the change (docs/reference/audit.md#the-audit-record). */
interface ChangeRecord {
  action: string;
  key: Item;
  version: number;
  /** the post-image; null after a delete */
  item: Item | null;
  changed: readonly string[];
  body: AttributeValue | undefined;
  /** a delete's: the item's last grants, kept in the record for /history (docs/reference/item-roles.md#history) */
  lastGrants?: AttributeValue | undefined;
}

function changeAuditTx(deps: Deps, ctx: Ctx, a: ChangeRecord): TxItem[] {
  deps.trace('write', 'transaction', { action: a.action, version: a.version });
  const table = deps.tables.audit;
  if (!table) return [];
  // Reserved attributes stay out of the record, as out of every answer: `_version` is the record's own `version`;
  // `_acl` (who holds what) is never answered, and a grant's record names its change in `body` (docs/reference/item-roles.md#who-holds-what).
  const reserved = (name: string) => RESERVED_ATTRIBUTES.has(name);
  const post = a.item && Object.fromEntries(Object.entries(a.item).filter(([name]) => !reserved(name)));
  const record = buildAuditRecord({
    now: deps.now(),
    nonce: deps.nonce(),
    shard: deps.shard(),
    action: a.action,
    method: ctx.req.method,
    path: ctx.req.path,
    pathParams: ctx.req.pathParams,
    query: ctx.req.query,
    body: a.body,
    resource: a.key,
    resourceKey: keyText(a.key[deps.schema.partitionKey.name]!),
    caller: ctx.caller,
    ttlDays: deps.settings.auditWriteTtlDays,
    change: {
      version: a.version,
      item: post ?? null,
      changed: a.changed.filter((f) => !reserved(f)),
      lastGrants: a.lastGrants,
    },
  });
  // The record holds the post-image one level down and beside other fields, so an item DynamoDB accepts may still
  // give a record it rejects: that would fail the transaction with a 500, so it is refused as the caller's input.
  if (itemSize(record) > MAX_ITEM_BYTES) {
    throw new ScoutrError('PAYLOAD_TOO_LARGE', 'The item is too large to be written with its audit record');
  }
  checkAuditDepth(record);
  return [putAudit(table, record)];
}

/**
 * An audit record holds the request body and the post-image one level down: a value DynamoDB accepts in the item may
 * nest too deep there. That would fail the write with a 500, so it is refused as the caller's input (400), for change
 * records and read records alike.
 */
export function checkAuditDepth(record: Item): void {
  if (Object.values(record).some((v) => nestingDepth(v) > MAX_DEPTH)) {
    throw invalidBody(`nesting deeper than ${MAX_DEPTH - 1} levels cannot be written with its audit record`);
  }
}

/** Writes a change and its audit record in one transaction (docs/reference/writes.md#atomicity-and-optimistic-concurrency, docs/reference/audit.md#the-audit-record). */
export async function commitChange(
  deps: Deps,
  ctx: Ctx,
  change: TxItem,
  record: ChangeRecord,
  /** other rows of the same change (the item's grants rows) */
  more: readonly TxItem[] = [],
): Promise<void> {
  await writeWithAudit(deps.db, [change, ...more, ...changeAuditTx(deps, ctx, record)]);
  ctx.note.count = 1;
}

/** Backoff between attempts that lost a race: "full jitter", up to 10 ms × 2^attempt, at most 400 ms. */
export const backoffMs = (attempt: number, random: number): number => random * Math.min(400, 10 * 2 ** attempt);

/**
 * Optimistic concurrency (docs/reference/writes.md#atomicity-and-optimistic-concurrency): `attempt` reads, decides and writes with a condition on what it read; a
 * lost race re-reads and decides again, with jittered backoff, then gives up with 409 CONFLICT. Attempts on one item
 * (its canonical key text) are serialised within the process, so only other processes can make one lose.
 */
export async function withRetries<T>(
  deps: Deps,
  keyTextValue: string,
  attempt: () => Promise<T>,
  onConditionFailed?: () => ScoutrError,
): Promise<T> {
  return deps.serialize(keyTextValue, async () => {
    for (let i = 0; ; i++) {
      try {
        return await attempt();
      } catch (err) {
        if (!(err instanceof WriteRaced)) throw err;
        if (err.conditionFailed && onConditionFailed) throw onConditionFailed();
        if (i + 1 >= MAX_ATTEMPTS) throw conflict('The item changed repeatedly while writing; retry');
        await new Promise((r) => setTimeout(r, backoffMs(i, Math.random())));
      }
    }
  });
}
