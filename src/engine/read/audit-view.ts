import { AUDIT_INDEX, auditSchema, LAST_GRANTS } from '../../core/audit';
import { checkAuditFields, checkAuditValues } from '../../core/audit-view';
import { notFound, ScoutrError } from '../../core/errors';
import { matches } from '../../core/filter/evaluate';
import type { Filter, Pred } from '../../core/filter/types';
import { conjuncts } from '../../core/filter/types';
import { ACL } from '../../core/item-roles';
import { itemToJson } from '../../core/json';
import { indexQuery, type Plan, readParams } from '../../core/plan';
import { type ParsedQuery, parseQuery } from '../../core/query/parse';
import { routesFor } from '../../core/routes';
import { type IndexSchema, keyTypes, type TableSchema } from '../../core/schema';
import type { AttributeValue, Item } from '../../core/values';
import { getItem, readPages } from '../../dynamo/read';
import type { Ctx, Deps } from '../context';

// The reads under GET /audit and /history (docs/reference/audit.md#get-audit): the audit table, the query a caller
// may ask of it, the records as the caller is shown them, and the 404 of an item the caller cannot see.

/** The audit table's schema; AUDIT_DISABLED without one. */
export function auditTable(deps: Deps): TableSchema {
  if (!deps.tables.audit) throw new ScoutrError('AUDIT_DISABLED', 'Auditing is not enabled (no AUDIT_TABLE)');
  return auditSchema(deps.tables.audit);
}

/** The query of an audit route: no `_explain`, and no condition on, or value of, what the caller cannot see. */
export function parseAuditQuery(deps: Deps, ctx: Ctx, schema: TableSchema, hidden: readonly string[]): ParsedQuery {
  const query = parseQuery({ params: ctx.req.query, keyTypes: keyTypes(schema) });
  if (query.explain) {
    throw new ScoutrError('INVALID_QUERY', '_explain: not available on audit routes', {
      details: { param: '_explain' },
    });
  }
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
 * Records as a caller is shown them, and the query's filter split accordingly: conditions on parts the answer may
 * redact (`redactable`) are decided on the record as shown (`keep`), the others (`stored`) go to DynamoDB
 * (docs/reference/audit.md#what-a-caller-with-hidden-fields-sees).
 */
export function shownRecords(
  filter: Pred,
  split: (filter: Pred) => { stored: Pred; shown: Pred },
  show: (record: Item) => Item,
) {
  const { stored, shown } = split(filter);
  const view = shownCache(show);
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
export function indexPlan(schema: TableSchema, indexName: string, keyCondition: Filter, filter: Pred): Plan {
  const index = schema.indexes.find((i) => i.name === indexName) as IndexSchema;
  return indexQuery(schema, index, [keyCondition], conjuncts(filter), true);
}

/**
 * The item's latest existing version (the one before a DELETE, if deleted) must satisfy the caller's read filters,
 * else 404 (docs/reference/audit.md#what-a-caller-with-hidden-fields-sees). Answers the grants that `item_role`
 * entries are decided on for its versions (docs/reference/item-roles.md#item_role-filters): the item's current
 * `_acl`, or a deleted item's last (kept in its DELETE record).
 */
export async function requireVisibleItem(
  deps: Deps,
  ctx: Ctx,
  schema: TableSchema,
  key: Item,
  resourceKey: string,
  visible: Pred,
): Promise<AttributeValue | undefined> {
  const live = await getItem(deps.db, { table: deps.schema.table, key, consistent: true }, ctx.stats);
  const { subject, grants } = live
    ? { subject: live, grants: live[ACL] }
    : await lastVersion(deps, ctx, schema, resourceKey);
  if (!subject || !matches(visible, withGrants(subject, grants))) throw notFound();
  return grants;
}

/** A deleted item's last version, from its history, and the grants its DELETE record kept. */
async function lastVersion(deps: Deps, ctx: Ctx, schema: TableSchema, resourceKey: string) {
  let subject: Item | undefined;
  let grants: AttributeValue | undefined;
  const key = { op: 'eq', field: 'history_key', value: { S: resourceKey } } as const;
  const plan = indexPlan(schema, AUDIT_INDEX.history, key, true);
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
  return { subject, grants };
}

/** A version as item-role filters see it: with the grants it is decided on (stored versions carry none). */
export const withGrants = (item: Item, grants: AttributeValue | undefined): Item =>
  grants ? { ...item, [ACL]: grants } : item;
