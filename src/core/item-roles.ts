import * as z from 'zod/mini';
import { forbidden, invalidBody, ScoutrError } from './errors';
import { type Filter, or, type Pred } from './filter/types';
import type { AttributeValue, Item } from './values';

// docs/reference/item-roles.md#who-holds-what: roles on single items. The item's `_acl` (role → string set of user ids) is the truth for every
// decision; the grants table only serves "what may I see" lists.

export const ACL = '_acl';

/** The app config's declaration (docs/reference/item-roles.md#declaring-item-roles). */
export interface ItemRolesConfig {
  roles: string[];
  /** transitive: `{ own: ['edit'], edit: ['view'] }` means own ⇒ edit ⇒ view */
  implies?: Record<string, string[]>;
  /** what the creator of an item receives */
  creator?: string[];
  /** who may grant (and revoke) what */
  grants?: GrantRule[];
}
export interface GrantRule {
  requires: string;
  grants: string[];
}

/** The declaration checked and closed: every role's implied set and the roles implying it, each including itself. */
export interface ItemRoles {
  roles: readonly string[];
  /** role → every role it implies (itself included) */
  implied: ReadonlyMap<string, ReadonlySet<string>>;
  /** role → every role that implies it (itself included): holding any of them is holding it */
  impliers: ReadonlyMap<string, ReadonlySet<string>>;
  creator: readonly string[];
  rules: readonly GrantRule[];
}

const ROLE_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/** Checks the declaration at startup: an undeclared role anywhere, a bad name or a cycle in `implies` is an error. */
export function checkItemRoles(config: ItemRolesConfig): ItemRoles {
  const fail = (message: string) => new Error(`itemRoles: ${message}`);
  if (!Array.isArray(config.roles) || config.roles.length === 0) throw fail('roles must list at least one role');
  const declared = new Set<string>();
  for (const r of config.roles) {
    if (typeof r !== 'string' || !ROLE_NAME.test(r)) throw fail(`role name '${String(r)}' is not a plain name`);
    if (declared.has(r)) throw fail(`role '${r}' is declared twice`);
    declared.add(r);
  }
  const known = (r: string, where: string) => {
    if (!declared.has(r)) throw fail(`${where} names the undeclared role '${r}'`);
  };
  const implies = config.implies ?? {};
  for (const [r, list] of Object.entries(implies)) {
    known(r, 'implies');
    for (const s of list) known(s, `implies.${r}`);
  }
  for (const r of config.creator ?? []) known(r, 'creator');
  (config.grants ?? []).forEach((rule, i) => {
    known(rule.requires, `grants[${i}].requires`);
    if (!Array.isArray(rule.grants) || rule.grants.length === 0) throw fail(`grants[${i}].grants must list a role`);
    for (const g of rule.grants) known(g, `grants[${i}].grants`);
  });
  const implied = new Map<string, Set<string>>();
  const close = (r: string, stack: readonly string[]): Set<string> => {
    if (stack.includes(r)) throw fail(`implies has a cycle: ${[...stack, r].join(' ⇒ ')}`);
    const done = implied.get(r);
    if (done) return done;
    const out = new Set([r]);
    // Own keys only: a role named `constructor` or `toString` implies nothing unless the config says so.
    const direct = Object.hasOwn(implies, r) ? implies[r]! : [];
    for (const s of direct) for (const t of close(s, [...stack, r])) out.add(t);
    implied.set(r, out);
    return out;
  };
  for (const r of config.roles) close(r, []);
  const impliers = new Map<string, Set<string>>(config.roles.map((r) => [r, new Set<string>()]));
  for (const [r, set] of implied) for (const s of set) impliers.get(s)!.add(r);
  return { roles: config.roles, implied, impliers, creator: config.creator ?? [], rules: config.grants ?? [] };
}

/** The item's direct grants: role → user ids (sorted), from its `_acl`. */
export function aclOf(item: Item): Record<string, string[]> {
  const acl = item[ACL];
  if (!acl || !('M' in acl)) return {};
  const out: Record<string, string[]> = {};
  for (const [role, v] of Object.entries(acl.M)) if ('SS' in v && v.SS.length > 0) out[role] = [...v.SS].sort();
  return out;
}

/** The `_acl` attribute for direct grants (DynamoDB sets cannot be empty: a role nobody holds is left out). */
export function aclValue(acl: Readonly<Record<string, readonly string[]>>): AttributeValue {
  const M: Record<string, AttributeValue> = {};
  for (const [role, users] of Object.entries(acl)) if (users.length > 0) M[role] = { SS: [...users].sort() };
  return { M };
}

/** A user's direct roles on an item. */
export const directRoles = (acl: Readonly<Record<string, readonly string[]>>, user: string): string[] =>
  Object.entries(acl)
    .filter(([, users]) => users.includes(user))
    .map(([role]) => role);

/** The roles a user holds on an item: the direct ones and every role they imply. None without a user id. */
export function heldRoles(roles: ItemRoles, item: Item, user: string | undefined): Set<string> {
  const out = new Set<string>();
  if (user === undefined) return out;
  for (const r of directRoles(aclOf(item), user)) for (const s of roles.implied.get(r) ?? [r]) out.add(s);
  return out;
}

