import { ACL, aclOf, checkItemRoles, heldRoles } from '../../core/item-roles';
import { toJson } from '../../core/json';
import { visibleJson } from '../../core/permissions/access';
import { policyOf } from '../../core/policy/load-policy';
import {
  ANYONE,
  type ConsoleContext,
  ConsoleInputError,
  decideFor,
  identityOfRecord,
  itemPath,
  keyOf,
  loadTables,
  type Params,
  readItem,
  required,
} from './shared';

/**
 * View 4: for one item, every identity the tables name — API keys, users, a member of each OIDC group, the holders
 * of its item roles, any other signed-in user (DEFAULT_ROLE) and anonymous (ANONYMOUS_ROLE) — and whether each may
 * read, change (PATCH) and delete it, and the fields it sees: decide() over the roles the server would give each.
 */
export async function who(cx: ConsoleContext, params: Params) {
  const { deps } = cx;
  const id = required(params, 'item');
  const [item, loaded] = await Promise.all([readItem(deps, id), loadTables(deps)]);
  if (!item) throw new ConsoleInputError(`item: no item ${id} in ${deps.tables.data}`);
  const settings = deps.settings.roles;
  const policy = policyOf(loaded.records, loaded.groups, {
    defaultRole: settings.defaultRole,
    anonymousRole: settings.anonymousRole,
    app: deps.app,
  });
  const acl = aclOf(item);
  const candidates = new Map<string, { label: string; kind: string }>();
  for (const r of [...loaded.records.values()].sort((a, b) => a.id.localeCompare(b.id))) {
    const identity = identityOfRecord(r);
    if (!identity) continue;
    const kind = r.type === 'API_KEY' ? 'API key' : r.type === 'USERNAME' ? 'user' : 'member of an OIDC group';
    candidates.set(identity, { label: r.type === 'OIDC_GROUP' ? `a member of ${r.id}` : r.id, kind });
  }
  for (const user of [...new Set(Object.values(acl).flat())].sort()) {
    if (!candidates.has(`user:${user}`)) candidates.set(`user:${user}`, { label: user, kind: 'holds an item role' });
  }
  if (settings.defaultRole !== undefined) {
    candidates.set(`user:${ANYONE}`, { label: 'any other signed-in user', kind: 'DEFAULT_ROLE' });
  }
  if (settings.anonymousRole !== undefined) candidates.set('anonymous', { label: 'anonymous', kind: 'ANONYMOUS_ROLE' });
  const at = itemPath(deps, keyOf(deps, item));
  const itemRoles = deps.app.itemRoles && checkItemRoles(deps.app.itemRoles);
  const rows = [...candidates].map(([identity, { label, kind }]) => {
    try {
      const { caller, roles } = policy.rolesOf(identity);
      const read = decideFor(deps, roles, caller, 'GET', at, item);
      const visible = read.allowed && read.item?.visible === true;
      return {
        identity,
        label,
        kind,
        roles: roles.map((r) => r.id),
        itemRoles: itemRoles ? [...heldRoles(itemRoles, item, caller.id)].sort() : [],
        read: visible,
        change: decideFor(deps, roles, caller, 'PATCH', at, item).item?.changeable === true,
        delete: decideFor(deps, roles, caller, 'DELETE', at, item).item?.changeable === true,
        fields: visible ? Object.keys(visibleJson(item, read.hidden)).sort() : [],
        hidden: visible ? read.hidden : [],
        reason: read.reason,
      };
    } catch (err) {
      return { identity, label, kind, error: (err as Error).message };
    }
  });
  const { [ACL]: _acl, ...stored } = item;
  return {
    item: id,
    path: at,
    stored: toJson({ M: stored }),
    acl,
    rows,
    invalid: loaded.invalid,
    reads: { auth_records: loaded.read.auth, groups: loaded.read.groups, items: 1 },
  };
}
