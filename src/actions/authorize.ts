import type { Caller } from '../core/caller';
import { forbidden, unauthenticated } from '../core/errors';
import { countingRoles } from '../core/permissions/access';
import { lookupOf, type Role, rolesFor } from '../core/permissions/roles';
import type { ScoutrRequest } from '../core/request';
import type { ReadStats } from '../dynamo/read';
import type { Deps } from './context';

/** The caller's roles (SPEC.md §3 "Roles"): none → 401 UNAUTHENTICATED, also when no identity was sent. */
export async function authenticate(
  deps: Deps,
  req: ScoutrRequest,
  stats: ReadStats,
): Promise<{ caller: Caller; roles: Role[] }> {
  const lookup = lookupOf(req.caller);
  if (!lookup) throw unauthenticated();
  deps.trace('auth', 'identity resolved', { source: req.caller.kind });
  const { selected, groups } = await deps.auth.load(lookup, stats);
  for (const ignored of selected.ignored) {
    deps.log.warn('auth record of another type ignored', {
      requestId: req.requestId,
      record: ignored.id,
      type: ignored.type ?? null,
      wanted: ignored.wanted,
    });
  }
  const { caller, roles } = rolesFor(req.caller, selected, groups);
  deps.trace('auth', 'permissions merged', { roles: roles.length });
  if (roles.length === 0) throw unauthenticated();
  return { caller, roles };
}

/** Only roles that permit (method, canonical path) count; none → 403 before any data is read. */
export function authorizeEndpoint(roles: readonly Role[], req: ScoutrRequest): Role[] {
  const counting = countingRoles(roles, req.method, req.path);
  if (counting.length === 0) throw forbidden(`Not permitted: ${req.method} ${req.path}`);
  return counting;
}