/**
 * The filter entry `{"item_role": "view"}` for a caller: the items on which they hold it, i.e. their id is in
 * `_acl[s]` for `view` or any role implying it. A caller without a user id holds nothing: no item matches.
 */
export function itemRolePred(roles: ItemRoles, role: string, user: string | undefined): Pred {
  if (user === undefined) return false;
  const holders = roles.impliers.get(role);
  if (!holders) throw new Error(`undeclared item role '${role}'`);
  return or([...holders].sort().map((s): Filter => ({ op: 'member', field: `${ACL}.${s}`, value: { S: user } })));
}

/**
 * Whether a condition is `itemRolePred` of some role for `user`: `member(_acl.<s>, user)` (a string set holding the
 * id), or an OR of them. Only itemRolePred builds such a condition: query parameters and role records cannot name a
 * field starting with `_`, and no query operator is `member`.
 */
export function isItemRolePred(f: Filter, user: string): boolean {
  const one = (c: Filter) =>
    c.op === 'member' &&
    c.field.startsWith(`${ACL}.`) &&
    !c.field.slice(ACL.length + 1).includes('.') &&
    c.value.S === user;
  return f.op === 'or' ? f.children.every(one) : one(f);
}

/**
 * Whether every row visible through these read filters needs an item role of `user` (docs/reference/item-roles.md#planning-what-a-list-costs):
 * each filter is `false` (it shows nothing) or has an item-role conjunct, and one is not `false`. Such a list is
 * served from the caller's grants rows. Without a user id nobody holds an item role.
 */
export function needsItemRole(readFilters: readonly Pred[], user: string | undefined): boolean {
  if (user === undefined) return false;
  const live = readFilters.filter((f) => f !== false);
  return (
    live.length > 0 &&
    live.every((f) => f !== true && (f.op === 'and' ? f.children : [f]).some((c) => isItemRolePred(c, user)))
  );
}

/** The body of POST /{item}/{id}/grants (docs/reference/item-roles.md#granting-and-revoking), checked: a 400 names the field. */
export interface GrantRequest {
  user: string;
  grants: string[];
  requires: string | undefined;
  revoke: boolean;
}

const MAX_USER_BYTES = 1024;
/** POST /{item}/{id}/grants's body (docs/reference/item-roles.md#granting-and-revoking): its one definition, for the action and for openapi.json. */
export const GrantBodySchema = z.strictObject({
  user: z.string().check(
    z.minLength(1),
    z.refine((u) => Buffer.byteLength(u) <= MAX_USER_BYTES, `at most ${MAX_USER_BYTES} bytes`),
  ),
  grants: z.array(z.string()).check(z.minLength(1)),
  requires: z.optional(z.string()),
  revoke: z.optional(z.boolean()),
});
/** What each field must be, as a 400 names it; a role that is not a string is as unknown as a misspelt one. */
const GRANT_FIELD_MESSAGES: Record<keyof z.infer<typeof GrantBodySchema>, (raw: unknown) => string> = {
  user: () => 'a non-empty string (the user id) is required',
  grants: () => 'a non-empty list of roles is required',
  requires: (raw) => `unknown role '${String(raw)}'`,
  revoke: () => 'true or false',
};

/** The body checked by its schema, then its roles by the declaration; the first problem is a 400 naming its field. */
export function parseGrantRequest(roles: ItemRoles, body: unknown): GrantRequest {
  const bad = (field: string, message: string) => invalidBody(`${field}: ${message}`, { field });
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw invalidBody('body must be a JSON object');
  const parsed = GrantBodySchema.safeParse(body);
  if (!parsed.success) {
    const issues = parsed.error.issues;
    const unknown = issues.find((i) => i.code === 'unrecognized_keys');
    if (unknown) throw bad(String(unknown.keys[0]), 'not a field of a grant');
    const raw = body as Record<string, unknown>;
    for (const field of Object.keys(GRANT_FIELD_MESSAGES) as (keyof typeof GRANT_FIELD_MESSAGES)[]) {
      const issue = issues.find((i) => i.path[0] === field);
      if (!issue) continue;
      if (field === 'grants' && typeof issue.path[1] === 'number') {
        throw bad(field, `unknown role '${String((raw.grants as unknown[])[issue.path[1]])}'`);
      }
      throw bad(field, issue.code === 'custom' ? issue.message : GRANT_FIELD_MESSAGES[field](raw[field]));
    }
    throw invalidBody('body is not a grant');
  }
  const b = parsed.data;
  for (const g of b.grants) if (!roles.impliers.has(g)) throw bad('grants', `unknown role '${g}'`);
  if (b.requires !== undefined && !roles.impliers.has(b.requires))
    throw bad('requires', `unknown role '${b.requires}'`);
  return { user: b.user, grants: [...new Set(b.grants)], requires: b.requires, revoke: b.revoke === true };
}

