import { type TxItem, writeWithAudit } from '../../dynamo/write';
import type { Ctx, Deps } from '../context';
import { type ChangeRecord, changeAuditTx } from './audit';

/** Writes a change and its audit record in one transaction (docs/reference/writes.md#atomicity-and-optimistic-concurrency, docs/reference/audit.md#the-audit-record). */
export async function commitChange(
  deps: Deps,
  ctx: Ctx,
  change: TxItem,
  record: ChangeRecord,
  /** other rows of the same change (the item's grants rows) */
  more: readonly TxItem[] = [],
): Promise<void> {
  await writeWithAudit(deps.db, [change, ...more, ...changeAuditTx(deps, ctx, record)]);
  ctx.note.count = 1;
}
