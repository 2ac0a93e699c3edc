import { MAX_AUDIT_QUERIES } from '../../core/audit-view';
import type { Filter } from '../../core/filter/types';
import { type Plan, readParams } from '../../core/plan';
import type { TableSchema } from '../../core/schema';
import { compareStrings, type Item } from '../../core/values';
import { type Page, type ReadStats, readPages } from '../../dynamo/read';
import type { Deps } from '../context';
import type { Position } from '../cursor';
import type { ReadEvent } from './events';

// GET /audit without an item (docs/reference/audit.md#get-audit): read day by day from the day-index, all shards of
// a day merged by id (ids are time-ordered): never a Scan, never one hot key.

/** Queries of one GET /audit in flight at once, whatever AUDIT_SHARDS is. */
export const AUDIT_CONCURRENCY = 16;

/** One shard of one day: its pages, the items read and not merged yet, and the read under way. */
interface ShardSource {
  pages: AsyncGenerator<Page>;
  buffer: Item[];
  done: boolean;
  pending: Promise<void> | undefined;
}

/**
 * The queries of one request: at most MAX_AUDIT_QUERIES in all, AUDIT_CONCURRENCY at a time. `pull` reads a
 * source's next page into its buffer, or answers undefined when the request's queries are spent.
 */
class AuditQueries {
  private issued = 0;
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];

  pull(src: ShardSource): Promise<void> | undefined {
    if (src.pending) return src.pending;
    if (this.issued >= MAX_AUDIT_QUERIES) return undefined;
    this.issued++;
    src.pending = this.readPage(src);
    // Handled here so a read-ahead nobody waits for (the page filled first) is never an unhandled rejection;
    // whoever awaits it still gets the error.
    src.pending.catch(() => {});
    return src.pending;
  }

  private async readPage(src: ShardSource): Promise<void> {
    while (this.inFlight >= AUDIT_CONCURRENCY) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.inFlight++;
    try {
      const next = await src.pages.next();
      if (!next.done) src.buffer.push(...next.value.items);
      // A page without a LastEvaluatedKey is the last: no further call is made (each call counts as a query).
      if (next.done || next.value.lastKey === undefined) src.done = true;
    } finally {
      this.inFlight--;
      this.waiting.shift()?.();
      src.pending = undefined;
    }
  }
}

/** Where a GET /audit page starts: a day, and the id of the last record answered on it. */
type DayStart = { s: number; k?: Item } | undefined;

export interface AuditDays {
  deps: Deps;
  stats: ReadStats;
  schema: TableSchema;
  plan: Plan;
  days: readonly string[];
  shards: number;
}

/**
 * The records of these days, newest first: every shard of a day read and merged by id (ids are time-ordered). The
 * first pages of the next days are read ahead while a day is merged, at most AUDIT_CONCURRENCY queries in flight.
 * A request makes at most MAX_AUDIT_QUERIES queries; a busy range that needs more ends its page there, with a
 * cursor (as a read past READ_BUDGET_MS does).
 */
export async function* mergeDays(a: AuditDays, start: DayStart): AsyncGenerator<ReadEvent> {
  if (a.plan.kind !== 'query') return;
  const queries = new AuditQueries();
  // Each empty day costs AUDIT_SHARDS small queries: read ahead as many days as keep the queries in flight busy.
  const daysAhead = Math.max(1, Math.floor(AUDIT_CONCURRENCY / a.shards));
  const opened = new Map<number, ShardSource[]>();
  for (let d = start?.s ?? 0; d < a.days.length; d++) {
    for (let ahead = d; ahead < Math.min(a.days.length, d + daysAhead); ahead++) {
      if (!opened.has(ahead)) opened.set(ahead, openDay(a, queries, ahead, start));
    }
    const sources = opened.get(d)!;
    opened.delete(d);
    const spent = yield* mergeDay(queries, sources, d, start);
    if (spent) return;
    yield { kind: 'page', after: d + 1 < a.days.length ? { s: d + 1 } : undefined };
  }
}

/** The shards of day `d`, each with its first page asked for; on the start day, only records older than the start. */
function openDay(a: AuditDays, queries: AuditQueries, d: number, start: DayStart): ShardSource[] {
  const before = d === start?.s ? start.k?.id : undefined;
  return Array.from({ length: a.shards }, (_, n) => {
    const key = {
      op: 'and',
      children: [
        { op: 'eq', field: 'day_shard', value: { S: `${a.days[d]}#${n}` } },
        ...(before && 'S' in before ? [{ op: 'lt', field: 'id', value: { S: before.S } }] : []),
      ],
    } as Filter;
    const params = readParams({ ...(a.plan as Extract<Plan, { kind: 'query' }>), keyConditions: [key] }, a.schema)[0]!;
    const src: ShardSource = {
      pages: readPages(a.deps.db, { operation: 'Query', input: params.input }, undefined, a.stats),
      buffer: [],
      done: false,
      pending: undefined,
    };
    void queries.pull(src);
    return src;
  });
}

/** Day `d`'s records, newest first across its shards; true when the request's queries ran out on the way. */
async function* mergeDay(
  queries: AuditQueries,
  sources: ShardSource[],
  d: number,
  start: DayStart,
): AsyncGenerator<ReadEvent, boolean> {
  let resume: Position = d === start?.s && start.k ? { s: d, k: start.k } : { s: d };
  for (;;) {
    const reads = sources.filter((src) => src.buffer.length === 0 && !src.done).map((src) => queries.pull(src));
    if (reads.includes(undefined)) {
      yield { kind: 'page', after: resume }; // the request's queries are spent: the next page goes on from here
      return true;
    }
    await Promise.all(reads);
    // A page may be empty yet not the last (the FilterExpression kept nothing of it): read on until every shard
    // has an item to merge or is done, else a record later in that shard's day would be skipped.
    if (sources.some((src) => src.buffer.length === 0 && !src.done)) continue;
    const best = newest(sources);
    if (!best) return false;
    const item = best.buffer.shift()!;
    resume = { s: d, k: { id: { S: idOf(item) } } };
    yield { kind: 'item', item, after: resume };
    if (best.buffer.length === 0 && !best.done) yield { kind: 'page', after: resume };
  }
}

/** The source whose next record is the newest: the largest id (ids are time-ordered); undefined when all are empty. */
function newest(sources: readonly ShardSource[]): ShardSource | undefined {
  let best: ShardSource | undefined;
  for (const src of sources) {
    if (src.buffer.length === 0) continue;
    if (!best || compareStrings(idOf(src.buffer[0]!), idOf(best.buffer[0]!)) > 0) best = src;
  }
  return best;
}

const idOf = (item: Item) => (item.id && 'S' in item.id ? item.id.S : '');
