import type { AppConfig } from '../app';
import type { Caller } from '../caller';
import { type ErrorCode, ScoutrError } from '../errors';
import { matches } from '../filter/evaluate';
import type { Pred } from '../filter/types';
import {
  ACL,
  aclValue,
  checkGrantAllowed,
  checkItemRoles,
  type GrantRequest,
  heldRoles,
  type ItemRoles,
  mayReadGrants,
  parseGrantRequest,
} from '../item-roles';
import { fromJson, plainToJson } from '../json';
import { pathsOverlap } from '../query/names';
import {
  findRoute,
  itemRoute,
  type Route,
  type RouteMatch,
  routesFor,
  templateParams,
  uniqueRoutes,
  type Verb,
} from '../routes';
import type { AttributeValue, Item } from '../values';
import {
  applyChanges,
  fieldsNoRoleMayUpdate,
  rolesAllowingCreate,
  rolesAllowingDelete,
  rolesAllowingUpdate,
  rolesMayUpdateRow,
} from '../write';
import {
  canSeeRow,
  checkVisible,
  countingRoles,
  explainPermission,
  grantFor,
  type ReadScope,
  readScope,
} from './access';
import { type EndpointGrant, lookupOf, type Role } from './roles';

export interface Decision {
  allowed: boolean;
  reason: string;
  /** when denied: the error the server answers (NOT_FOUND no such route or row, UNAUTHENTICATED, FORBIDDEN, INVALID_BODY) */
  code?: DeniedCode;
  /** the roles that counted: those permitting (method, path) */
  roles: string[];
  /** the endpoint rule that decided, when one did */
  rule?: { role: string; method: string; endpoint: string; from: string };
  /** the app's route the request takes, and what it runs (a custom action runs a create, update or delete) */
  route?: { method: string; path: string; verb: Verb; action?: string; runs?: string };
  /** rows visible (OR of the counting roles' read filters) and fields hidden */
  filter: Pred;
  hidden: string[];
  /** with an item: whether that row is visible, and whether the request may change it */
  item?: { visible: boolean; changeable?: boolean };
}

/** The app's routes as decisions need them (docs/reference/endpoints.md#routes, docs/reference/app-config.md#the-module): which verb a method and path is. */
export interface DecisionRoutes {
  routes: readonly Route[];
  /** `/item`: an item's visibility is decided on GET `/item/<id>`, as the server decides it */
  itemRoute: string;
  /** the app's own routes: a path none matches is then 404, as the server answers */
  fromApp: boolean;
  itemRoles: ItemRoles | undefined;
  /** unique routes' fields: `/types` → `type` */
  uniqueFields: ReadonlyMap<string, string>;
}

/**
 * The routes of an app config; without one, the default routes (`/items`, `/item/{id}`, ...), where a path none of
 * them matches is decided on its endpoint rules, and with an item as GET reads, DELETE deletes and any other method
 * updates it (a custom action runs an update unless it says otherwise).
 */
export function decisionRoutes(app: AppConfig | undefined, itemRoles?: ItemRoles): DecisionRoutes {
  const config = app ?? {};
  return {
    routes: routesFor(config),
    itemRoute: itemRoute(config),
    fromApp: app !== undefined,
    itemRoles: itemRoles ?? (config.itemRoles ? checkItemRoles(config.itemRoles) : undefined),
    uniqueFields: new Map([...uniqueRoutes(config)].map(([path, r]) => [path, r.field])),
  };
}

/** What the caller asks: a method on a canonical path, with the stored item (for a create, the new one). */
export interface Attempt {
  caller: Caller;
  method: string;
  path: string;
  item?: Item | undefined;
  /** the request body: an update's changes, a create's item, a grant; a custom action's change as it makes it */
  body?: Record<string, unknown> | undefined;
}

/** What a denied decision answers: the refusals of docs/reference/permissions.md#order-of-checks, up to the row. */
export type DeniedCode = Extract<ErrorCode, 'INVALID_BODY' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND'>;

export type EndpointOutcome = { counting: Role[] } | { code: 'UNAUTHENTICATED' | 'FORBIDDEN'; reason: string };

