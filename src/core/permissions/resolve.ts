import type { Caller } from '../caller';
import type { ItemRoles } from '../item-roles';
import type { AuthRecord, GroupRecord } from './record';
import {
  lookupOf,
  namedRoleFor,
  type Role,
  type RoleSettings,
  rolesFor,
  type Selected,
  selectNamedRole,
  selectRecords,
} from './roles';

/** Auth records and groups by id: those a lookup found in the tables, or every one of a policy document. */
export interface FoundRecords {
  records: ReadonlyMap<string, AuthRecord>;
  groups: ReadonlyMap<string, GroupRecord>;
}

export interface ResolvedRoles {
  /** the caller, with an API key's username, email and name from its record */
  caller: Caller;
  /** every role that applies (docs/reference/permissions.md#roles); none → 401 */
  roles: Role[];
  /** records found under a wanted id but of another type: ignored, and logged by the server */
  ignored: Selected['ignored'];
}

/**
 * The caller's roles (docs/reference/permissions.md#roles): the records their lookup selects (an API key's, or a user's and their
 * groups', each only of its own type), plus DEFAULT_ROLE's record for an identified caller, or ANONYMOUS_ROLE's alone
 * without an identity; each merged with its groups. The server (engine/authorize.ts), `scoutr check` and
 * `loadPolicy` all resolve roles here, and only here.
 */
export function resolveRoles(
  caller: Caller,
  found: FoundRecords,
  settings: RoleSettings,
  itemRoles?: ItemRoles,
): ResolvedRoles {
  const lookup = lookupOf(caller);
  const named = namedRoleFor(lookup, settings);
  const selected = lookup ? selectRecords(lookup, found.records) : { applicable: [], ignored: [] };
  const applicable = named ? [...selected.applicable, selectNamedRole(named, found.records)] : selected.applicable;
  if (applicable.length === 0) return { caller, roles: [], ignored: selected.ignored };
  const merged = rolesFor(caller, { ...selected, applicable }, found.groups, itemRoles);
  return { ...merged, ignored: selected.ignored };
}
