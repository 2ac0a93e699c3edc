import type { Caller } from '../caller';
import { authConfig } from '../errors';
import { checkLimits, compileFilter } from '../filter/compile';
import type { Pred } from '../filter/types';
import { and } from '../filter/types';
import type { ItemRoles } from '../item-roles';
import { METHODS } from '../request';
import { entriesToPred } from './filters';
import type { AuthRecord, EndpointRule, GroupRecord, PermissionSet, RecordType } from './record';

/** `updateCheck`: the row after an update (docs/reference/permissions.md#checking-the-new-row-update_check_filters, PostgreSQL's WITH CHECK). */
type Action = 'read' | 'create' | 'update' | 'updateCheck' | 'delete';
const RULE_METHODS = new Set<string>([...METHODS, '*']);

export interface EndpointGrant {
  method: string;
  endpoint: string;
  pattern: RegExp;
  /** the record or group that granted it, for `/user/has-permission` reasons */
  from: string;
}

/** One auth record that applies to the caller, merged with all of its groups (docs/reference/permissions.md#roles). */
export interface Role {
  id: string;
  type: RecordType;
  groups: string[];
  endpoints: EndpointGrant[];
  filters: Record<Action, Pred>;
  exclude: string[];
  restricted: string[];
  /** undefined: no permitted-field list anywhere in the role, so every field not restricted may be updated */
  permitted: string[] | undefined;
  explain: boolean;
}

const patternCache = new Map<string, RegExp>();

/** `^(?:endpoint)$` with the u flag: the whole canonical path must match (Scoutr 1.2.1 matched prefixes). */
export function endpointPattern(endpoint: string, where: string): RegExp {
  let re = patternCache.get(endpoint);
  if (!re) {
    try {
      re = new RegExp(`^(?:${endpoint})$`, 'u');
    } catch (err) {
      throw authConfig(`${where}: invalid endpoint regex (${(err as Error).message})`, { field: 'endpoint' });
    }
    if (patternCache.size > 1000) patternCache.clear();
    patternCache.set(endpoint, re);
  }
  return re;
}

/** One permitted endpoint rule, checked and compiled as every request sees it. */
export function endpointGrant(rule: EndpointRule, where: string): EndpointGrant {
  const method = rule.method.toUpperCase();
  if (!RULE_METHODS.has(method)) throw authConfig(`${where}: invalid method '${rule.method}'`, { field: 'method' });
  return { method, endpoint: rule.endpoint, pattern: endpointPattern(rule.endpoint, where), from: where };
}

const idOf = (set: PermissionSet) => ('group_id' in set ? `group ${set.group_id}` : `record ${set.id}`);

/** The record and every group it inherits, each once, in a stable order; a cycle or an unknown group is an error. */
function permissionSets(record: AuthRecord, groups: ReadonlyMap<string, GroupRecord>): PermissionSet[] {
  const out: PermissionSet[] = [record];
  const done = new Set<string>();
  const visit = (ids: readonly string[] | undefined, stack: readonly string[], from: string) => {
    for (const id of ids ?? []) {
      const at = { set: from, group: id };
      if (stack.includes(id)) throw authConfig(`${from}: group cycle ${[...stack, id].join(' → ')}`, at);
      if (done.has(id)) continue;
      const group = groups.get(id);
      if (!group) throw authConfig(`${from}: unknown group_id '${id}'`, at);
      visit(group.groups, [...stack, id], `group ${id}`);
      done.add(id);
      out.push(group);
    }
  };
  visit(record.groups, [], idOf(record));
  return out;
}