/** The rules whose `requires` the caller holds (restricted to `requires` when given) and that cover every role. */
export function rulesAllowing(
  roles: ItemRoles,
  held: ReadonlySet<string>,
  wanted: readonly string[],
  requires: string | undefined,
): GrantRule[] {
  return roles.rules.filter(
    (rule) =>
      held.has(rule.requires) &&
      (requires === undefined || rule.requires === requires) &&
      wanted.every((g) => rule.grants.includes(g)),
  );
}

/** May the caller change grants of these roles? 403 otherwise (docs/reference/item-roles.md#order-of-checks: after the 404). */
export function checkGrantAllowed(roles: ItemRoles, held: ReadonlySet<string>, req: GrantRequest): void {
  if (req.requires !== undefined && !held.has(req.requires)) {
    throw forbidden(`You do not hold '${req.requires}' on this item`);
  }
  if (rulesAllowing(roles, held, req.grants, req.requires).length === 0) {
    throw forbidden(
      `No grant rule of a role you hold lets you ${req.revoke ? 'revoke' : 'grant'} ${req.grants.join(', ')}`,
    );
  }
}

/** Whether someone may read an item's grants: they hold a role that is the `requires` of some rule. */
export const mayReadGrants = (roles: ItemRoles, held: ReadonlySet<string>): boolean =>
  roles.rules.some((rule) => held.has(rule.requires));

/** The direct grants after the request, and whether anything changed. */
export function applyGrant(
  acl: Readonly<Record<string, readonly string[]>>,
  req: GrantRequest,
): { acl: Record<string, string[]>; changed: boolean } {
  const out: Record<string, string[]> = Object.fromEntries(Object.entries(acl).map(([r, u]) => [r, [...u]]));
  let changed = false;
  for (const role of req.grants) {
    const users = out[role] ?? [];
    const has = users.includes(req.user);
    if (req.revoke && has) {
      out[role] = users.filter((u) => u !== req.user);
      changed = true;
    } else if (!req.revoke && !has) {
      out[role] = [...users, req.user].sort();
      changed = true;
    }
    if (out[role]?.length === 0) delete out[role];
  }
  return { acl: out, changed };
}

/**
 * A revoke never takes a role from a user who holds a role the caller's rule could not grant (docs/reference/item-roles.md#nobody-above-you): an editor
 * who may grant `view` cannot take `view` from the owner. Some rule allowing the request must grant every role the
 * user holds (directly or implied); 403 otherwise, whether or not the revoke would change anything.
 */
export function checkRevokeTarget(
  roles: ItemRoles,
  held: ReadonlySet<string>,
  req: GrantRequest,
  target: ReadonlySet<string>,
): void {
  if (!req.revoke) return;
  const rules = rulesAllowing(roles, held, req.grants, req.requires);
  if (rules.some((rule) => [...target].every((r) => rule.grants.includes(r)))) return;
  const beyond = [...target].filter((r) => !rules.some((rule) => rule.grants.includes(r))).sort();
  throw forbidden(`You may not revoke roles of a user who holds ${beyond.join(', ')}, which your rule cannot grant`);
}

/** The roles whose holders may grant every declared role (the `requires` of a rule granting all of them). */
const fullGrantors = (roles: ItemRoles): string[] =>
  roles.rules.filter((rule) => roles.roles.every((r) => rule.grants.includes(r))).map((r) => r.requires);

/**
 * The users who manage an item: they hold a role whose rule grants every role, and they read the item. `reads` says
 * whether a user with these direct grants reads it (the caller's read rules decide: docs/reference/item-roles.md#the-lockout-rule).
 */
export function managers(
  roles: ItemRoles,
  acl: Readonly<Record<string, readonly string[]>>,
  reads: (user: string) => boolean,
): string[] {
  const full = fullGrantors(roles);
  const out = new Set<string>();
  for (const [role, users] of Object.entries(acl)) {
    if (full.some((f) => roles.implied.get(role)?.has(f))) for (const u of users) out.add(u);
  }
  return [...out].filter(reads).sort();
}

/**
 * The lockout rule (docs/reference/item-roles.md#the-lockout-rule): after a grant or revoke, some user must still hold a role that both reads the item
 * and grants every role, else nobody could see and manage it again. 409 LAST_OWNER otherwise. An item that had no
 * such user before (written by others, or an app whose rules grant no role every role) is left as it is.
 */
export function checkNotLastOwner(
  roles: ItemRoles,
  before: Readonly<Record<string, readonly string[]>>,
  after: Readonly<Record<string, readonly string[]>>,
  reads: (acl: Readonly<Record<string, readonly string[]>>, user: string) => boolean = () => true,
): void {
  if (fullGrantors(roles).length === 0) return;
  const had = managers(roles, before, (u) => reads(before, u));
  if (had.length > 0 && managers(roles, after, (u) => reads(after, u)).length === 0) {
    throw new ScoutrError(
      'LAST_OWNER',
      'This change would leave the item with nobody who can both read it and grant every role',
    );
  }
}

/** Each user's direct roles: the rows of the grants table for an item. */
export function grantRows(acl: Readonly<Record<string, readonly string[]>>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [role, users] of Object.entries(acl)) for (const u of users) out.set(u, [...(out.get(u) ?? []), role]);
  for (const roles of out.values()) roles.sort();
  return out;
}
