import { forbidden, notFound } from '../core/errors';
import {
  ACL,
  aclOf,
  aclValue,
  applyGrant,
  checkGrantAllowed,
  checkNotLastOwner,
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
import { parseBody } from './body';
import type { Ctx, Deps, Reply } from './context';
import { itemKey } from './get';
import { auditRead } from './reads';
import { commitChange, visibleStored, withRetries } from './write';

function itemRolesOf(deps: Deps): ItemRoles {
  if (!deps.itemRoles) throw notFound();
  return deps.itemRoles;
}

/** GET and POST /{item}/{id}/grants (SPEC.md §11). */
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
  const table = deps.tables.grants!;
  return withRetries(deps, text, async () => {
    const stored = await visibleStored(deps, ctx, key, text);
    checkGrantAllowed(roles, heldRoles(roles, stored, ctx.caller.id), req);
    const before = aclOf(stored);
    const { acl, changed } = applyGrant(before, req);
    if (!changed) return { status: 200, body: before }; // already so: nothing is written
    if (req.revoke) checkNotLastOwner(roles, before, acl);
    const version = versionOf(stored);
    const next: Item = { ...stored, [ACL]: aclValue(acl), [VERSION]: { N: String(version + 1) } };
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
        body: fromJson(json as Json), // the request body as sent: user, roles, revoke
      },
      [row],
    );
    return { status: 200, body: acl };
  });
}