/**
 * docs/reference/permissions.md#which-roles-count: the roles that permit (method, canonical path) count; none → 403 before any data is read,
 * but 401 to a request that carried no identity (signing in may help), and 401 to a caller without any role. `/user`
 * and `/user/has-permission` (open) need no rule. The server and decide() both authorize here.
 */
export function authorizeEndpoint(
  roles: readonly Role[],
  caller: Caller,
  method: string,
  path: string,
  open = false,
): EndpointOutcome {
  if (roles.length === 0) return { code: 'UNAUTHENTICATED', reason: 'no role applies to this identity' };
  if (open) return { counting: [...roles] };
  const counting = countingRoles(roles, method, path);
  if (counting.length > 0) return { counting };
  return {
    code: lookupOf(caller) ? 'FORBIDDEN' : 'UNAUTHENTICATED',
    reason: explainPermission(roles, method, path).reason,
  };
}

const describeRule = (role: Role, g: EndpointGrant) => ({
  role: role.id,
  method: g.method,
  endpoint: g.endpoint,
  from: g.from,
});

const FALLBACK: Record<string, Verb> = { GET: 'get', DELETE: 'delete', POST: 'update', PUT: 'update', PATCH: 'update' };
const OPEN = new Set<Verb>(['user', 'hasPermission']);
const LISTS = new Set<Verb>(['list', 'unique', 'search']);

/** Body values as a write stores them: `null` removes (updates only). */
const valuesOf = (body: Record<string, unknown>): Record<string, AttributeValue | null> =>
  Object.fromEntries(Object.entries(body).map(([k, v]) => [k, v === null ? null : fromJson(plainToJson(v))]));

/** A request being decided, once its route and the roles counting for it are known. */
interface Asked {
  method: string;
  attempt: Attempt;
  table: DecisionRoutes;
  match: RouteMatch | undefined;
  verb: Verb;
  roles: readonly Role[];
  counting: Role[];
  scope: ReadScope;
  /** the decision when nothing below refuses */
  base: Decision;
}

/** A refusal before any role counted: no route, or the endpoint rules (UNAUTHENTICATED, FORBIDDEN). */
const denied = (code: DeniedCode, reason: string, extra: Partial<Decision> = {}): Decision => ({
  allowed: false,
  reason,
  code,
  roles: [],
  filter: false,
  hidden: [],
  ...extra,
});

/** A refusal after the endpoint allowed the request; with the row, whether it was visible and changeable. */
const refused = (
  base: Decision,
  code: DeniedCode,
  reason: string,
  visible?: boolean,
  changeable?: boolean,
): Decision => ({
  ...base,
  allowed: false,
  reason,
  code,
  ...(visible === undefined ? {} : { item: changeable === undefined ? { visible } : { visible, changeable } }),
});

/** The decision with the row's verdict: visible, and changeable when the request would change it. */
const withItem = (base: Decision, changeable?: boolean): Decision => ({
  ...base,
  item: changeable === undefined ? { visible: true } : { visible: true, changeable },
});

/**
 * What the server decides for (roles, method, canonical path), and with the item and the body, in memory: the route
 * it takes (a custom action under the rules of the write it runs), then the same functions the actions call, in
 * docs/reference/permissions.md#order-of-checks (404 route → 401 → 403 endpoint → 403 fields → 404 row → 403 row). `scoutr check` and
 * `loadPolicy` answer with it; the property test test/integration/core/decide-agreement.test.ts holds it to the
 * server's answers on every example.
 *
 * Without a body an update is decided on the stored row alone (its read and update filters: PostgreSQL's USING);
 * the row after the change (update_check_filters) needs the change.
 */
