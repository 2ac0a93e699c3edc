import { matches } from '../core/filter/evaluate';
import { type Plan, projectionParams, readParams, resumeKey } from '../core/plan';
import type { TableSchema } from '../core/schema';
import { type Item, keyText, keyValue } from '../core/values';
import { batchGet, getItem, type Page, type ReadStats, readPages } from '../dynamo/read';
import type { Deps } from './context';
import type { Position } from './cursor';

/** A plan's items in a stable order, each with the position right after it, and the end of each DynamoDB page. */
export type ReadEvent =
  | { kind: 'item'; item: Item; after: Position }
  /** the items of a DynamoDB page, in order: item i resumes at after(i), computed only when asked */
  | { kind: 'items'; items: readonly Item[]; after: (i: number) => Position }
  /** `after` undefined: nothing more to read */
  | { kind: 'page'; after: Position | undefined };

const BATCH = 100;

export interface ReadOptions {
  /** the table read (default: the data table) */
  schema?: TableSchema;
  projection?: readonly string[] | undefined;
  /** ConsistentRead for GetItem/BatchGetItem */
  consistent?: boolean;
  /** the items the page wants (its _limit): Query/Scan calls then read about that many, not 1 MB pages */
  want?: number | undefined;
}

const MIN_CALL_LIMIT = 10;
const MAX_CALL_LIMIT = 10_000; // DynamoDB's 1 MB page usually ends a call before this

/**
 * The Limit of the next Query/Scan call for a page that wants `want` items. Without a FilterExpression every item
 * read is kept. With one, DynamoDB counts Limit before filtering: the first call reads a few times what is needed and
 * later calls scale by the share of items the filter kept so far.
 * Reads then cost about what the answer needs, in a small, bounded number of calls.
 */
export function callLimit(want: number, kept: number, scanned: number, filtered: boolean): number {
  const need = Math.max(want - kept, 1);
  if (!filtered) return Math.min(MAX_CALL_LIMIT, need); // every item read is kept
  const estimate = scanned === 0 ? need * 4 : (need * 1.25 * scanned) / Math.max(kept, 1);
  return Math.min(MAX_CALL_LIMIT, Math.max(MIN_CALL_LIMIT, Math.ceil(estimate)));
}

const projectionOf = (paths: readonly string[] | undefined) => {
  const projection = projectionParams(paths);
  return projection ? { projection } : {};
};

export async function* execute(
  deps: Deps,
  plan: Plan,
  start: Position | undefined,
  stats: ReadStats,
  opts: ReadOptions = {},
): AsyncGenerator<ReadEvent> {
  const schema: TableSchema = opts.schema ?? deps.schema;
  switch (plan.kind) {
    case 'none':
      return;
    case 'get': {
      if (start && 'o' in start && start.o > 0) return;
      const item = await getItem(
        deps.db,
        {
          table: schema.table,
          key: plan.key,
          consistent: opts.consistent ?? false,
          ...projectionOf(opts.projection),
        },
        stats,
      );
      if (item) yield { kind: 'item', item, after: { o: 1 } };
      yield { kind: 'page', after: undefined };
      return;
    }
    case 'batch': {
      let offset = start && 'o' in start ? start.o : 0;
      while (offset < plan.keys.length) {
        const keys = plan.keys.slice(offset, offset + BATCH);
        const items = await batchGet(
          deps.db,
          {
            table: schema.table,
            keys,
            consistent: opts.consistent ?? false,
            ...projectionOf(opts.projection),
          },
          stats,
        );
        // BatchGetItem answers in any order: put them back in key order, so offsets mean the same on every page.
        const pk = schema.partitionKey.name;
        const byKey = new Map(items.map((i) => [keyText(i[pk]!), i]));
        for (let i = 0; i < keys.length; i++) {
          const item = byKey.get(keyText(keys[i]![pk]!));
          if (item) yield { kind: 'item', item, after: { o: offset + i + 1 } };
        }
        offset += keys.length;
        yield { kind: 'page', after: offset < plan.keys.length ? { o: offset } : undefined };
      }
      return;
    }
    case 'grants':
      yield* executeGrants(deps, plan, schema, start, stats, opts);
      return;
    default: {
      const sources = readParams(plan, schema, opts.projection);
      const want = opts.want;
      let kept = 0;
      let scanned = 0;
      const first = start && 's' in start ? start.s : 0;
      const startKey = start && 's' in start ? start.k : undefined;
      const open = (s: number) => {
        const { input } = sources[s]!;
        const request = input.KeyConditionExpression
          ? ({ operation: 'Query', input } as const)
          : ({ operation: 'Scan', input } as const);
        const filtered = input.FilterExpression !== undefined;
        const limit = want === undefined ? undefined : () => callLimit(want, kept, scanned, filtered);
        return readPages(deps.db, request, s === first ? startKey : undefined, stats, limit);
      };
      for await (const { s, page: p } of inOrder(sources.length, first, open)) {
        scanned += p.scanned;
        kept += p.items.length;
        const { items } = p;
        if (items.length > 0) {
          yield { kind: 'items', items, after: (i) => ({ s, k: resumeKey(plan, schema, items[i]!) }) };
        }
        const after: Position | undefined = p.lastKey
          ? { s, k: p.lastKey }
          : s + 1 < sources.length
            ? { s: s + 1 }
            : undefined;
        yield { kind: 'page', after };
      }
    }
  }
}

