import { ScoutrError } from '../../core/errors';
import { heldRoles } from '../../core/item-roles';
import { countingRoles, visibleJson } from '../../core/permissions/access';
import { planList } from '../../core/plan';
import { itemsRoute } from '../../core/routes';
import type { Item } from '../../core/values';
import { mayUpdateField } from '../../core/write';
import { newStats } from '../../dynamo/read';
import { authorizeEndpoint } from '../../engine/authorize';
import type { Ctx } from '../../engine/context';
import { pageReply } from '../../engine/read/reply';
import { grantsScope, readRequest } from '../../engine/read/request';
import {
  answerOf,
  type ConsoleContext,
  callerJson,
  decideFor,
  identityOf,
  itemPath,
  keyOf,
  PAGE,
  type Params,
  pk,
  request,
  rolesOf,
} from './shared';

/**
 * View 2: the data as the identity lists it — the list action's own steps (endpoint check, query parse and field
 * check, planner, page reader) without its audit record — with per row the item roles held and whether PATCH and
 * DELETE may change it (decide), and per column whether a role permitting PATCH or PUT may update the field.
 */
export async function seeAs(cx: ConsoleContext, params: Params) {
  const { deps } = cx;
  const { text, caller: asked } = identityOf(params);
  const { caller, roles } = await rolesOf(cx, asked);
  const filterText = (params.get('q') ?? '').replace(/^\?/, '');
  const query: [string, string][] = [...new URLSearchParams(filterText)].filter(([k]) => k !== '_explain');
  if (!query.some(([k]) => k === '_limit')) query.push(['_limit', String(PAGE)]);
  const cursor = params.get('cursor');
  if (cursor) query.push(['_cursor', cursor]);
  const path = itemsRoute(deps.app);
  const base = {
    identity: text,
    caller: callerJson(caller),
    roles: roles.map((r) => r.id),
    route: `GET ${path}`,
    query: filterText,
  };
  const req = request(cx, caller, 'GET', path, query);
  const ctx: Ctx = { req, caller, roles, counting: [], stats: newStats(), started: deps.now(), note: {} };
  try {
    if (roles.length === 0) throw new ScoutrError('UNAUTHENTICATED', 'no role applies to this identity');
    ctx.counting = authorizeEndpoint(roles, req);
    const { query: parsed, scope, visible } = readRequest(deps, ctx, []);
    const plan = planList(visible, deps.schema, grantsScope(deps, ctx));
    const render = (item: Item) => {
      const key = keyOf(deps, item);
      const at = itemPath(deps, key);
      return {
        key,
        item: visibleJson(item, scope.hidden),
        itemRoles: deps.itemRoles ? [...heldRoles(deps.itemRoles, item, caller.id)].sort() : [],
        change: decideFor(deps, roles, caller, 'PATCH', at, item).item?.changeable === true,
        delete: decideFor(deps, roles, caller, 'DELETE', at, item).item?.changeable === true,
      };
    };
    const { reply } = await pageReply(deps, ctx, plan, { query: parsed, hidden: scope.hidden, render });
    const rows = JSON.parse(reply.rawBody ?? '[]') as ReturnType<typeof render>[];
    const sample = itemPath(deps, rows[0]?.key ?? 'x');
    const writers = [...countingRoles(roles, 'PATCH', sample), ...countingRoles(roles, 'PUT', sample)];
    const columns = [...new Set(rows.flatMap((r) => Object.keys(r.item)))].sort(columnOrder(pk(deps)));
    const hiddenTop = scope.hidden.filter((h) => !h.includes('.') && !columns.includes(h));
    return {
      ...base,
      status: 200,
      reason: decideFor(deps, roles, caller, 'GET', path).reason,
      rows,
      columns: [...columns, ...hiddenTop],
      hidden: scope.hidden,
      updatable: Object.fromEntries(
        [...columns, ...hiddenTop].map((f) => [f, writers.some((r) => mayUpdateField(r, f))]),
      ),
      plan: ctx.note.plan,
      reads: { calls: ctx.stats.calls, items_read: ctx.stats.scanned, capacity: ctx.stats.capacity },
      next: reply.headers?.['X-Next-Cursor'] ?? null,
    };
  } catch (err) {
    return { ...base, ...answerOf(err), rows: [], reads: { calls: ctx.stats.calls, items_read: ctx.stats.scanned } };
  }
}

const columnOrder = (key: string) => (a: string, b: string) =>
  (a === key ? -1 : 0) - (b === key ? -1 : 0) || a.localeCompare(b);
