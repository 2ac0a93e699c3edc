import { type Plan, readParams, resumeKey } from '../core/plan';
import type { TableSchema } from '../core/schema';
import { type Item, keyText } from '../core/values';
import { batchGet, getItem, type ReadStats, readPages } from '../dynamo/read';
import type { Deps } from './context';
import type { Position } from './cursor';

/** A plan's items in a stable order, each with the position right after it, and the end of each DynamoDB page. */
export type ReadEvent =
  | { kind: 'item'; item: Item; after: Position }
  /** `after` undefined: nothing more to read */
  | { kind: 'page'; after: Position | undefined };

const BATCH = 100;

export interface ReadOptions {
  /** the table read (default: the data table) */
  schema?: TableSchema;
  projection?: readonly string[] | undefined;
  /** ConsistentRead for GetItem/BatchGetItem */
  consistent?: boolean;
  /** a Limit for each Query/Scan call, when every item read will be answered (no filters left to apply) */
  pageSize?: number | undefined;
}

function projectionParams(projection: readonly string[] | undefined) {
  if (!projection) return undefined;
  const names: Record<string, string> = {};
  const expression = projection
    .map((path) =>
      path
        .split('.')
        .map((segment) => {
          const token = `#p${Object.keys(names).length}`;
          names[token] = segment;
          return token;
        })
        .join('.'),
    )
    .join(', ');
  return { ProjectionExpression: expression, ExpressionAttributeNames: names };
}

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
          ...(opts.projection ? { projection: projectionParams(opts.projection)! } : {}),
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
            ...(opts.projection ? { projection: projectionParams(opts.projection)! } : {}),
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
    default: {
      const sources = readParams(plan, schema, opts.projection);
      let s = start && 's' in start ? start.s : 0;
      let startKey = start && 's' in start ? start.k : undefined;
      for (; s < sources.length; s++, startKey = undefined) {
        const params = sources[s]!;
        const input = { ...params.input, ...(opts.pageSize ? { Limit: opts.pageSize } : {}) };
        const request =
          params.operation === 'Query'
            ? ({ operation: 'Query', input } as const)
            : ({ operation: 'Scan', input } as const);
        for await (const page of readPages(deps.db, request, startKey, stats)) {
          for (const item of page.items) yield { kind: 'item', item, after: { s, k: resumeKey(plan, schema, item) } };
          const after: Position | undefined = page.lastKey
            ? { s, k: page.lastKey }
            : s + 1 < sources.length
              ? { s: s + 1 }
              : undefined;
          yield { kind: 'page', after };
        }
      }
    }
  }
}
