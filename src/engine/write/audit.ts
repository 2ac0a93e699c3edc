import { buildAuditRecord } from '../../core/audit';
import { RESERVED_ATTRIBUTES } from '../../core/permissions/access';
import { type AttributeValue, type Item, keyText } from '../../core/values';
import { putAudit, type TxItem } from '../../dynamo/write';
import type { Ctx, Deps } from '../context';
import { checkAuditDepth, checkRecordSize } from './size';

/** The change's audit record, written in the same transaction as the change (docs/reference/audit.md#the-audit-record). */
export interface ChangeRecord {
  action: string;
  key: Item;
  version: number;
  /** the post-image; null after a delete */
  item: Item | null;
  changed: readonly string[];
  body: AttributeValue | undefined;
  /** a delete's: the item's last grants, kept in the record for /history (docs/reference/item-roles.md#history) */
  lastGrants?: AttributeValue | undefined;
}

export function changeAuditTx(deps: Deps, ctx: Ctx, a: ChangeRecord): TxItem[] {
  deps.trace('write', 'transaction', { action: a.action, version: a.version });
  const table = deps.tables.audit;
  if (!table) return [];
  // Reserved attributes stay out of the record, as out of every answer: `_version` is the record's own `version`;
  // `_acl` (who holds what) is never answered, and a grant's record names its change in `body` (docs/reference/item-roles.md#who-holds-what).
  const reserved = (name: string) => RESERVED_ATTRIBUTES.has(name);
  const post = a.item && Object.fromEntries(Object.entries(a.item).filter(([name]) => !reserved(name)));
  const record = buildAuditRecord({
    now: deps.now(),
    nonce: deps.nonce(),
    shard: deps.shard(),
    action: a.action,
    method: ctx.req.method,
    path: ctx.req.path,
    pathParams: ctx.req.pathParams,
    query: ctx.req.query,
    body: a.body,
    resource: a.key,
    resourceKey: keyText(a.key[deps.schema.partitionKey.name]!),
    caller: ctx.caller,
    ttlDays: deps.settings.auditWriteTtlDays,
    change: {
      version: a.version,
      item: post ?? null,
      changed: a.changed.filter((f) => !reserved(f)),
      lastGrants: a.lastGrants,
    },
  });
  // The record holds the post-image one level down and beside other fields, so an item DynamoDB accepts may still
  // give a record it rejects: that would fail the transaction with a 500, so it is refused as the caller's input.
  checkRecordSize(record);
  checkAuditDepth(record);
  return [putAudit(table, record)];
}
