import { forbidden } from '../core/errors';
import { ACL, aclOf, grantRows } from '../core/item-roles';
import { readScope, visibleJson } from '../core/permissions/access';
import { checkCondition } from '../core/validate';
import { type Item, keyText } from '../core/values';
import { rolesAllowingDelete, versionOf } from '../core/write';
import { deleteGrantRow, deleteGrantRows, deleteItem as deleteTx, versionCondition } from '../dynamo/write';
import type { Ctx, Deps, Reply } from '../engine/context';
import { commitChange } from '../engine/write/commit';
import { withRetries } from '../engine/write/retry';
import { checkIfMatch, visibleStored } from '../engine/write/stored';
import { itemKey } from './get';

/** How many grants rows a delete removes in its own transaction (with the item and its audit record). */
const GRANT_ROWS_IN_DELETE = 90;

/** DELETE /item/{id}: 200 with the deleted item as the caller may see it; 404 if absent or not visible. */
export async function remove(deps: Deps, ctx: Ctx): Promise<Reply> {
  return deleteItem(deps, ctx, ctx.req.pathParams.id, 'DELETE');
}

/**
 * The delete of one item, in docs/reference/permissions.md#order-of-checks: 404 → If-Match (412) → some role may
 * delete the row (403) → the app's delete condition (400) → the write (409 after the retries).
 */
export async function deleteItem(deps: Deps, ctx: Ctx, id: string | undefined, action: string): Promise<Reply> {
  const key = itemKey(deps, id);
  const text = keyText(key[deps.schema.partitionKey.name]!);
  const scope = readScope(ctx.counting);
  return withRetries(deps, text, async () => {
    const stored = await visibleStored(deps, ctx, key, text);
    checkIfMatch(ctx, stored);
    if (rolesAllowingDelete(ctx.counting, stored).length === 0) {
      throw forbidden('No role of the caller may delete this item');
    }
    const existing = visibleJson(stored, scope.hidden);
    await checkCondition(deps.app.deleteCondition, stored, existing, {}, ctx.caller, deps.app.conditionFailureMessage);
    await commitDelete(deps, ctx, action, { key, text, stored });
    return { status: 200, body: visibleJson(stored as Item, scope.hidden) };
  });
}

/**
 * The delete, on the condition that the stored version is still current, with its audit record (which keeps the
 * item's last grants for /history). The item's grants rows go with it: up to 90 in the same transaction, the rest
 * right after (docs/reference/item-roles.md#deleting; reads check rows against the item's `_acl`, so a row left
 * behind never shows anything).
 */
async function commitDelete(
  deps: Deps,
  ctx: Ctx,
  action: string,
  { key, text, stored }: { key: Item; text: string; stored: Item },
): Promise<void> {
  const version = versionOf(stored);
  const { _version, ...fields } = stored;
  const grants = deps.tables.grants;
  const users = grants ? [...grantRows(aclOf(stored)).keys()] : [];
  const inTx = users.slice(0, GRANT_ROWS_IN_DELETE).map((u) => deleteGrantRow(grants!, u, text));
  const change = deleteTx(deps.schema.table, key, versionCondition(deps.schema.partitionKey.name, version));
  const record = {
    action,
    key,
    version: version + 1,
    item: null,
    changed: Object.keys(fields),
    body: undefined,
    lastGrants: stored[ACL],
  };
  await commitChange(deps, ctx, change, record, inTx);
  if (users.length > GRANT_ROWS_IN_DELETE) {
    await deleteGrantRows(deps.db, grants!, users.slice(GRANT_ROWS_IN_DELETE), text);
  }
}
