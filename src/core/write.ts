import { matches } from './filter/evaluate';
import type { Role } from './permissions/roles';
import { pathsOverlap } from './query/names';
import { type AttributeValue, type Item, valuesEqual } from './values';

export const VERSION = '_version';

/**
 * The first version of a new item: its creation time (ms) × 1000 plus three random digits, then +1 per change. A
 * key deleted and created again therefore never repeats a version, so a write decided on the old item (or an old
 * ETag in If-Match) can never match the new one. Exact in a double until the year 2255.
 */
export function initialVersion(now: number, nonce: string): number {
  return now * 1000 + (Number.parseInt(nonce.slice(0, 8), 16) % 1000 || 0);
}

/** The stored `_version` (absent on items written by others: 0). */
export function versionOf(item: Item): number {
  const v = item[VERSION];
  return v && 'N' in v ? Number(v.N) : 0;
}

/**
 * The post-image of an update: body values set top-level attributes, `null` removes them. `changed` lists the
 * fields whose value differs from the stored one (docs/reference/permissions.md#writes: "every changed field").
 */
export function applyChanges(
  stored: Item,
  body: Record<string, AttributeValue | null>,
): { post: Item; changed: string[] } {
  const post: Item = { ...stored };
  const changed: string[] = [];
  for (const [name, value] of Object.entries(body)) {
    const before = Object.hasOwn(stored, name) ? stored[name] : undefined;
    if (value === null) {
      if (before !== undefined) changed.push(name);
      delete post[name];
    } else {
      if (before === undefined || !valuesEqual(before, value)) changed.push(name);
      post[name] = value;
    }
  }
  return { post, changed };
}

const hiddenBy = (role: Role, field: string) => role.exclude.some((h) => pathsOverlap(field, h));

/** May this role change this top-level field (update_fields_permitted/restricted, exclusions)? */
export function mayUpdateField(role: Role, field: string): boolean {
  if (hiddenBy(role, field)) return false;
  if (role.restricted.some((r) => pathsOverlap(field, r))) return false;
  return role.permitted === undefined || role.permitted.includes(field);
}

/**
 * The stored row's half of an update's decision (PostgreSQL's USING): the roles whose read and update filters it
 * satisfies. `scoutr check` answers with it when it does not know the change.
 */
export const rolesMayUpdateRow = (roles: readonly Role[], stored: Item): Role[] =>
  roles.filter((r) => matches(r.filters.read, stored) && matches(r.filters.update, stored));

/**
 * docs/reference/permissions.md#writes: an update is allowed if one role allows all of it — the stored row satisfies its read and
 * update filters, every changed field is updatable in it, and the row after the change satisfies its read filters
 * and its update_check_filters (its update_filters when it has none: PostgreSQL's USING and WITH CHECK).
 */
export function rolesAllowingUpdate(
  roles: readonly Role[],
  stored: Item,
  post: Item,
  changed: readonly string[],
): Role[] {
  return rolesMayUpdateRow(roles, stored).filter(
    (r) =>
      changed.every((f) => mayUpdateField(r, f)) &&
      matches(r.filters.read, post) &&
      matches(r.filters.updateCheck, post),
  );
}

/** The changed fields no role may update (for the 403's details). */
export const fieldsNoRoleMayUpdate = (roles: readonly Role[], changed: readonly string[]) =>
  changed.filter((f) => !roles.some((r) => mayUpdateField(r, f)));

/** A create: the new item satisfies some role's create and read filters and carries no field that role hides. */
export const rolesAllowingCreate = (roles: readonly Role[], item: Item): Role[] =>
  roles.filter(
    (r) =>
      matches(r.filters.create, item) &&
      matches(r.filters.read, item) &&
      !Object.keys(item).some((f) => hiddenBy(r, f)),
  );

export const rolesAllowingDelete = (roles: readonly Role[], stored: Item): Role[] =>
  roles.filter((r) => matches(r.filters.read, stored) && matches(r.filters.delete, stored));
