import type { Pred } from '../filter/types';
import type { Item } from '../values';
import { rolesAllowingCreate, rolesAllowingDelete, rolesAllowingUpdate } from '../write';
import { canSeeRow, checkVisible, countingRoles, explainPermission, grantFor, readScope } from './access';
import type { EndpointGrant, Role } from './roles';

export interface Decision {
  allowed: boolean;
  reason: string;
  /** the roles that counted: those permitting (method, path) */
  roles: string[];
  /** the endpoint rule that decided, when one did */
  rule?: { role: string; method: string; endpoint: string; from: string };
  /** rows visible (OR of the counting roles' read filters) and fields hidden */
  filter: Pred;
  hidden: string[];
  /** with an item: whether that row is visible, and whether the method may change it */
  item?: { visible: boolean; changeable?: boolean };
}

const describeRule = (role: Role, g: EndpointGrant) => ({
  role: role.id,
  method: g.method,
  endpoint: g.endpoint,
  from: g.from,
});

/**
 * What the server decides for (roles, method, canonical path), and for a given stored item, in memory: the same
 * functions the actions call (SPEC.md §3). `scoutr check` and `loadPolicy` answer with it.
 */
export function decide(roles: readonly Role[], method: string, path: string, item?: Item): Decision {
  const m = method.toUpperCase();
  if (roles.length === 0) {
    return { allowed: false, reason: 'no role applies to this identity (401)', roles: [], filter: false, hidden: [] };
  }
  const counting = countingRoles(roles, m, path);
  if (counting.length === 0) {
    return {
      allowed: false,
      reason: `${explainPermission(roles, m, path).reason} (403)`,
      roles: [],
      filter: false,
      hidden: [],
    };
  }
  const first = counting[0]!;
  const scope = readScope(counting);
  const base: Decision = {
    allowed: true,
    reason: explainPermission(counting, m, path).reason,
    roles: counting.map((r) => r.id),
    rule: describeRule(first, grantFor(first, m, path)!),
    filter: scope.filter,
    hidden: scope.hidden,
  };
  if (!item) return base;
  const deny = (reason: string, visible: boolean): Decision => ({
    ...base,
    allowed: false,
    reason,
    item: m === 'GET' ? { visible } : { visible, changeable: false },
  });
  if (m === 'POST') {
    try {
      checkVisible(Object.keys(item), scope.hidden, 'field');
    } catch (err) {
      return deny(`${(err as Error).message} (403)`, false);
    }
    const ok = rolesAllowingCreate(counting, item).length > 0;
    return ok
      ? { ...base, item: { visible: true, changeable: true } }
      : deny('no role may create this item (403)', false);
  }
  if (!canSeeRow(roles, counting, path, item)) return deny('the row is outside the read filters (404)', false);
  if (m === 'GET') return { ...base, item: { visible: true } };
  const allowing = m === 'DELETE' ? rolesAllowingDelete(counting, item) : rolesAllowingUpdate(counting, item, item, []);
  return allowing.length > 0
    ? { ...base, item: { visible: true, changeable: true } }
    : deny(`no role may ${m === 'DELETE' ? 'delete' : 'change'} this row (403)`, true);
}
