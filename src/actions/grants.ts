import { forbidden, notFound } from '../core/errors';
import {
  ACL,
  aclOf,
  aclValue,
  applyGrant,
  checkGrantAllowed,
  checkNotLastOwner,
  checkRevokeTarget,
  directRoles,
  heldRoles,
  type ItemRoles,
  mayReadGrants,
  parseGrantRequest,
} from '../core/item-roles';
import { fromJson, type Json } from '../core/json';
import { type AttributeValue, type Item, keyText } from '../core/values';
import { VERSION, versionOf } from '../core/write';
import { deleteGrantRow, putGrantRow, putItem, versionCondition } from '../dynamo/write';
import { parseBody } from '../engine/body';
import type { Ctx, Deps, Reply } from '../engine/context';
import { auditRead } from '../engine/read/audit-record';
import { commitChange } from '../engine/write/commit';
import { checkGrantsKey } from '../engine/write/keys';
import { withRetries } from '../engine/write/retry';
import { checkItemSize } from '../engine/write/size';
import { canSee, visibleStored } from '../engine/write/stored';
import { itemKey } from './get';

function itemRolesOf(deps: Deps): ItemRoles {
  if (!deps.itemRoles) throw notFound();
  return deps.itemRoles;
}

/** GET and POST /{item}/{id}/grants (docs/reference/item-roles.md#granting-and-revoking). */
export async function grants(deps: Deps, ctx: Ctx): Promise<Reply> {
  return ctx.req.method === 'GET' ? readGrants(deps, ctx) : changeGrants(deps, ctx);
}

/** GET: the item's direct grants, to callers holding a role that is a `requires` of some rule. */
async function readGrants(deps: Deps, ctx: Ctx): Promise<Reply> {
  const roles = itemRolesOf(deps);
  const key = itemKey(deps, ctx.req.pathParams.id);
  const text = keyText(key[deps.schema.partitionKey.name]!);
  const stored = await visibleStored(deps, ctx, key, text);
  if (!mayReadGrants(roles, heldRoles(roles, stored, ctx.caller.id))) {
    throw forbidden('You hold no role on this item that may grant');
  }
  await auditRead(deps, ctx, 'GET', { resource: key, resourceKey: text });
  return { status: 200, body: aclOf(stored) };
}

/**
 * POST: grant or revoke roles of one user, as a write of the item (optimistic on `_version`, retried): the body
 * (400) → 404 → the caller may grant this (403) → a revoke targets what the user holds → nothing changes (recorded
 * as a read) | the item keeps an owner (409) → the write.
 */
async function changeGrants(deps: Deps, ctx: Ctx): Promise<Reply> {
  const roles = itemRolesOf(deps);
  const json = parseBody(ctx.req.body);
  const req = parseGrantRequest(roles, json);
  const key = itemKey(deps, ctx.req.pathParams.id);
  const text = keyText(key[deps.schema.partitionKey.name]!);
  checkGrantsKey(deps, text, 'id', true);
  const action = req.revoke ? 'REVOKE' : 'GRANT';
  return withRetries(deps, text, async () => {
    const stored = await visibleStored(deps, ctx, key, text);
    const held = heldRoles(roles, stored, ctx.caller.id);
    checkGrantAllowed(roles, held, req);
    checkRevokeTarget(roles, held, req, heldRoles(roles, stored, req.user));
    const before = aclOf(stored);
    const { acl, changed } = applyGrant(before, req);
    const body = fromJson(json as Json); // the request body as sent: user, roles, revoke
    if (!changed) {
      // Already so: nothing is written but the record of the request, as for a read (docs/reference/item-roles.md#granting-and-revoking).
      await auditRead(deps, ctx, action, { resource: key, resourceKey: text }, body);
      return { status: 200, body: before };
    }
    checkNotLastOwner(roles, before, acl, readsAs(deps, ctx, text, stored));
    await commitGrant(deps, ctx, { action, key, text, stored, acl, user: req.user, body });
    return { status: 200, body: acl };
  });
}

/**
 * Whether a user with these grants reads the item, decided by the caller's own read rules, as if the caller held
 * that user's roles on it: another user's records (and the groups their token carries) are not known here.
 */
function readsAs(deps: Deps, ctx: Ctx, text: string, stored: Item) {
  const caller = ctx.caller.id!;
  return (grants: Readonly<Record<string, readonly string[]>>, user: string) =>
    canSee(ctx, deps, text, {
      ...stored,
      [ACL]: aclValue(Object.fromEntries(directRoles(grants, user).map((r) => [r, [caller]]))),
    });
}

/** The item's next version with the new `_acl`, the user's grants row put or deleted, and the audit record. */
async function commitGrant(
  deps: Deps,
  ctx: Ctx,
  g: {
    action: string;
    key: Item;
    text: string;
    stored: Item;
    acl: Record<string, string[]>;
    user: string;
    body: AttributeValue;
  },
): Promise<void> {
  const table = deps.tables.grants!;
  const version = versionOf(g.stored);
  const next: Item = { ...g.stored, [ACL]: aclValue(g.acl), [VERSION]: { N: String(version + 1) } };
  checkItemSize(next);
  const left = directRoles(g.acl, g.user);
  const row = left.length > 0 ? putGrantRow(table, g.user, g.text, left) : deleteGrantRow(table, g.user, g.text);
  const change = putItem(deps.schema.table, next, versionCondition(deps.schema.partitionKey.name, version));
  const record = { action: g.action, key: g.key, version: version + 1, item: next, changed: [ACL], body: g.body };
  await commitChange(deps, ctx, change, record, [row]);
}