export function decide(roles: readonly Role[], attempt: Attempt, table: DecisionRoutes): Decision {
  const method = attempt.method.toUpperCase();
  const match = findRoute(table.routes, method, attempt.path.replace(/^\/+/, '').split('/'));
  if (!match && table.fromApp) return denied('NOT_FOUND', `no route of the app matches ${method} ${attempt.path}`);
  const verb = verbOf(match?.route, method);
  const route = match && shownRoute(match.route);
  const outcome = authorizeEndpoint(roles, attempt.caller, method, attempt.path, OPEN.has(verb));
  if ('code' in outcome) return denied(outcome.code, outcome.reason, route ? { route } : {});
  const { counting } = outcome;
  const scope = readScope(counting);
  const base = allowed(counting, scope, method, attempt.path, verb, route);
  if (OPEN.has(verb) || (verb === 'audit' && match?.params.item === undefined)) return base;
  const asked: Asked = { method, attempt, table, match, verb, roles, counting, scope, base };
  if (LISTS.has(verb) || verb === 'audit' || verb === 'history') return decideRead(asked);
  return decideOnItem(asked);
}

/** The verb a route runs: a custom action runs a create, update or delete; without a route, by its method. */
const verbOf = (route: Route | undefined, method: string): Verb =>
  route ? (route.verb === 'custom' ? (route.runs ?? 'update') : route.verb) : (FALLBACK[method] ?? 'get');

const shownRoute = (route: Route): NonNullable<Decision['route']> => ({
  method: route.method,
  path: route.path,
  verb: route.verb,
  ...(route.action !== undefined ? { action: route.action } : {}),
  ...(route.runs !== undefined ? { runs: route.runs } : {}),
});

/** The decision once the endpoint allows the request: the roles that count, the rule, the rows and fields they see. */
function allowed(
  counting: Role[],
  scope: ReadScope,
  method: string,
  path: string,
  verb: Verb,
  route: Decision['route'],
): Decision {
  const grant = counting[0] && grantFor(counting[0], method, path);
  return {
    allowed: true,
    reason: OPEN.has(verb)
      ? `every caller with a role may call ${method} ${path}`
      : explainPermission(counting, method, path).reason,
    roles: counting.map((r) => r.id),
    ...(grant ? { rule: describeRule(counting[0]!, grant) } : {}),
    ...(route ? { route } : {}),
    filter: scope.filter,
    hidden: scope.hidden,
  };
}

/**
 * A list, search, unique listing, `/audit/{item}` or `/history/{item}`. A path filter, search or unique listing on a
 * hidden path is 403 (docs/reference/query-language.md#names-and-nesting), before any row is read; then a list answers 200 with or without the row,
 * while `/audit/{item}` and `/history/{item}` are 404 for a hidden one.
 */
function decideRead({ verb, match, table, scope, base, attempt }: Asked): Decision {
  if (LISTS.has(verb) && match) {
    const fields =
      verb === 'unique'
        ? [table.uniqueFields.get(match.route.path)].filter((f) => f !== undefined)
        : templateParams(match.route.path)
            .filter((p) => p !== 'search_value')
            .map((p) => (p === 'search_key' ? match.params.search_key! : p));
    const blocked = fields.filter((f) => scope.hidden.some((h) => pathsOverlap(f, h)));
    if (blocked.length > 0) return refused(base, 'FORBIDDEN', `field not permitted: ${blocked.join(', ')}`);
  }
  if (!attempt.item) return base;
  const visible = matches(scope.filter, attempt.item);
  if (!visible && !LISTS.has(verb)) return refused(base, 'NOT_FOUND', 'the row is outside the read filters', false);
  return { ...base, item: { visible } };
}

/**
 * A create, or a get, update, delete or grant on one row. checkVisible and the grant checks speak as the server does:
 * their INVALID_BODY or FORBIDDEN is the decision.
 */
function decideOnItem(asked: Asked): Decision {
  const seen = { row: false }; // whether the row was found visible before a check threw
  try {
    return asked.verb === 'create' ? decideCreate(asked) : decideOnRow(asked, seen);
  } catch (err) {
    if (err instanceof ScoutrError && (err.code === 'INVALID_BODY' || err.code === 'FORBIDDEN')) {
      return refused(asked.base, err.code, err.message, seen.row, false);
    }
    throw err;
  }
}