/** An auth record merged with every group it inherits into one role (docs/reference/permissions.md#roles). */
export function buildRole(
  record: AuthRecord,
  type: RecordType,
  groups: ReadonlyMap<string, GroupRecord>,
  caller: Caller,
  itemRoles?: ItemRoles,
): Role {
  const sets = permissionSets(record, groups);
  // A role checks the row after an update against its update_check_filters if any of its sets declares them (an
  // empty list included: "no check beyond the read filters"), else against its update_filters (docs/reference/permissions.md#writes).
  const declaresCheck = sets.some((s) => s.update_check_filters !== undefined);
  const own = sets.map((set) => setPermissions(set, declaresCheck, caller, itemRoles));
  const filters = andPerAction(own.map((p) => p.filters));
  checkExpressionLimits(filters, idOf(record));
  return {
    id: record.id,
    type,
    groups: sets.slice(1).map((s) => (s as GroupRecord).group_id),
    endpoints: own.flatMap((p) => p.endpoints),
    filters,
    exclude: union(sets.map((s) => s.exclude_fields)),
    restricted: union(sets.map((s) => s.update_fields_restricted)),
    permitted: permittedFields(sets),
    explain: sets.some((s) => s.explain === true),
  };
}

const ACTIONS: readonly Action[] = ['read', 'create', 'update', 'updateCheck', 'delete'];

/** One set's endpoint rules, compiled, and its row filters per action: `filter_fields` AND the action's own. */
function setPermissions(
  set: PermissionSet,
  declaresCheck: boolean,
  caller: Caller,
  itemRoles: ItemRoles | undefined,
): { endpoints: EndpointGrant[]; filters: Record<Action, Pred[]> } {
  const where = idOf(set);
  const endpoints = (set.permitted_endpoints ?? []).map((rule) => endpointGrant(rule, where));
  const preds = (entries: PermissionSet['filter_fields']) => entriesToPred(entries, caller, where, itemRoles);
  const common = preds(set.filter_fields);
  const filters = {
    read: [common, preds(set.read_filters)],
    create: [common, preds(set.create_filters)],
    update: [common, preds(set.update_filters)],
    updateCheck: [common, preds(declaresCheck ? set.update_check_filters : set.update_filters)],
    delete: [common, preds(set.delete_filters)],
  };
  return { endpoints, filters };
}

/** The role's filter per action: every set's, AND-ed. */
function andPerAction(perSet: readonly Record<Action, Pred[]>[]): Record<Action, Pred> {
  const out = {} as Record<Action, Pred>;
  for (const action of ACTIONS) out[action] = and(perSet.flatMap((f) => f[action]));
  return out;
}

/** Role filters go into DynamoDB expressions: past DynamoDB's limits they are an error in the records. */
function checkExpressionLimits(filters: Record<Action, Pred>, where: string): void {
  for (const f of Object.values(filters)) {
    if (typeof f === 'boolean') continue;
    try {
      checkLimits([compileFilter(f).expression], [f]);
    } catch (err) {
      const why = (err as Error).message.replace(/^the query /, '');
      throw authConfig(`${where}: filters exceed DynamoDB's expression limits (${why})`, { limits: true });
    }
  }
}

const union = (lists: readonly (readonly string[] | undefined)[]): string[] => [
  ...new Set(lists.flatMap((l) => l ?? [])),
];

/** Fields the role may update: undefined when no set lists any (every field not restricted). */
function permittedFields(sets: readonly PermissionSet[]): string[] | undefined {
  const lists = sets.map((s) => s.update_fields_permitted).filter((l) => l !== undefined);
  return lists.length === 0 ? undefined : union(lists);
}

/** What the lookup asked for: an API key id, or a user and their group claims. */
export type Lookup = { kind: 'api_key'; keyId: string } | { kind: 'user'; userId: string; groups: readonly string[] };

export function lookupOf(caller: Caller): Lookup | undefined {
  if (caller.id === undefined) return undefined;
  return caller.kind === 'api_key'
    ? { kind: 'api_key', keyId: caller.id }
    : { kind: 'user', userId: caller.id, groups: caller.groups };
}

/** The ids to read from the auth table for a lookup. */
export const lookupIds = (l: Lookup): string[] =>
  l.kind === 'api_key' ? [l.keyId] : [...new Set([l.userId, ...l.groups])];

