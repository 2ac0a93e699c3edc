import type { Caller } from '../core/caller';
import { forbidden, unauthenticated } from '../core/errors';
import { authorizeEndpoint as endpointOutcome } from '../core/permissions/decide';
import { resolveRoles } from '../core/permissions/resolve';
import { lookupOf, namedRoleFor, type Role } from '../core/permissions/roles';
import type { ScoutrRequest } from '../core/request';
import type { ReadStats } from '../dynamo/read';
import type { Deps } from './context';

/**
 * The caller's roles (docs/reference/permissions.md#roles): their records plus DEFAULT_ROLE, or ANONYMOUS_ROLE alone when no identity
 * was sent, resolved by core's resolveRoles as `scoutr check` and `loadPolicy` resolve them. None → 401.
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
  const found = await deps.auth.load(lookup, stats, named);
  const { caller, roles, ignored } = resolveRoles(req.caller, found, deps.settings.roles, deps.itemRoles);
  for (const record of ignored) {
    deps.log.warn('auth record of another type ignored', {
      requestId: req.requestId,
      record: record.id,
      type: record.type ?? null,
      wanted: record.wanted,
    });
  }
  deps.trace('auth', 'permissions merged', { roles: roles.length });
  if (roles.length === 0) throw unauthenticated();
  return { caller, roles };
}

/**
 * Only roles that permit (method, canonical path) count; none → 403 before any data is read, but 401 to a request
 * that carried no identity (its roles are ANONYMOUS_ROLE's): signing in may help. Decided by core's
 * authorizeEndpoint, as `scoutr check` and `loadPolicy` decide it.
 */
export function authorizeEndpoint(roles: readonly Role[], req: ScoutrRequest): Role[] {
  const outcome = endpointOutcome(roles, req.caller, req.method, req.path);
  if ('counting' in outcome) return outcome.counting;
  throw outcome.code === 'FORBIDDEN' ? forbidden(`Not permitted: ${req.method} ${req.path}`) : unauthenticated();
}
