import { AUDIT_INDEX, auditSchema, LAST_GRANTS } from '../core/audit';
import {
  auditDays,
  auditDaysPerRequest,
  auditRedactable,
  checkAuditFields,
  checkAuditValues,
  historyRedactable,
  itemAuditRedactable,
  shownAuditRecord,
  shownItemRecord,
  shownVersion,
  splitShownFilter,
} from '../core/audit-view';
import { notFound, ScoutrError } from '../core/errors';
import { matches } from '../core/filter/evaluate';
import { and, conjuncts, type Filter, type NonEmpty, type Pred } from '../core/filter/types';
import { ACL } from '../core/item-roles';
import { itemToJson } from '../core/json';
import { readScope } from '../core/permissions/access';
import type { Plan } from '../core/plan';
import { indexQuery, readParams } from '../core/plan';
import { parseQuery } from '../core/query/parse';
import { routesFor } from '../core/routes';
import { type IndexSchema, keyTypes, type TableSchema } from '../core/schema';
import { type AttributeValue, type Item, keyText } from '../core/values';
import { getItem, readPages } from '../dynamo/read';
import type { Ctx, Deps, Reply } from '../engine/context';
import type { Position } from '../engine/cursor';
import { mergeDays } from '../engine/read/audit-days';
import { auditRead } from '../engine/read/audit-record';
import { pageReply } from '../engine/read/reply';
import { itemKey } from './get';

function auditTable(deps: Deps): TableSchema {
  if (!deps.tables.audit) throw new ScoutrError('AUDIT_DISABLED', 'Auditing is not enabled (no AUDIT_TABLE)');
  return auditSchema(deps.tables.audit);
}

function parseAuditQuery(deps: Deps, ctx: Ctx, schema: TableSchema, hidden: readonly string[]) {
  const query = parseQuery({ params: ctx.req.query, keyTypes: keyTypes(schema) });
  if (query.explain)
    throw new ScoutrError('INVALID_QUERY', '_explain: not available on audit routes', {
      details: { param: '_explain' },
    });
  checkAuditFields(
    query.conditions.map((c) => c.field),
    hidden,
  );
  const templates = routesFor(deps.app)
    .filter((r) => r.verb === 'list' || r.verb === 'search')
    .map((r) => r.path);
  checkAuditValues(query.filter, hidden, templates);
  ctx.note.conditions = query.conditions.map((c) => `${c.field}:${c.op}`);
  return query;
}

/**
 * How audit records are answered and filtered for a caller with these hidden fields: conditions on parts the answer
 * may redact are decided on the record as shown (docs/reference/audit.md#what-a-caller-with-hidden-fields-sees), the others go to DynamoDB.
 */
function auditView(hidden: readonly string[], filter: Pred) {
  const { stored, shown } = splitShownFilter(filter, auditRedactable(hidden));
  const view = shownCache((r) => shownAuditRecord(r, hidden));
  return {
    stored,
    render: (r: Item) => itemToJson(view(r)),
    ...(shown === true ? {} : { keep: (r: Item) => matches(shown, view(r)) }),
  };
}

/** The shown form of each record, computed once for its filter and its answer. */
function shownCache(show: (record: Item) => Item): (record: Item) => Item {
  const seen = new WeakMap<Item, Item>();
  return (r) => {
    let out = seen.get(r);
    if (!out) {
      out = show(r);
      seen.set(r, out);
    }
    return out;
  };
}

/** A newest-first Query on one audit index for one key, conditions on the index keys applied in memory. */
function indexPlan(schema: TableSchema, indexName: string, keyCondition: Filter, filter: Pred): Plan {
  const index = schema.indexes.find((i) => i.name === indexName) as IndexSchema;
  return indexQuery(schema, index, [keyCondition], conjuncts(filter), true);
}

/**
 * GET /audit: every record (the all-rows audit privilege), hidden fields redacted, newest first. Read day by day
 * from the day-index, all shards of a day merged by id (ids are time-ordered): never a Scan, never one hot key.
 */
async function auditAll(deps: Deps, ctx: Ctx, schema: TableSchema): Promise<Reply> {
  const { hidden } = readScope(ctx.counting);
  const query = parseAuditQuery(deps, ctx, schema, hidden);
  // The records about one item: its own index answers them, whatever their day.
  const view = auditView(hidden, query.filter);
  const about = conjuncts(view.stored).find((c) => c.op === 'eq' && c.field === 'resource_key' && 'S' in c.value);
  if (about) {
    const rest = and(conjuncts(view.stored).filter((c) => c !== about));
    const plan = indexPlan(schema, AUDIT_INDEX.resource, about, rest);
    const { reply } = await pageReply(deps, ctx, plan, { query, hidden, read: { schema }, ...view });
    return reply;
  }
  const shards = deps.settings.auditShards;
  const days = auditDays(query.filter, deps.now(), auditDaysPerRequest(shards));
  const plan = indexPlan(schema, AUDIT_INDEX.day, { op: 'eq', field: 'day_shard', value: { S: '' } }, view.stored);
  const residual = plan.kind === 'query' ? plan.residual : true;
  const events = (start: Position | undefined) =>
    mergeDays({ deps, stats: ctx.stats, schema, plan, days, shards }, start && 's' in start ? start : undefined);
  const { reply } = await pageReply(deps, ctx, { ...plan, residual } as Plan, {
    query,
    hidden,
    read: { schema },
    ...view,
    events,
    bindingExtra: [days[0] ?? ''],
  });
  return reply;
}

/**
 * The item's latest existing version (the one before a DELETE, if deleted) must satisfy the caller's read filters,
 * else 404 (docs/reference/audit.md#what-a-caller-with-hidden-fields-sees). Answers the grants that `item_role` entries are decided on for its versions (docs/reference/item-roles.md#item_role-filters):
 * the item's current `_acl`, or a deleted item's last (kept in its DELETE record).
 */
