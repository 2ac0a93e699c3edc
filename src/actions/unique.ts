import { ScoutrError } from '../core/errors';
import { matches } from '../core/filter/evaluate';
import { fieldsOf } from '../core/filter/types';
import { type JsonOut, toJson } from '../core/json';
import { keyAttributes, planList } from '../core/plan';
import { uniqueRoutes } from '../core/routes';
import { type AttributeValue, compareNumbers, compareStrings, getPath } from '../core/values';
import type { Ctx, Deps, Reply } from '../engine/context';
import { envelopeBytes, RESPONSE_BUDGET_BYTES } from '../engine/page/budget';
import { auditRead } from '../engine/read/audit-record';
import { execute } from '../engine/read/execute';
import { explainReply, grantsScope, readRequest } from '../engine/read/request';

function elements(v: AttributeValue): AttributeValue[] {
  if ('L' in v) return v.L;
  if ('SS' in v) return v.SS.map((S) => ({ S }));
  if ('NS' in v) return v.NS.map((N) => ({ N }));
  if ('BS' in v) return v.BS.map((B) => ({ B }));
  return [v];
}

const rank = (v: AttributeValue) => ('N' in v ? 0 : 'S' in v ? 1 : 'BOOL' in v ? 2 : 3);

/** Numbers numerically, then strings by code point, then booleans (false first), then anything else. */
function compareUnique(a: AttributeValue, b: AttributeValue): number {
  const r = rank(a) - rank(b);
  if (r !== 0) return r;
  if ('N' in a && 'N' in b) return compareNumbers(a.N, b.N);
  if ('S' in a && 'S' in b) return compareStrings(a.S, b.S);
  if ('BOOL' in a && 'BOOL' in b) return Number(a.BOOL) - Number(b.BOOL);
  return compareStrings(JSON.stringify(toJson(a)), JSON.stringify(toJson(b)));
}

/**
 * GET /{unique route}: the distinct values of one field among visible items (query filters apply). Not paginated:
 * it reads every visible item, projecting only what it needs, and answers 413 past 6 MB or past the read budget.
 */
export async function unique(deps: Deps, ctx: Ctx): Promise<Reply> {
  const route = uniqueRoutes(deps.app).get(ctx.req.resource);
  if (!route) throw new ScoutrError('NOT_FOUND', 'No such route');
  const { query, visible } = readRequest(deps, ctx, [], [route.field], false);
  const plan = planList(visible, deps.schema, grantsScope(deps, ctx));
  if (query.explain) {
    await auditRead(deps, ctx, 'LIST');
    return explainReply(plan);
  }
  const residual = plan.kind === 'none' ? false : plan.residual;
  const keys = keyAttributes(plan, deps.schema);
  const projection = [...new Set([route.field, ...(typeof residual === 'boolean' ? [] : fieldsOf(residual)), ...keys])];
  const seen = new Map<string, AttributeValue>();
  let bytes = 2;
  const deadline = ctx.started + deps.settings.readBudgetMs;
  for await (const ev of execute(deps, plan, undefined, ctx.stats, { projection })) {
    if (ev.kind === 'page') {
      if (ev.after && deps.now() >= deadline) {
        throw new ScoutrError('PAYLOAD_TOO_LARGE', 'Too many items to list distinct values in time; add filters');
      }
      continue;
    }
    for (const item of ev.kind === 'item' ? [ev.item] : ev.items) {
      if (!matches(residual, item)) continue;
      const value = getPath(item, route.field);
      if (value === undefined) continue;
      for (const element of elements(value)) {
        const id = `${Object.keys(element)[0]}:${JSON.stringify(toJson(element))}`;
        if (seen.has(id)) continue;
        seen.set(id, element);
        bytes += envelopeBytes(JSON.stringify(toJson(element))) + 1;
        if (bytes > RESPONSE_BUDGET_BYTES) {
          throw new ScoutrError('PAYLOAD_TOO_LARGE', 'The distinct values exceed 6 MB; add filters');
        }
      }
    }
  }
  let values: JsonOut[] = [...seen.values()].sort(compareUnique).map(toJson);
  if (route.transform) values = await route.transform(values);
  ctx.note.plan = { operation: plan.kind };
  ctx.note.count = values.length;
  await auditRead(deps, ctx, 'LIST');
  return { status: 200, body: values };
}
