import { buildAuditRecord } from '../../core/audit';
import type { AttributeValue, Item } from '../../core/values';
import { putAuditRecord } from '../../dynamo/audit';
import type { Ctx, Deps } from '../context';
import { checkAuditDepth } from '../write/size';

/** What a call is about, for its audit record: one item, or none (a list, a search). */
export interface About {
  resource: Item;
  resourceKey: string;
}

/**
 * The audit record of a read, written after the read succeeded and before the answer: if it fails, the call fails
 * (an unaudited read is not served). A write that changes nothing is recorded this way too.
 */
export async function auditRead(
  deps: Deps,
  ctx: Ctx,
  action: string,
  about?: About,
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
