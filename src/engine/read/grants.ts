import { matches } from '../../core/filter/evaluate';
import type { Plan } from '../../core/plan';
import type { TableSchema } from '../../core/schema';
import { type Item, keyText, keyValue } from '../../core/values';
import { batchGet, type ReadStats, readPages } from '../../dynamo/read';
import type { Deps } from '../context';
import type { Position } from '../cursor';
import { projectionOf, type ReadEvent, type ReadOptions } from './events';
import { callLimit } from './limit';

const GRANTS_PAGE = 100; // one BatchGetItem call's worth of keys

interface GrantsReading {
  deps: Deps;
  plan: Extract<Plan, { kind: 'grants' }>;
  schema: TableSchema;
  start: Position | undefined;
  stats: ReadStats;
  opts: ReadOptions;
}

/**
 * docs/reference/item-roles.md#planning-what-a-list-costs: the caller's grants rows in `item_key` order (a Query on `principal`, paged), each page's
 * items by BatchGetItem, answered in row order. A position is the grants row after which the next page resumes.
 */
export async function* readGrants({ deps, plan, schema, start, stats, opts }: GrantsReading) {
  const table = deps.tables.grants;
  if (!table) throw new Error('a grants plan needs the grants table');
  const principal = { S: plan.user };
  let kept = 0;
  let rows = 0;
  // The visible filter is applied to every item (the page builder): a row whose item is not shown only costs its read.
  const limit = () => {
    const room = opts.room?.();
    return room === undefined ? GRANTS_PAGE : Math.min(GRANTS_PAGE, callLimit(kept + room, kept, rows, true));
  };
  const startKey = start && 's' in start ? start.k : undefined;
  for await (const page of readPages(deps.db, rowsQuery(table, principal), startKey, stats, limit)) {
    rows += page.items.length;
    const found = rowKeys(schema, page.items);
    const byKey = await itemsOf(deps, schema, found, stats, opts);
    for (const { row, key } of found) {
      const item = byKey.get(keyText(key[schema.partitionKey.name]!));
      if (!item) continue;
      if (matches(plan.residual, item)) kept++;
      yield { kind: 'item', item, after: { s: 0, k: { principal, item_key: row.item_key! } } } satisfies ReadEvent;
    }
    yield { kind: 'page', after: page.lastKey ? { s: 0, k: page.lastKey } : undefined } satisfies ReadEvent;
  }
}

/** The caller's grants rows: their keys only. */
const rowsQuery = (table: string, principal: { S: string }) =>
  ({
    operation: 'Query',
    input: {
      TableName: table,
      KeyConditionExpression: '#k0 = :k0',
      ProjectionExpression: '#k0, #k1',
      ExpressionAttributeNames: { '#k0': 'principal', '#k1': 'item_key' },
      ExpressionAttributeValues: { ':k0': principal },
    },
  }) as const;

/** The item key each row names by its canonical key text; a row that names no key of this table shows nothing. */
function rowKeys(schema: TableSchema, rows: readonly Item[]): { row: Item; key: Item }[] {
  const pk = schema.partitionKey;
  const found: { row: Item; key: Item }[] = [];
  for (const row of rows) {
    const text = row.item_key;
    const value = text && 'S' in text ? keyValue(pk.type, text.S) : undefined;
    if (value) found.push({ row, key: { [pk.name]: value } });
  }
  return found;
}

/** The rows' items by BatchGetItem, by canonical key text. */
async function itemsOf(
  deps: Deps,
  schema: TableSchema,
  found: readonly { key: Item }[],
  stats: ReadStats,
  opts: ReadOptions,
): Promise<Map<string, Item>> {
  if (found.length === 0) return new Map();
  const pk = schema.partitionKey.name;
  // two rows may spell one key (`01`, `1`): BatchGetItem refuses a key twice
  const keys = [...new Map(found.map((f) => [keyText(f.key[pk]!), f.key])).values()];
  const get = { table: schema.table, keys, consistent: opts.consistent ?? false, ...projectionOf(opts.projection) };
  const items = await batchGet(deps.db, get, stats);
  return new Map(items.map((i) => [keyText(i[pk]!), i]));
}