/**
 * Independent sources (a search's one Query per index value) read at once, at most this many: while one source is
 * answered, the first pages of the next ones are already asked for. Answers keep source order.
 */
export const PARALLEL_SOURCES = 8;

/**
 * The pages of sources `first`..`count - 1`, in source order, each source's pages in its own order. The first page
 * of the next PARALLEL_SOURCES - 1 sources is requested ahead; a source's later pages follow its own LastEvaluatedKey,
 * so they are read one after the other, each once the one before it is used. Stopping early (the page is full)
 * closes every source opened ahead: a request already sent is answered and dropped, and no further one is sent.
 */
async function* inOrder(
  count: number,
  first: number,
  open: (s: number) => AsyncGenerator<Page>,
): AsyncGenerator<{ s: number; page: Page }> {
  const ahead = new Map<number, { pages: AsyncGenerator<Page>; next: Promise<IteratorResult<Page>> }>();
  const request = (s: number) => {
    if (s >= count || ahead.has(s)) return;
    const pages = open(s);
    const next = pages.next();
    next.catch(() => {}); // a source never reached fails nobody; one that is reached rethrows when awaited
    ahead.set(s, { pages, next });
  };
  try {
    for (let s = first; s < count; s++) {
      for (let t = s; t < s + PARALLEL_SOURCES; t++) request(t);
      const current = ahead.get(s)!;
      for (let r = await current.next; !r.done; r = await current.next) {
        yield { s, page: r.value };
        current.next = current.pages.next();
      }
      ahead.delete(s);
    }
  } finally {
    for (const { pages, next } of ahead.values()) {
      void next.then(() => pages.return(undefined)).catch(() => {});
    }
  }
}

const GRANTS_PAGE = 100; // one BatchGetItem call's worth of keys

/**
 * docs/reference/item-roles.md#planning-what-a-list-costs: the caller's grants rows in `item_key` order (a Query on `principal`, paged), each page's
 * items by BatchGetItem, answered in row order. A position is the grants row after which the next page resumes.
 */
async function* executeGrants(
  deps: Deps,
  plan: Extract<Plan, { kind: 'grants' }>,
  schema: TableSchema,
  start: Position | undefined,
  stats: ReadStats,
  opts: ReadOptions,
): AsyncGenerator<ReadEvent> {
  const table = deps.tables.grants;
  if (!table) throw new Error('a grants plan needs the grants table');
  const principal = { S: plan.user };
  const request = {
    operation: 'Query',
    input: {
      TableName: table,
      KeyConditionExpression: '#k0 = :k0',
      ProjectionExpression: '#k0, #k1',
      ExpressionAttributeNames: { '#k0': 'principal', '#k1': 'item_key' },
      ExpressionAttributeValues: { ':k0': principal },
    },
  } as const;
  const pk = schema.partitionKey;
  const want = opts.want;
  let kept = 0;
  let rows = 0;
  // The visible filter is applied to every item (page.ts): a row whose item is not shown only costs its read.
  const limit = () => Math.min(GRANTS_PAGE, want === undefined ? GRANTS_PAGE : callLimit(want, kept, rows, true));
  const startKey = start && 's' in start ? start.k : undefined;
  for await (const page of readPages(deps.db, request, startKey, stats, limit)) {
    rows += page.items.length;
    const found: { row: Item; key: Item }[] = [];
    for (const row of page.items) {
      const text = row.item_key;
      // A row names its item by the canonical key text; one that names no key of this table shows nothing.
      const value = text && 'S' in text ? keyValue(pk.type, text.S) : undefined;
      if (value) found.push({ row, key: { [pk.name]: value } });
    }
    const items =
      found.length === 0
        ? []
        : await batchGet(
            deps.db,
            {
              table: schema.table,
              // two rows may spell one key (`01`, `1`): BatchGetItem refuses a key twice
              keys: [...new Map(found.map((f) => [keyText(f.key[pk.name]!), f.key])).values()],
              consistent: opts.consistent ?? false,
              ...projectionOf(opts.projection),
            },
            stats,
          );
    const byKey = new Map(items.map((i) => [keyText(i[pk.name]!), i]));
    for (const { row, key } of found) {
      const item = byKey.get(keyText(key[pk.name]!));
      if (!item) continue;
      if (matches(plan.residual, item)) kept++;
      yield { kind: 'item', item, after: { s: 0, k: { principal, item_key: row.item_key! } } };
    }
    yield { kind: 'page', after: page.lastKey ? { s: 0, k: page.lastKey } : undefined };
  }
}
