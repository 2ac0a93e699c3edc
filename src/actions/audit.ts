import { AUDIT_INDEX } from '../core/audit';
import {
  auditDays,
  auditDaysPerRequest,
  auditRedactable,
  historyRedactable,
  itemAuditRedactable,
  shownAuditRecord,
  shownItemRecord,
  shownVersion,
  splitShownFilter,
} from '../core/audit-view';
import { matches } from '../core/filter/evaluate';
import { and, conjuncts, type NonEmpty, type Pred } from '../core/filter/types';
import { type ReadScope, readScope } from '../core/permissions/access';
import type { Plan } from '../core/plan';
import type { TableSchema } from '../core/schema';
import { type Item, keyText } from '../core/values';
import type { Ctx, Deps, Reply } from '../engine/context';
import type { Position } from '../engine/cursor';
import { mergeDays } from '../engine/read/audit-days';
import { auditRead } from '../engine/read/audit-record';
import {
  auditTable,
  indexPlan,
  parseAuditQuery,
  requireVisibleItem,
  shownRecords,
  withGrants,
} from '../engine/read/audit-view';
import { pageReply } from '../engine/read/reply';
import { itemKey } from './get';

/** What a read of the audit log is about: one item, or none (GET /audit). */
type About = { resource: Item; resourceKey: string } | undefined;

/** GET /audit and GET /audit/{item}. */
export async function audit(deps: Deps, ctx: Ctx): Promise<Reply> {
  const { reply, about } = await readAudit(deps, ctx);
  await auditRead(deps, ctx, 'AUDIT', about);
  return reply;
}

/** GET /history/{item}: the item's versions, newest first, from the history-index of post-images. */
export async function history(deps: Deps, ctx: Ctx): Promise<Reply> {
  const { reply, about } = await readHistory(deps, ctx);
  await auditRead(deps, ctx, 'HISTORY', about);
  return reply;
}

/**
 * GET /audit and GET /audit/{item}, read without recording the read: the action records it; the console (which
 * reads as the operator and writes nothing) calls this alone.
 */
export async function readAudit(deps: Deps, ctx: Ctx): Promise<{ reply: Reply; about: About }> {
  const schema = auditTable(deps);
  if (ctx.req.pathParams.item === undefined) return { reply: await auditAll(deps, ctx, schema), about: undefined };
  const { about, scope, query, grants } = await visibleItem(deps, ctx, schema);
  // Changes outside the caller's read filters are shown as redacted stubs, and filters select on what is shown.
  const seen = (item: Item) => matches(scope.filter, withGrants(item, grants));
  const { stored, ...view } = shownRecords(
    query.filter,
    (f) => splitShownFilter(f, itemAuditRedactable),
    (r) => shownItemRecord(r, scope.hidden, seen),
  );
  const key = { op: 'eq', field: 'resource_key', value: { S: about.resourceKey } } as const;
  const plan = indexPlan(schema, AUDIT_INDEX.resource, key, stored);
  const { reply } = await pageReply(deps, ctx, plan, { query, hidden: scope.hidden, read: { schema }, ...view });
  return { reply, about };
}

/** GET /history/{item}: the item's versions, newest first, from the history-index; read without recording it. */
export async function readHistory(deps: Deps, ctx: Ctx): Promise<{ reply: Reply; about: About }> {
  const schema = auditTable(deps);
  const { about, scope, query, grants } = await visibleItem(deps, ctx, schema);
  // A filter selects versions only on what the caller is shown of them (docs/reference/item-roles.md#history): never
  // on the content of a version answered as redacted, nor on fields a version does not show.
  const seen = (item: Item) => matches(scope.filter, withGrants(item, grants));
  const { stored, ...view } = shownRecords(
    query.filter,
    (f) => splitShownFilter(f, historyRedactable),
    (r) => shownVersion(r, scope.hidden, seen),
  );
  const key = { op: 'eq', field: 'history_key', value: { S: about.resourceKey } } as const;
  const plan = indexPlan(schema, AUDIT_INDEX.history, key, and([stored, onlyActions(deps)]));
  const { reply } = await pageReply(deps, ctx, plan, { query, hidden: scope.hidden, read: { schema }, ...view });
  return { reply, about };
}

/** The item of /audit/{item} or /history/{item}, the query, and the 404 of an item the caller cannot see. */
async function visibleItem(deps: Deps, ctx: Ctx, schema: TableSchema) {
  const key = itemKey(deps, ctx.req.pathParams.item, 'item');
  const about = { resource: key, resourceKey: keyText(key[deps.schema.partitionKey.name]!) };
  const scope: ReadScope = readScope(ctx.counting);
  const query = parseAuditQuery(deps, ctx, schema, scope.hidden);
  const grants = await requireVisibleItem(deps, ctx, schema, key, about.resourceKey, scope.filter);
  return { about, scope, query, grants };
}

/** The app's historyActions, as a filter on the records' action. */
function onlyActions(deps: Deps): Pred {
  const actions = deps.app.historyActions;
  return actions && actions.length > 0
    ? { op: 'in', field: 'action', values: actions.map((a) => ({ S: a })) as unknown as NonEmpty<{ S: string }> }
    : true;
}

/**
 * GET /audit: every record (the all-rows audit privilege), hidden fields redacted, newest first. Read day by day
 * from the day-index, all shards of a day merged by id (ids are time-ordered): never a Scan, never one hot key.
 */
async function auditAll(deps: Deps, ctx: Ctx, schema: TableSchema): Promise<Reply> {
  const { hidden } = readScope(ctx.counting);
  const query = parseAuditQuery(deps, ctx, schema, hidden);
  const { stored, ...view } = shownRecords(
    query.filter,
    (f) => splitShownFilter(f, auditRedactable(hidden)),
    (r) => shownAuditRecord(r, hidden),
  );
  const page = { query, hidden, read: { schema }, ...view };
  // The records about one item: its own index answers them, whatever their day.
  const about = conjuncts(stored).find((c) => c.op === 'eq' && c.field === 'resource_key' && 'S' in c.value);
  if (about) {
    const rest = and(conjuncts(stored).filter((c) => c !== about));
    return (await pageReply(deps, ctx, indexPlan(schema, AUDIT_INDEX.resource, about, rest), page)).reply;
  }
  const shards = deps.settings.auditShards;
  const days = auditDays(query.filter, deps.now(), auditDaysPerRequest(shards));
  const plan = indexPlan(schema, AUDIT_INDEX.day, { op: 'eq', field: 'day_shard', value: { S: '' } }, stored);
  const residual = plan.kind === 'query' ? plan.residual : true;
  const events = (start: Position | undefined) =>
    mergeDays({ deps, stats: ctx.stats, schema, plan, days, shards }, start && 's' in start ? start : undefined);
  const { reply } = await pageReply(deps, ctx, { ...plan, residual } as Plan, {
    ...page,
    events,
    bindingExtra: [days[0] ?? ''],
  });
  return reply;
}