/** A create: no hidden field in the new item, which some counting role may create as its creator receives it. */
function decideCreate({ attempt, table, scope, counting, base }: Asked): Decision {
  const { body, item, caller } = attempt;
  const values = (body ? valuesOf(body) : item) as Item | undefined;
  if (!values) return base;
  checkVisible(
    Object.keys(values).filter((f) => f !== ACL),
    scope.hidden,
    'field',
  );
  // The creator receives the app's creator roles on the new item (docs/reference/item-roles.md#creating): the checks see them so.
  const creator = table.itemRoles?.creator ?? [];
  const made: Item =
    creator.length > 0 && caller.id !== undefined
      ? { ...values, [ACL]: aclValue(Object.fromEntries(creator.map((r) => [r, [caller.id!]]))) }
      : values;
  return rolesAllowingCreate(counting, made).length > 0
    ? withItem(base, true)
    : refused(base, 'FORBIDDEN', 'no role may create this item', false, false);
}

/**
 * A get, update, delete or grant on the stored row. A body naming a field the caller cannot see is 403 even when
 * unchanged, before the row is looked at; a grant's body is parsed (400) before it too. Then the row must be visible
 * (else 404), and some counting role must allow the change (else 403).
 */
function decideOnRow(asked: Asked, seen: { row: boolean }): Decision {
  const { attempt, table, scope, counting, base, verb, method, roles } = asked;
  const { body, item } = attempt;
  const changes = verb === 'update' && body ? valuesOf(body) : undefined;
  if (changes) checkVisible(Object.keys(changes), scope.hidden, 'field');
  const grantRequest =
    verb === 'grants' && method !== 'GET' && body && table.itemRoles
      ? parseGrantRequest(table.itemRoles, body)
      : undefined;
  if (!item) return base;
  if (!canSeeRow(roles, counting, itemPathOf(asked), item)) {
    return refused(base, 'NOT_FOUND', 'the row is outside the read filters', false, verb === 'get' ? undefined : false);
  }
  seen.row = true;
  if (verb === 'get') return withItem(base);
  if (verb === 'grants') return decideGrants(asked, item, grantRequest);
  if (verb === 'delete') {
    return rolesAllowingDelete(counting, item).length > 0
      ? withItem(base, true)
      : refused(base, 'FORBIDDEN', 'no role may delete this row', true, false);
  }
  const allowing = changes ? updaters(counting, item, changes) : rolesMayUpdateRow(counting, item);
  if (allowing.length > 0) return withItem(base, true);
  // as the server's 403 says it (actions/update.ts): the fields no counting role may update, when there are some
  const fields = changes ? fieldsNoRoleMayUpdate(counting, Object.keys(changes)) : [];
  const reason = fields.length > 0 ? `not permitted to update: ${fields.join(', ')}` : 'no role may change this row';
  return refused(base, 'FORBIDDEN', reason, true, false);
}

/** The item's path as GET answers it (`/item/<id>`): visibility is decided there, as the server decides it. */
function itemPathOf({ match, table, attempt }: Asked): string {
  const params = match?.params ?? {};
  const id = params.id ?? Object.values(params)[0];
  return id === undefined || !match ? attempt.path : `${table.itemRoute}/${id}`;
}

/** The counting roles that allow this change of the row: the row before, the row after, the fields changed. */
function updaters(counting: Role[], item: Item, changes: Record<string, AttributeValue | null>): Role[] {
  const { post, changed } = applyChanges(item, changes);
  return rolesAllowingUpdate(counting, item, post, changed);
}

/** GET or POST `/{item}/{id}/grants` on a visible row (docs/reference/item-roles.md#granting-and-revoking). */
function decideGrants(
  { table, attempt, method, base }: Asked,
  item: Item,
  request: GrantRequest | undefined,
): Decision {
  const held = heldRoles(table.itemRoles!, item, attempt.caller.id);
  if (method === 'GET') {
    return mayReadGrants(table.itemRoles!, held)
      ? withItem(base)
      : refused(base, 'FORBIDDEN', 'you hold no role on this item that may grant', true);
  }
  if (!request) return withItem(base);
  checkGrantAllowed(table.itemRoles!, held, request);
  return withItem(base, true);
}
