import { ACL, aclOf, checkItemRoles, heldRoles } from '../../core/item-roles';
import { toJson } from '../../core/json';
import { visibleJson } from '../../core/permissions/access';
import { callerVariable } from '../../core/permissions/filters';
import { type AuthRecord, FILTER_LIST_FIELDS, type GroupRecord } from '../../core/permissions/record';
import { policyOf } from '../../core/policy/load-policy';
import { type AttributeValue, getPath, type Item } from '../../core/values';
import {
  ANYONE,
  type ConsoleContext,
  ConsoleInputError,
  decideFor,
  identityOfRecord,
  itemPath,
  keyOf,
  loadTables,
  memberOf,
  type Params,
  readItem,
  required,
} from './shared';

/**
 * View 4: for one item, every identity the tables name — API keys, users, a member of each OIDC group, the holders
 * of its item roles, any other signed-in user (DEFAULT_ROLE) and anonymous (ANONYMOUS_ROLE) — and whether each may
 * read, change (PATCH) and delete it, and the fields it sees: decide() over the roles the server would give each.
 * A user without a record whom the item itself names (see namedInItem) is listed too, as a member of each OIDC
 * group and as any other signed-in user, where that answers otherwise than the group's or DEFAULT_ROLE's stand-in.
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
  const { candidates, like } = candidatesFor(item, acl, loaded, settings);
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
    rows: withoutLikeStandIns(rows, like),
    invalid: loaded.invalid,
    reads: { auth_records: loaded.read.auth, groups: loaded.read.groups, items: 1 },
  };
}

type Candidates = Map<string, { label: string; kind: string }>;

/**
 * Who is asked about the item, in order, and `like`: for a user the item names, the stand-in whose answer theirs is
 * left out for repeating.
 */
function candidatesFor(
  item: Item,
  acl: Record<string, string[]>,
  loaded: Awaited<ReturnType<typeof loadTables>>,
  settings: { defaultRole?: string | undefined; anonymousRole?: string | undefined },
): { candidates: Candidates; like: Map<string, string> } {
  const candidates: Candidates = new Map();
  for (const r of [...loaded.records.values()].sort((a, b) => a.id.localeCompare(b.id))) {
    const identity = identityOfRecord(r);
    if (!identity) continue;
    const kind = r.type === 'API_KEY' ? 'API key' : r.type === 'USERNAME' ? 'user' : 'member of an OIDC group';
    candidates.set(identity, { label: r.type === 'OIDC_GROUP' ? `a member of ${r.id}` : r.id, kind });
  }
  for (const user of [...new Set(Object.values(acl).flat())].sort()) {
    if (!candidates.has(`user:${user}`)) candidates.set(`user:${user}`, { label: user, kind: HOLDER });
  }
  if (settings.defaultRole !== undefined) {
    candidates.set(`user:${ANYONE}`, { label: 'any other signed-in user', kind: 'DEFAULT_ROLE' });
  }
  if (settings.anonymousRole !== undefined) candidates.set('anonymous', { label: 'anonymous', kind: 'ANONYMOUS_ROLE' });
  // A user the item names, without a record: as what each stand-in stands for.
  const like = new Map<string, string>();
  const groupIds = [...loaded.records.values()]
    .filter((r) => r.type === 'OIDC_GROUP')
    .map((r) => r.id)
    .sort();
  for (const [user, field] of namedInItem(item, [...loaded.records.values(), ...loaded.groups.values()])) {
    const known = candidates.get(`user:${user}`);
    if (known && known.kind !== HOLDER) continue; // their own record decides
    const kind = `named by the item's ${field}`;
    if (settings.defaultRole !== undefined && !known) {
      candidates.set(`user:${user}`, { label: user, kind });
      like.set(`user:${user}`, `user:${ANYONE}`);
    }
    for (const group of groupIds) {
      candidates.set(`user:${user}:${group}`, { label: `${user}, a member of ${group}`, kind });
      like.set(`user:${user}:${group}`, `user:${memberOf(group)}:${group}`);
    }
  }
  return { candidates, like };
}

const HOLDER = 'holds an item role';

/** A row as compared with its stand-in's: what it answers of the item, or the error that answered instead. */
interface Answered {
  identity: string;
  read?: boolean;
  change?: boolean;
  delete?: boolean;
  fields?: string[];
  itemRoles?: string[];
  error?: string;
}

/** The rows, without those of a user the item names that answer as their stand-in does. */
function withoutLikeStandIns<R extends Answered>(rows: R[], like: ReadonlyMap<string, string>): R[] {
  const byIdentity = new Map(rows.map((r) => [r.identity, r]));
  const answers = (r: Answered) => JSON.stringify([r.read, r.change, r.delete, r.fields, r.itemRoles]);
  const same = (a: R, b: R | undefined) =>
    b !== undefined && a.error === undefined && b.error === undefined && answers(a) === answers(b);
  return rows.filter((r) => !like.has(r.identity) || !same(r, byIdentity.get(like.get(r.identity)!)));
}

/** A filter value that stands for the caller's id or username, which `user:ID` sets. */
const namesUser = (value: unknown) => {
  const attr = callerVariable(value);
  return attr === 'id' || attr === 'username';
};
/** At most this many users are taken from one item, so that a list of thousands does not make as many rows. */
const MAX_NAMED = 20;

/**
 * The users an item names where a filter entry compares a field with `${user.id}` or `${user.username}` (an
 * `owner` field and `{field: owner, value: ${user.username}}`): each such field's strings (a string, a string set, or
 * a list's strings), with the field. A user named by `${user.email}` has no identity of this form and is not listed.
 */
export function namedInItem(item: Item, sets: readonly (AuthRecord | GroupRecord)[]): Map<string, string> {
  const fields = new Set<string>();
  for (const set of sets) {
    for (const list of FILTER_LIST_FIELDS) {
      for (const entry of set[list] ?? []) {
        if (!('field' in entry)) continue;
        const values = Array.isArray(entry.value) ? entry.value : [entry.value];
        if (values.some(namesUser)) fields.add(entry.field);
      }
    }
  }
  const named = new Map<string, string>();
  for (const field of [...fields].sort()) {
    for (const user of stringsOf(getPath(item, field))) {
      // `user:ID:GROUPS` spells an identity: an id with a colon or a comma cannot be one.
      if (user !== '' && !/[:,]/.test(user) && !named.has(user) && named.size < MAX_NAMED) named.set(user, field);
    }
  }
  return named;
}

/** A string's, a string set's, or a list's strings. */
function stringsOf(v: AttributeValue | undefined): readonly string[] {
  if (v === undefined) return [];
  if ('S' in v) return [v.S];
  if ('SS' in v) return v.SS;
  if ('L' in v) return v.L.flatMap((e) => ('S' in e ? [e.S] : []));
  return [];
}