export interface Selected {
  applicable: { record: AuthRecord; type: RecordType }[];
  /** records found under a wanted id but of another type (or none): ignored, and logged by the caller */
  ignored: { id: string; type: string | undefined; wanted: RecordType }[];
}

/** A record applies only to a lookup of its own type (docs/reference/permissions.md#records-apply-only-to-their-own-type): a user named like a group never gets its record. */
export function selectRecords(lookup: Lookup, found: ReadonlyMap<string, AuthRecord>): Selected {
  const out: Selected = { applicable: [], ignored: [] };
  const want = (id: string, type: RecordType) => {
    const record = found.get(id);
    if (!record) return;
    if (record.type === type) out.applicable.push({ record, type });
    else out.ignored.push({ id, type: record.type, wanted: type });
  };
  if (lookup.kind === 'api_key') want(lookup.keyId, 'API_KEY');
  else {
    want(lookup.userId, 'USERNAME');
    for (const g of new Set(lookup.groups)) want(g, 'OIDC_GROUP');
  }
  return out;
}

/** DEFAULT_ROLE and ANONYMOUS_ROLE (docs/reference/permissions.md#roles): ids of auth records of type ROLE. */
export interface RoleSettings {
  defaultRole: string | undefined;
  anonymousRole: string | undefined;
}

/** The record a setting adds to a request: which setting, and the auth record id it names. */
export interface NamedRole {
  setting: 'DEFAULT_ROLE' | 'ANONYMOUS_ROLE';
  id: string;
}

/**
 * A caller with an identity (a lookup) also gets DEFAULT_ROLE; a request without one gets ANONYMOUS_ROLE alone.
 * Either may be unset.
 */
export function namedRoleFor(lookup: Lookup | undefined, settings: RoleSettings): NamedRole | undefined {
  const [setting, id] = lookup
    ? (['DEFAULT_ROLE', settings.defaultRole] as const)
    : (['ANONYMOUS_ROLE', settings.anonymousRole] as const);
  return id === undefined ? undefined : { setting, id };
}

/**
 * The record a setting names. It must exist and be of type ROLE, the type no identity lookup finds, so that the
 * setting cannot hand out (or be taken over by) a key's, user's or group's record. Otherwise AUTH_CONFIG.
 */
export function selectNamedRole(
  named: NamedRole,
  found: ReadonlyMap<string, AuthRecord>,
): { record: AuthRecord; type: 'ROLE' } {
  const record = found.get(named.id);
  if (!record) throw authConfig(`${named.setting} names auth record ${named.id}, which does not exist`);
  if (record.type !== 'ROLE') {
    throw authConfig(`${named.setting} names auth record ${named.id} of type ${record.type ?? '(none)'}, not ROLE`);
  }
  return { record, type: 'ROLE' };
}

/** An API key caller's username, email and name come from its record (docs/reference/identity.md#what-each-source-gives). */
export function withRecordIdentity(caller: Caller, selected: Selected): Caller {
  if (caller.kind !== 'api_key') return caller;
  const record = selected.applicable[0]?.record;
  if (!record) return caller;
  return {
    ...caller,
    ...(record.username !== undefined ? { username: record.username } : {}),
    ...(record.email !== undefined ? { email: record.email } : {}),
    ...(record.name !== undefined ? { name: record.name } : {}),
  };
}

/**
 * The caller's roles from the records that apply to them (docs/reference/permissions.md#roles): the server, `scoutr check` and
 * `loadPolicy` all merge permissions here.
 */
export function rolesFor(
  caller: Caller,
  selected: Selected,
  groups: ReadonlyMap<string, GroupRecord>,
  itemRoles?: ItemRoles,
): { caller: Caller; roles: Role[] } {
  const who = withRecordIdentity(caller, selected);
  return { caller: who, roles: selected.applicable.map((a) => buildRole(a.record, a.type, groups, who, itemRoles)) };
}
