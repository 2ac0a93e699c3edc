import { forbidden } from '../errors';
import { matches } from '../filter/evaluate';
import { or, type Pred } from '../filter/types';
import { ACL } from '../item-roles';
import { itemToJsonExcept, itemToJsonShown, type JsonOut, underscoreNames } from '../json';
import { pathsOverlap } from '../query/names';
import type { AttributeValue, Item } from '../values';
import { VERSION } from '../write';
import type { EndpointGrant, Role } from './roles';

/** The first endpoint rule of a role that accepts (method, canonical path), if any. */
export function grantFor(role: Role, method: string, path: string): EndpointGrant | undefined {
  const m = method.toUpperCase();
  return role.endpoints.find((g) => (g.method === '*' || g.method === m) && g.pattern.test(path));
}

/** The roles that count for a request: those permitting its method and canonical path (docs/reference/permissions.md#which-roles-count). */
export const countingRoles = (roles: readonly Role[], method: string, path: string): Role[] =>
  roles.filter((r) => grantFor(r, method, path) !== undefined);

interface PermissionAnswer {
  allowed: boolean;
  reason: string;
}

/** `/user/has-permission`: which role and rule decided; reads no data. */
export function explainPermission(roles: readonly Role[], method: string, path: string): PermissionAnswer {
  for (const role of roles) {
    const grant = grantFor(role, method, path);
    if (grant) {
      const via = grant.from === `record ${role.id}` ? '' : ` (from ${grant.from})`;
      return {
        allowed: true,
        reason: `role '${role.id}' permits ${grant.method} ${grant.endpoint}${via}`,
      };
    }
  }
  const names = roles.map((r) => `'${r.id}'`).join(', ');
  return { allowed: false, reason: `no rule of role ${names} matches ${method.toUpperCase()} ${path}` };
}

export interface ReadScope {
  /** rows visible: OR of the counting roles' read filters */
  filter: Pred;
  /** fields hidden: union of their exclusions */
  hidden: string[];
}

export function readScope(roles: readonly Role[]): ReadScope {
  return { filter: or(roles.map((r) => r.filters.read)), hidden: union(roles.map((r) => r.exclude)) };
}

const union = (lists: readonly (readonly string[])[]): string[] => [...new Set(lists.flat())];

/** A path that equals, extends or is a prefix of a hidden path is 403: `meta__exists` cannot probe `meta.secret`. */
export function checkVisible(fields: Iterable<string>, hidden: readonly string[], what = 'field'): void {
  const blocked = [...new Set(fields)].filter((f) => hidden.some((h) => pathsOverlap(f, h)));
  if (blocked.length > 0) throw forbidden(`${what} not permitted: ${blocked.join(', ')}`, { fields: blocked });
}

/**
 * The item without hidden paths. The input is not modified. An attribute name is read as the path its dots spell,
 * as a write body's names are (`checkVisible`): a top-level `supplier.contact` is hidden where `supplier.contact` is,
 * and `cost.note` where `cost` is, so a name written with dots never shows what the nested path hides.
 */
export function redact(item: Item, hidden: readonly string[]): Item {
  if (hidden.length === 0) return item;
  let out: Item = item;
  for (const path of hidden) out = removePath(out, path.split('.'));
  return out;
}

const DOT = 46;

function removePath(map: Record<string, AttributeValue>, segments: readonly string[]): Record<string, AttributeValue> {
  const head = segments[0];
  if (head === undefined) return map;
  let copy: Record<string, AttributeValue> | undefined;
  for (const name of Object.keys(map)) {
    // Only `head` itself or a name spelling `head.…` can lie on the hidden path: the rest is skipped cheaply.
    if (name !== head && !(name.startsWith(head) && name.charCodeAt(head.length) === DOT)) continue;
    const spelt = name === head ? [head] : name.split('.');
    let same = 0;
    while (same < spelt.length && same < segments.length && spelt[same] === segments[same]) same++;
    if (same < Math.min(spelt.length, segments.length)) continue; // another path that shares a prefix
    if (spelt.length >= segments.length) {
      copy ??= { ...map }; // the attribute is the hidden path, or lies below it
      delete copy[name];
      continue;
    }
    const child = map[name]!;
    if (!('M' in child)) continue;
    const inner = removePath(child.M, segments.slice(spelt.length)); // the hidden path goes on inside it
    if (inner !== child.M) {
      copy ??= { ...map };
      copy[name] = { M: inner };
    }
  }
  return copy ?? map;
}

/** Reserved attributes no answer shows: the item's version (its ETag) and its grants (docs/reference/tables.md#reserved-attributes, docs/reference/item-roles.md#who-holds-what). */
export const RESERVED_ATTRIBUTES = underscoreNames([VERSION, ACL]);

/**
 * An item as the caller may see it: without hidden fields and without the reserved `_version` and `_acl`. Attributes
 * are converted one by one, and only one on a hidden path is redacted (alone: what `redact` removes from an attribute
 * depends on its name and value only), so no item is copied to drop a field.
 */
export function visibleJson(item: Item, hidden: readonly string[]): { [key: string]: JsonOut } {
  return visibleRenderer(hidden)(item);
}

const SHOW_ALL = (item: Item) => itemToJsonExcept(item, RESERVED_ATTRIBUTES);

/** visibleJson for many items with the same hidden paths, indexed once (a page renders thousands). */
export function visibleRenderer(hidden: readonly string[]): (item: Item) => { [key: string]: JsonOut } {
  if (hidden.length === 0) return SHOW_ALL;
  // Indexed for a test per attribute: only a name in `heads`, or spelling `head.…`, lies on a hidden path; one in
  // `whole` is hidden whole.
  const whole = new Set(hidden.filter((path) => !path.includes('.')));
  const heads = new Set(hidden.map((path) => path.split('.')[0]!));
  const shown = (name: string, value: AttributeValue): AttributeValue | undefined => {
    if (RESERVED_ATTRIBUTES.has(name) || whole.has(name)) return undefined;
    const dot = name.indexOf('.');
    if (!heads.has(dot === -1 ? name : name.slice(0, dot))) return value;
    const kept = redact({ [name]: value }, hidden);
    return Object.hasOwn(kept, name) ? kept[name] : undefined;
  };
  return (item) => itemToJsonShown(item, shown);
}

/**
 * Whether the caller can see a row, for 404 (docs/reference/permissions.md#404-or-403): the read filters of their roles that permit GET on the
 * item's path, or, if none does, of the counting roles.
 */
export function canSeeRow(roles: readonly Role[], counting: readonly Role[], itemPath: string, item: Item): boolean {
  const readers = countingRoles(roles, 'GET', itemPath);
  return matches(readScope(readers.length > 0 ? readers : counting).filter, item);
}
