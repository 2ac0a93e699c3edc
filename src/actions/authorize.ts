import type { Caller } from '../core/caller';
import { forbidden, unauthenticated } from '../core/errors';
import { countingRoles } from '../core/permissions/access';
import { lookupOf, namedRoleFor, type Role, rolesFor } from '../core/permissions/roles';
import type { ScoutrRequest } from '../core/request';
import type { ReadStats } from '../dynamo/read';
import type { Deps } from './context';

/**
 * The caller's roles (SPEC.md §3 "Roles"): their records plus DEFAULT_ROLE, or ANONYMOUS_ROLE alone when no identity
 * was sent. None → 401 UNAUTHENTICATED.
 */
export async function authenticate(
  deps: Deps,
  req: ScoutrRequest,
  stats: ReadStats,
): Promise<{ caller: Caller; roles: Role[] }> {
  const lookup = lookupOf(req.caller);
  const named = namedRoleFor(lookup, deps.settings.roles);
  if (!lookup && !named) throw unauthenticated();
  deps.trace('auth', 'identity resolved', { source: req.caller.kind });
  const { selected, named: namedRole, groups } = await deps.auth.load(lookup, stats, named);
  for (const ignored of selected.ignored) {
    deps.log.warn('auth record of another type ignored', {
      requestId: req.requestId,
      record: ignored.id,
      type: ignored.type ?? null,
      wanted: ignored.wanted,
    });
  }
  const applicable = namedRole ? [...selected.applicable, namedRole] : selected.applicable;
  const { caller, roles } = rolesFor(req.caller, { ...selected, applicable }, groups, deps.itemRoles);
  deps.trace('auth', 'permissions merged', { roles: roles.length });
  if (roles.length === 0) throw unauthenticated();
  return { caller, roles };
}

/**
 * Only roles that permit (method, canonical path) count; none → 403 before any data is read, but 401 to a request
 * that carried no identity (its roles are ANONYMOUS_ROLE's): signing in may help.
 */
export function authorizeEndpoint(roles: readonly Role[], req: ScoutrRequest): Role[] {
  const counting = countingRoles(roles, req.method, req.path);
  if (counting.length > 0) return counting;
  throw lookupOf(req.caller) ? forbidden(`Not permitted: ${req.method} ${req.path}`) : unauthenticated();
}
