import { notFound, ScoutrError } from '../core/errors';
import { matches } from '../core/filter/evaluate';
import { visibleJson } from '../core/permissions/access';
import type { Plan } from '../core/plan';
import { type Item, keyText, keyValue } from '../core/values';
import { getItem } from '../dynamo/read';
import type { Ctx, Deps, Reply } from '../engine/context';
import { etagOf } from '../engine/etag';
import { auditRead } from '../engine/read/audit-record';
import { explainReply, readRequest } from '../engine/read/request';

/** The item key named by a path parameter, typed by the key schema (`/item/1.0` and `/item/1` are one N key). */
export function itemKey(deps: Deps, text: string | undefined, param = 'id'): Item {
  const pk = deps.schema.partitionKey;
  const value = keyValue(pk.type, text ?? '');
  if (!value) {
    throw new ScoutrError(
      'INVALID_QUERY',
      `${param}: not a valid ${pk.type === 'N' ? 'number' : pk.type === 'B' ? 'base64 binary' : 'string'} key`,
      {
        details: { param },
      },
    );
  }
  return { [pk.name]: value };
}

const resourceKeyOf = (deps: Deps, key: Item) => keyText(key[deps.schema.partitionKey.name]!);

/** GET /item/{id}: 404 when absent or outside the caller's read filters, never 403 (docs/reference/permissions.md#404-or-403). */
export async function get(deps: Deps, ctx: Ctx): Promise<Reply> {
  const key = itemKey(deps, ctx.req.pathParams.id);
  const { query, scope, visible } = readRequest(deps, ctx, [], [], false);
  const plan: Plan = { kind: 'get', key, residual: visible };
  const about = { resource: key, resourceKey: resourceKeyOf(deps, key) };
  if (query.explain) {
    await auditRead(deps, ctx, 'GET', about);
    return explainReply(plan);
  }
  ctx.note.plan = { operation: 'GetItem' };
  const item = await getItem(deps.db, { table: deps.schema.table, key, consistent: true }, ctx.stats);
  if (!item || !matches(visible, item)) throw notFound();
  ctx.note.count = 1;
  await auditRead(deps, ctx, 'GET', about);
  return { status: 200, headers: { ETag: etagOf(item) }, body: visibleJson(item, scope.hidden) };
}
