import { callerLabel } from '../../core/caller';
import { fingerprint, type Plan, type PlanSummary, summarize } from '../../core/plan';
import type { ParsedQuery } from '../../core/query/parse';
import type { Item } from '../../core/values';
import type { Ctx, Deps, Reply } from '../context';
import { binding, decodeCursor, encodeCursor, type Position } from '../cursor';
import { PageBuilder } from '../page/builder';
import type { ReadEvent, ReadOptions } from './events';
import { execute } from './execute';

export interface PageRequest {
  query: ParsedQuery;
  hidden: readonly string[];
  read?: ReadOptions;
  bindingExtra?: readonly string[];
  render?: (item: Item) => unknown;
  keep?: (item: Item) => boolean;
  /** the events to page through (default: the plan's, via execute) */
  events?: (start: Position | undefined) => AsyncGenerator<ReadEvent>;
}

/** Reads one page of a plan and answers it as a JSON array, with a next link when there is more (docs/reference/pagination.md#limit-and-next-links). */
export async function pageReply(
  deps: Deps,
  ctx: Ctx,
  plan: Plan,
  opts: PageRequest,
): Promise<{ reply: Reply; count: number }> {
  const summary: PlanSummary = summarize(plan);
  ctx.note.plan = summary;
  const schema = opts.read?.schema ?? deps.schema;
  const cursor = cursorOf(deps, ctx, fingerprint(summary), schema.table, opts);
  const start = opts.query.cursor ? cursor.decode(opts.query.cursor) : undefined;
  const stored = plan.kind === 'scan' ? schema.storedBytes : undefined;
  const page = new PageBuilder({
    start,
    limit: opts.query.limit,
    ...(stored === undefined ? {} : { storedBytes: stored }),
    residual: plan.kind === 'none' ? false : plan.residual,
    hidden: opts.hidden,
    ...(opts.render ? { render: opts.render } : {}),
    ...(opts.keep ? { keep: opts.keep } : {}),
    deadline: ctx.started + deps.settings.readBudgetMs,
    now: deps.now,
    maxBytes: deps.settings.answerBytes,
  });
  const events = opts.events
    ? opts.events(start)
    : execute(deps, plan, start, ctx.stats, { ...opts.read, room: () => page.room() });
  const { body, count, next } = await page.collect(events);
  ctx.note.count = count;
  const headers: Record<string, string> = next ? nextHeaders(ctx, cursor.encode(next)) : {};
  return { reply: { status: 200, headers, rawBody: body }, count };
}

const RESERVED = new Set(['_cursor', '_limit', '_explain']);

/**
 * docs/reference/pagination.md#cursors: a cursor is bound to stage, table, route, path parameters, query (without paging) and caller, and
 * holds the plan's fingerprint, which the next request's plan must match.
 */
function cursorOf(deps: Deps, ctx: Ctx, planId: string, table: string, opts: PageRequest) {
  // Hashed when a cursor is read or written, not on every request: most answers fit one page.
  let bound: Buffer | undefined;
  const boundOf = () => {
    if (bound) return bound;
    const query = ctx.req.query.filter(([k]) => !RESERVED.has(k)).map(([k, v]) => `${k}=${v}`);
    query.sort();
    bound = binding([
      ctx.req.stage,
      table,
      ctx.req.resource,
      JSON.stringify(Object.entries(ctx.req.pathParams).sort()),
      JSON.stringify(query),
      callerLabel(ctx.caller),
      ...(opts.bindingExtra ?? []),
    ]);
    return bound;
  };
  const key = deps.settings.cursorKey;
  return {
    decode: (text: string) => decodeCursor(key, boundOf(), planId, text, deps.now()),
    encode: (pos: Position) => encodeCursor(key, boundOf(), planId, pos, deps.now()),
  };
}

/** The next page as a relative link, from the path the client used (never from the Host header), and as a header. */
function nextHeaders(ctx: Ctx, cursor: string): Record<string, string> {
  const params = new URLSearchParams(ctx.req.query.filter(([k]) => k !== '_cursor'));
  params.set('_cursor', cursor);
  return { Link: `<${ctx.req.publicPath}?${params.toString()}>; rel="next"`, 'X-Next-Cursor': cursor };
}
