import type { AppConfig } from '../app';
import type { Caller } from '../caller';
import { matches } from '../filter/evaluate';
import { ACL, aclValue, checkItemRoles, type ItemRolesConfig } from '../item-roles';
import { fromJson, type JsonOut, plainToJson } from '../json';
import { countingRoles, readScope, visibleJson } from '../permissions/access';
import { type Decision, decide, decisionRoutes } from '../permissions/decide';
import type { AuthRecord, GroupRecord } from '../permissions/record';
import { resolveRoles } from '../permissions/resolve';
import type { Role } from '../permissions/roles';
import type { Item } from '../values';
import { policyRecords } from './records';
import { type PolicyIssue, validatePolicy } from './validate';

/** `key:ID`, `user:ID[:group,group...]` or `anonymous` (docs/reference/policy-file.md#decisions-in-code), or a caller as the server resolves it. */
export type Identity = string | Caller;

export class InvalidPolicy extends Error {
  override readonly name = 'InvalidPolicy';
  constructor(readonly issues: readonly PolicyIssue[]) {
    super(`invalid policy:\n${issues.map((i) => `  ${formatPath(i.path)}: ${i.message}`).join('\n')}`);
  }
}

/** `records.alice.read_filters[0].value` */
export function formatPath(path: readonly (string | number)[]): string {
  return (
    path
      .map((p, i) =>
        typeof p === 'number' ? `[${p}]` : /^[\w-]+$/.test(p) ? `${i === 0 ? '' : '.'}${p}` : `[${JSON.stringify(p)}]`,
      )
      .join('') || '(document)'
  );
}

export function parseIdentity(text: string): Caller {
  if (text === 'anonymous') return { kind: 'anonymous', groups: [] };
  const [kind, id, groups, ...rest] = text.split(':');
  if (kind === 'key' && id && groups === undefined) return { kind: 'api_key', id, groups: [] };
  if (kind === 'user' && id && rest.length === 0) {
    // As a JWT without username or email claims gives it (docs/reference/identity.md#what-each-source-gives).
    return { kind: 'jwt', id, username: id, groups: (groups ?? '').split(',').filter(Boolean) };
  }
  throw new Error(`identity '${text}': expected key:ID, user:ID[:group,group...] or anonymous`);
}

/** Items are plain JSON, as answered; an item's `_acl` (for item roles) is `{role: [user ids]}`. */
export interface Policy {
  /**
   * `{allowed, reason, roles}` and what decided it, on the app's route for (method, path) (PolicyOptions.app); with
   * `item` (the stored item; for a create, the new one), whether that row may be read or changed; with `body` (an
   * update's changes, a create's item, a grant, or the change a custom action makes), the whole write as the server
   * decides it, including the row after an update (update_check_filters).
   */
  can(
    identity: Identity,
    method: string,
    path: string,
    item?: Record<string, unknown>,
    body?: Record<string, unknown>,
  ): Decision;
  /** the items the identity may see on (method, path), without the fields hidden from it */
  filter(identity: Identity, method: string, path: string, items: readonly Record<string, unknown>[]): JsonOut[];
  /** the caller's roles, merged with their groups as the server merges them */
  rolesOf(identity: Identity): { caller: Caller; roles: Role[] };
}

/** A plain item as stored: `_acl`, given as `{role: [user ids]}` (as GET /{item}/{id}/grants answers), is string sets. */
function toItem(plain: Record<string, unknown>): Item {
  const { [ACL]: acl, ...rest } = plain;
  const item = (fromJson(plainToJson(rest)) as { M: Item }).M;
  if (acl === undefined) return item;
  const lists = typeof acl === 'object' && acl !== null && !Array.isArray(acl) ? Object.values(acl) : [acl];
  if (!lists.every((l) => Array.isArray(l) && l.every((u) => typeof u === 'string'))) {
    throw new Error(`${ACL} must map each item role to a list of user ids`);
  }
  return { ...item, [ACL]: aclValue(acl as Record<string, string[]>) };
}

/**
 * A policy document (docs/reference/policy-file.md#decisions-in-code) as decisions, without a database: the records it declares run through the
 * server's own lookup, merge, endpoint matching and in-memory filter evaluation. Throws InvalidPolicy listing
 * every mistake.
 */
export function loadPolicy(doc: unknown, options: PolicyOptions = {}): Policy {
  const { doc: valid, issues } = validatePolicy(doc);
  if (!valid) throw new InvalidPolicy(issues);
  const { records, groups } = policyRecords(valid);
  return policyOf(new Map(records.map((r) => [r.id, r])), new Map(groups.map((g) => [g.group_id, g])), options);
}

/**
 * What the server's configuration adds to the records: its DEFAULT_ROLE and ANONYMOUS_ROLE, and the app config
 * (its routes, so that a custom action is decided under the rules of the write it runs, its item roles, and its own
 * default and anonymous roles where the options name none).
 * Without `app`, the default routes; `itemRoles` alone gives item roles without an app.
 */
export interface PolicyOptions {
  defaultRole?: string | undefined;
  anonymousRole?: string | undefined;
  itemRoles?: ItemRolesConfig | undefined;
  app?: AppConfig | undefined;
}

/** Decisions over records and groups already loaded (from a file, or from the tables for `scoutr check`). */
export function policyOf(
  records: ReadonlyMap<string, AuthRecord>,
  groups: ReadonlyMap<string, GroupRecord>,
  options: PolicyOptions = {},
): Policy {
  // DEFAULT_ROLE and ANONYMOUS_ROLE as given, else the app's own (as the server takes them: core/app.ts roleSettings)
  const settings = {
    defaultRole: options.defaultRole ?? options.app?.defaultRole,
    anonymousRole: options.anonymousRole ?? options.app?.anonymousRole,
  };
  const declared = options.itemRoles ?? options.app?.itemRoles;
  const itemRoles = declared && checkItemRoles(declared);
  const table = decisionRoutes(options.app, itemRoles);
  // The server's own resolution (engine/authorize.ts): the lookup's records, then the role a setting names.
  const rolesOf = (identity: Identity) => {
    const { caller, roles } = resolveRoles(
      typeof identity === 'string' ? parseIdentity(identity) : identity,
      { records, groups },
      settings,
      itemRoles,
    );
    return { caller, roles };
  };
  return {
    rolesOf,
    can(identity, method, path, item, body) {
      const { caller, roles } = rolesOf(identity);
      return decide(roles, { caller, method, path, item: item && toItem(item), body }, table);
    },
    filter(identity, method, path, items) {
      const { roles } = rolesOf(identity);
      const counting = countingRoles(roles, method, path);
      if (counting.length === 0) return [];
      const scope = readScope(counting);
      return items
        .map(toItem)
        .filter((item) => matches(scope.filter, item))
        .map((item) => visibleJson(item, scope.hidden));
    },
  };
}
