import { type Plan, readParams, resumeKey } from '../../core/plan';
import type { TableSchema } from '../../core/schema';
import { keyText } from '../../core/values';
import { batchGet, getItem, type ReadStats, readPages } from '../../dynamo/read';
import type { Deps } from '../context';
import type { Position } from '../cursor';
import { projectionOf, type ReadEvent, type ReadOptions } from './events';
import { readGrants } from './grants';
import { readLimit } from './limit';
import { inOrder } from './sources';

/** What one plan kind's reader is given. */
interface Reading<P extends Plan> {
  deps: Deps;
  plan: P;
  schema: TableSchema;
  start: Position | undefined;
  stats: ReadStats;
  opts: ReadOptions;
}

const BATCH = 100;

/** The events of a plan from `start`: one reader per kind of plan. */
export async function* execute(
  deps: Deps,
  plan: Plan,
  start: Position | undefined,
  stats: ReadStats,
  opts: ReadOptions = {},
): AsyncGenerator<ReadEvent> {
  const schema: TableSchema = opts.schema ?? deps.schema;
  const reading = { deps, schema, start, stats, opts };
  switch (plan.kind) {
    case 'none':
      return;
    case 'get':
      yield* readOne({ ...reading, plan });
      return;
    case 'batch':
      yield* readBatches({ ...reading, plan });
      return;
    case 'grants':
      yield* readGrants({ ...reading, plan });
      return;
    default:
      yield* readSources({ ...reading, plan });
  }
}

/** GetItem: the item, if any, then the end. */
async function* readOne({ deps, plan, schema, start, stats, opts }: Reading<Extract<Plan, { kind: 'get' }>>) {
  if (start && 'o' in start && start.o > 0) return;
  const get = { table: schema.table, key: plan.key, consistent: opts.consistent ?? false };
  const item = await getItem(deps.db, { ...get, ...projectionOf(opts.projection) }, stats);
  if (item) yield { kind: 'item', item, after: { o: 1 } } satisfies ReadEvent;
  yield { kind: 'page', after: undefined } satisfies ReadEvent;
}

/** BatchGetItem, 100 keys a call, answered in key order: an offset into the keys means the same on every page. */
async function* readBatches({ deps, plan, schema, start, stats, opts }: Reading<Extract<Plan, { kind: 'batch' }>>) {
  const pk = schema.partitionKey.name;
  const batch = { table: schema.table, consistent: opts.consistent ?? false, ...projectionOf(opts.projection) };
  let offset = start && 'o' in start ? start.o : 0;
  while (offset < plan.keys.length) {
    const keys = plan.keys.slice(offset, offset + BATCH);
    const items = await batchGet(deps.db, { ...batch, keys }, stats);
    // BatchGetItem answers in any order: put them back in key order.
    const byKey = new Map(items.map((i) => [keyText(i[pk]!), i]));
    for (let i = 0; i < keys.length; i++) {
      const item = byKey.get(keyText(keys[i]![pk]!));
      if (item) yield { kind: 'item', item, after: { o: offset + i + 1 } } satisfies ReadEvent;
    }
    offset += keys.length;
    yield { kind: 'page', after: offset < plan.keys.length ? { o: offset } : undefined } satisfies ReadEvent;
  }
}

type SourcesPlan = Extract<Plan, { kind: 'query' | 'scan' }>;

/** Query and Scan sources in order (a search's one Query per value), each call sized by the page's room. */
async function* readSources({ deps, plan, schema, start, stats, opts }: Reading<SourcesPlan>) {
  const sources = readParams(plan, schema, opts.projection);
  let kept = 0;
  let scanned = 0;
  const first = start && 's' in start ? start.s : 0;
  const open = (s: number) => {
    const { input } = sources[s]!;
    const request = input.KeyConditionExpression
      ? ({ operation: 'Query', input } as const)
      : ({ operation: 'Scan', input } as const);
    const filtered = input.FilterExpression !== undefined;
    const room = opts.room;
    const limit = room === undefined ? undefined : () => readLimit(room(), kept, scanned, filtered);
    return readPages(deps.db, request, s === first && start && 's' in start ? start.k : undefined, stats, limit);
  };
  for await (const { s, page } of inOrder(sources.length, first, open)) {
    scanned += page.scanned;
    kept += page.items.length;
    const { items } = page;
    if (items.length > 0) {
      yield { kind: 'items', items, after: (i) => ({ s, k: resumeKey(plan, schema, items[i]!) }) } satisfies ReadEvent;
    }
    const next = page.lastKey ? { s, k: page.lastKey } : s + 1 < sources.length ? { s: s + 1 } : undefined;
    yield { kind: 'page', after: next } satisfies ReadEvent;
  }
}
