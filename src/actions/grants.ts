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
import { type Item, keyText } from '../core/values';
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

/** POST: grant or revoke roles of one user, as a write of the item (optimistic on `_version`, retried). */
async function changeGrants(deps: Deps, ctx: Ctx): Promise<Reply> {
  const roles = itemRolesOf(deps);
  const json = parseBody(ctx.req.body);
  const req = parseGrantRequest(roles, json);
  const key = itemKey(deps, ctx.req.pathParams.id);
  const text = keyText(key[deps.schema.partitionKey.name]!);
  checkGrantsKey(deps, text, 'id', true);
  const table = deps.tables.grants!;
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
      await auditRead(deps, ctx, req.revoke ? 'REVOKE' : 'GRANT', { resource: key, resourceKey: text }, body);
      return { status: 200, body: before };
    }
    // Whether a user with these grants reads the item is decided by the caller's own read rules, as if the caller
    // held that user's roles on it: another user's records (and the groups their token carries) are not known here.
    const caller = ctx.caller.id!;
    const reads = (grants: Readonly<Record<string, readonly string[]>>, user: string) =>
      canSee(ctx, deps, text, {
        ...stored,
        [ACL]: aclValue(Object.fromEntries(directRoles(grants, user).map((r) => [r, [caller]]))),
      });
    checkNotLastOwner(roles, before, acl, reads);
    const version = versionOf(stored);
    const next: Item = { ...stored, [ACL]: aclValue(acl), [VERSION]: { N: String(version + 1) } };
    checkItemSize(next);
    const left = directRoles(acl, req.user);
    const row = left.length > 0 ? putGrantRow(table, req.user, text, left) : deleteGrantRow(table, req.user, text);
    await commitChange(
      deps,
      ctx,
      putItem(deps.schema.table, next, versionCondition(deps.schema.partitionKey.name, version)),
      {
        action: req.revoke ? 'REVOKE' : 'GRANT',
        key,
        version: version + 1,
        item: next,
        changed: [ACL],
        body,
      },
      [row],
    );
    return { status: 200, body: acl };
  });
}
