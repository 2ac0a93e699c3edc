import { forbidden } from '../../core/errors';
import { and, type Pred } from '../../core/filter/types';
import { checkVisible, type ReadScope, readScope } from '../../core/permissions/access';
import { type GrantsScope, type Plan, summarize } from '../../core/plan';
import { type ParsedQuery, parseQuery, type QueryInput } from '../../core/query/parse';
import { keyTypes } from '../../core/schema';
import type { Ctx, Deps, Reply } from '../context';

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

/** `_explain=true`: the plan, and nothing read (docs/reference/query-language.md#explaining-a-plan). */
export function explainReply(plan: Plan): Reply {
  return { status: 200, body: { plan: summarize(plan) } };
}
