import { buildAuditRecord } from '../core/audit';
import { callerLabel } from '../core/caller';
import { forbidden } from '../core/errors';
import { and, type Pred } from '../core/filter/types';
import { checkVisible, type ReadScope, readScope } from '../core/permissions/access';
import { fingerprint, type GrantsScope, type Plan, type PlanSummary, summarize } from '../core/plan';
import { type ParsedQuery, parseQuery, type QueryInput } from '../core/query/parse';
import { keyTypes } from '../core/schema';
import type { AttributeValue, Item } from '../core/values';
import { putAuditRecord } from '../dynamo/audit';
import type { Ctx, Deps, Reply } from './context';
import { binding, decodeCursor, encodeCursor, type Position } from './cursor';
import { execute, type ReadEvent, type ReadOptions } from './execute';
import { collectPage, jsonArray } from './page';
import { checkAuditDepth } from './write';

/** The caller's grants as a source of rows (docs/reference/item-roles.md#planning-what-a-list-costs), when the app has a grants table. */
export const grantsScope = (deps: Deps, ctx: Ctx): GrantsScope | undefined =>
  deps.tables.grants ? { user: ctx.caller.id, readFilters: ctx.counting.map((r) => r.filters.read) } : undefined;

/** Parse the query, then the field check: 400 before 403 (docs/reference/permissions.md#order-of-checks). */
export function readRequest(
  deps: Deps,
  ctx: Ctx,
  pathFilters: QueryInput['pathFilters'] = [],
  extraFields: readonly string[] = [],
  allowPaging = true,
): { query: ParsedQuery; scope: ReadScope; visible: Pred } {
  const query = parseQuery({
    params: ctx.req.query,
    pathFilters,
    keyTypes: keyTypes(deps.schema),
    allowPaging,
  });
  const scope = readScope(ctx.counting);
  checkVisible([...query.conditions.map((c) => c.field), ...extraFields], scope.hidden);
  if (query.explain && !ctx.counting.some((r) => r.explain)) throw forbidden('_explain is not permitted');
  ctx.note.conditions = query.conditions.map((c) => `${c.field}:${c.op}`);
  deps.trace('query', 'query compiled', { conditions: query.conditions.length });
  return { query, scope, visible: and([query.filter, scope.filter]) };
}

export function explainReply(plan: Plan): Reply {
  return { status: 200, body: { plan: summarize(plan) } };
}

const RESERVED = new Set(['_cursor', '_limit', '_explain']);

/** docs/reference/pagination.md#cursors: a cursor is bound to stage, table, route, path parameters, query (without paging) and caller. */
function cursorBinding(ctx: Ctx, table: string, extra: readonly string[]): Buffer {
  const query = ctx.req.query.filter(([k]) => !RESERVED.has(k)).map(([k, v]) => `${k}=${v}`);
  query.sort();
  return binding([
    ctx.req.stage,
    table,
    ctx.req.resource,
    JSON.stringify(Object.entries(ctx.req.pathParams).sort()),
    JSON.stringify(query),
    callerLabel(ctx.caller),
    ...extra,
  ]);
}

function nextLink(ctx: Ctx, cursor: string): string {
  const params = new URLSearchParams(ctx.req.query.filter(([k]) => k !== '_cursor'));
  params.set('_cursor', cursor);
  // Relative, from the path the client used: never built from the Host header.
  return `<${ctx.req.publicPath}?${params.toString()}>; rel="next"`;
}

/** Reads one page of a plan and answers it as a JSON array, with a next link when there is more. */
export async function pageReply(
  deps: Deps,
  ctx: Ctx,
  plan: Plan,
  opts: {
    query: ParsedQuery;
    hidden: readonly string[];
    read?: ReadOptions;
    bindingExtra?: readonly string[];
    render?: (item: Item) => unknown;
    keep?: (item: Item) => boolean;
    /** the events to page through (default: the plan's, via execute) */
    events?: (start: Position | undefined) => AsyncGenerator<ReadEvent>;
  },
): Promise<{ reply: Reply; count: number }> {
  const summary: PlanSummary = summarize(plan);
  ctx.note.plan = summary;
  const planId = fingerprint(summary);
  const bound = cursorBinding(ctx, (opts.read?.schema ?? deps.schema).table, opts.bindingExtra ?? []);
  const key = deps.settings.cursorKey;
  const start: Position | undefined = opts.query.cursor
    ? decodeCursor(key, bound, planId, opts.query.cursor, deps.now())
    : undefined;
  const residual = plan.kind === 'none' ? false : plan.residual;
  const events = opts.events
    ? opts.events(start)
    : execute(deps, plan, start, ctx.stats, { ...opts.read, want: opts.query.limit });
  const page = await collectPage(events, {
    start,
    limit: opts.query.limit,
    residual,
    hidden: opts.hidden,
    ...(opts.render ? { render: opts.render } : {}),
    ...(opts.keep ? { keep: opts.keep } : {}),
    deadline: ctx.started + deps.settings.readBudgetMs,
    now: deps.now,
  });
  ctx.note.count = page.count;
  const headers: Record<string, string> = {};
  if (page.next) {
    const cursor = encodeCursor(key, bound, planId, page.next, deps.now());
    headers.Link = nextLink(ctx, cursor);
    headers['X-Next-Cursor'] = cursor;
  }
  return { reply: { status: 200, headers, rawBody: jsonArray(page.parts) }, count: page.count };
}

/**
 * The audit record of a read, written after the read succeeded and before the answer: if it fails, the call fails
 * (an unaudited read is not served).
 */
export async function auditRead(
  deps: Deps,
  ctx: Ctx,
  action: string,
  about?: { resource: Item; resourceKey: string },
  body?: AttributeValue,
): Promise<void> {
  const table = deps.tables.audit;
  if (!table) return;
  const record = buildAuditRecord({
    now: deps.now(),
    nonce: deps.nonce(),
    shard: deps.shard(),
    action,
    method: ctx.req.method,
    path: ctx.req.path,
    pathParams: ctx.req.pathParams,
    query: ctx.req.query,
    body,
    resource: about?.resource,
    resourceKey: about?.resourceKey,
    caller: ctx.caller,
    ttlDays: deps.settings.auditReadTtlDays,
  });
  checkAuditDepth(record);
  await putAuditRecord(deps.db, table, record);
}
