import type { AppConfig } from '../core/app';
import { invalidQuery } from '../core/errors';
import { planList } from '../core/plan';
import type { QueryInput } from '../core/query/parse';
import type { ScoutrRequest } from '../core/request';
import { itemsRoute, templateParams } from '../core/routes';
import type { Ctx, Deps, Reply } from '../engine/context';
import { auditRead } from '../engine/read/audit-record';
import { pageReply } from '../engine/read/reply';
import { explainReply, grantsScope, readRequest } from '../engine/read/request';

/** The conditions a list route adds from its path (docs/reference/query-language.md#path-filters). */
function listPathFilters(app: AppConfig, req: ScoutrRequest): NonNullable<QueryInput['pathFilters']> {
  if (req.resource === `${itemsRoute(app)}/{search_key}/{search_value}`) {
    const field = req.pathParams.search_key ?? '';
    if (field.includes('__')) throw invalidQuery('search_key', 'a plain field path, without an operator');
    return [{ field, value: req.pathParams.search_value ?? '', param: 'search_key' }];
  }
  return templateParams(req.resource).map((p) => ({ field: p, value: req.pathParams[p] ?? '', param: p }));
}

/** GET /items, /items/{search_key}/{search_value} and static filter routes: one page of visible items. */
export async function list(deps: Deps, ctx: Ctx): Promise<Reply> {
  const { query, scope, visible } = readRequest(deps, ctx, listPathFilters(deps.app, ctx.req));
  const plan = planList(visible, deps.schema, grantsScope(deps, ctx));
  if (query.explain) {
    await auditRead(deps, ctx, 'LIST');
    return explainReply(plan);
  }
  const { reply } = await pageReply(deps, ctx, plan, { query, hidden: scope.hidden });
  await auditRead(deps, ctx, 'LIST');
  return reply;
}