async function requireVisibleItem(
  deps: Deps,
  ctx: Ctx,
  schema: TableSchema,
  key: Item,
  resourceKey: string,
  visible: Pred,
): Promise<AttributeValue | undefined> {
  const live = await getItem(deps.db, { table: deps.schema.table, key, consistent: true }, ctx.stats);
  let subject = live;
  let grants = live?.[ACL];
  if (!subject) {
    const plan = indexPlan(
      schema,
      AUDIT_INDEX.history,
      { op: 'eq', field: 'history_key', value: { S: resourceKey } },
      true,
    );
    if (plan.kind !== 'query') throw notFound();
    const params = readParams(plan, schema)[0]!;
    let newest = true;
    for await (const page of readPages(deps.db, { operation: 'Query', input: params.input }, undefined, ctx.stats)) {
      for (const r of page.items) {
        if (newest) grants = r[LAST_GRANTS]; // the latest record of a deleted item is its DELETE
        newest = false;
        if (r.item && 'M' in r.item) {
          subject = r.item.M;
          break;
        }
      }
      if (subject) break;
    }
  }
  if (!subject || !matches(visible, withGrants(subject, grants))) throw notFound();
  return grants;
}

/** A version as item-role filters see it: with the grants it is decided on (stored versions carry none). */
const withGrants = (item: Item, grants: AttributeValue | undefined): Item =>
  grants ? { ...item, [ACL]: grants } : item;

/** What a read of the audit log is about: one item, or none (GET /audit). */
type About = { resource: Item; resourceKey: string } | undefined;

/**
 * GET /audit and GET /audit/{item}, read without recording the read: the action records it; the console (which
 * reads as the operator and writes nothing) calls this alone.
 */
export async function readAudit(deps: Deps, ctx: Ctx): Promise<{ reply: Reply; about: About }> {
  const schema = auditTable(deps);
  if (ctx.req.pathParams.item === undefined) return { reply: await auditAll(deps, ctx, schema), about: undefined };
  const key = itemKey(deps, ctx.req.pathParams.item, 'item');
  const resourceKey = keyText(key[deps.schema.partitionKey.name]!);
  const scope = readScope(ctx.counting);
  const query = parseAuditQuery(deps, ctx, schema, scope.hidden);
  const grants = await requireVisibleItem(deps, ctx, schema, key, resourceKey, scope.filter);
  // Changes outside the caller's read filters are shown as redacted stubs, and filters select on what is shown.
  const { stored, shown } = splitShownFilter(query.filter, itemAuditRedactable);
  const view = shownCache((r) =>
    shownItemRecord(r, scope.hidden, (item) => matches(scope.filter, withGrants(item, grants))),
  );
  const plan = indexPlan(
    schema,
    AUDIT_INDEX.resource,
    { op: 'eq', field: 'resource_key', value: { S: resourceKey } },
    stored,
  );
  const { reply } = await pageReply(deps, ctx, plan, {
    query,
    hidden: scope.hidden,
    read: { schema },
    render: (r) => itemToJson(view(r)),
    ...(shown === true ? {} : { keep: (r: Item) => matches(shown, view(r)) }),
  });
  return { reply, about: { resource: key, resourceKey } };
}

/** GET /audit and GET /audit/{item}. */
export async function audit(deps: Deps, ctx: Ctx): Promise<Reply> {
  const { reply, about } = await readAudit(deps, ctx);
  await auditRead(deps, ctx, 'AUDIT', about);
  return reply;
}

/** GET /history/{item}: the item's versions, newest first, from the history-index; read without recording it. */
export async function readHistory(deps: Deps, ctx: Ctx): Promise<{ reply: Reply; about: About }> {
  const schema = auditTable(deps);
  const key = itemKey(deps, ctx.req.pathParams.item, 'item');
  const resourceKey = keyText(key[deps.schema.partitionKey.name]!);
  const scope = readScope(ctx.counting);
  const query = parseAuditQuery(deps, ctx, schema, scope.hidden);
  const grants = await requireVisibleItem(deps, ctx, schema, key, resourceKey, scope.filter);
  const actions = deps.app.historyActions;
  const onlyActions: Pred =
    actions && actions.length > 0
      ? { op: 'in', field: 'action', values: actions.map((a) => ({ S: a })) as unknown as NonEmpty<{ S: string }> }
      : true;
  // A filter selects versions only on what the caller is shown of them (docs/reference/item-roles.md#history): never on the content
  // of a version answered as redacted, nor on fields a version does not show.
  const { stored, shown } = splitShownFilter(query.filter, historyRedactable);
  const view = shownCache((r) =>
    shownVersion(r, scope.hidden, (item) => matches(scope.filter, withGrants(item, grants))),
  );
  const plan = indexPlan(
    schema,
    AUDIT_INDEX.history,
    { op: 'eq', field: 'history_key', value: { S: resourceKey } },
    and([stored, onlyActions]),
  );
  const { reply } = await pageReply(deps, ctx, plan, {
    query,
    hidden: scope.hidden,
    read: { schema },
    render: (r) => itemToJson(view(r)),
    ...(shown === true ? {} : { keep: (r: Item) => matches(shown, view(r)) }),
  });
  return { reply, about: { resource: key, resourceKey } };
}

/** GET /history/{item}: the item's versions, newest first, from the history-index of post-images. */
export async function history(deps: Deps, ctx: Ctx): Promise<Reply> {
  const { reply, about } = await readHistory(deps, ctx);
  await auditRead(deps, ctx, 'HISTORY', about);
  return reply;
}
