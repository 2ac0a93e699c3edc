import { notFound, ScoutrError } from '../../core/errors';
import { canSeeRow } from '../../core/permissions/access';
import { canonicalPath, itemRoute } from '../../core/routes';
import type { Item } from '../../core/values';
import { getItem } from '../../dynamo/read';
import type { Ctx, Deps } from '../context';
import { etagOf } from '../etag';

// The stored item a write decides on, and the request's If-Match on it.

/**
 * Whether the caller can see a row, for 404 (docs/reference/permissions.md#404-or-403): the read filters of their roles that permit GET on the
 * item's path, or, if none does, of the counting roles.
 */
export const canSee = (ctx: Ctx, deps: Deps, keyTextValue: string, stored: Item): boolean =>
  canSeeRow(ctx.roles, ctx.counting, canonicalPath(`${itemRoute(deps.app)}/{id}`, { id: keyTextValue }), stored);

/** The stored item a write decides on, read consistently: 404 when absent or not visible (never 403: docs/reference/permissions.md#404-or-403). */
export async function visibleStored(deps: Deps, ctx: Ctx, key: Item, keyTextValue: string): Promise<Item> {
  const stored = await getItem(deps.db, { table: deps.schema.table, key, consistent: true }, ctx.stats);
  if (!stored || !canSee(ctx, deps, keyTextValue, stored)) throw notFound();
  return stored;
}

/** If-Match (docs/reference/writes.md#versions-and-etags): `*` or a list of ETags; a mismatch is 412. */
export function checkIfMatch(ctx: Ctx, stored: Item): void {
  const header = ctx.req.headers['if-match'];
  if (header === undefined) return;
  const current = etagOf(stored);
  const tags = header.split(',').map((t) => t.trim().replace(/^W\//, ''));
  if (!tags.includes('*') && !tags.includes(current)) {
    throw new ScoutrError('PRECONDITION_FAILED', `If-Match does not match the current ETag ${current}`);
  }
}
