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
  heldRoles,
  type ItemRoles,
  mayReadGrants,
  parseGrantRequest,
} from '../item-roles';
import { fromJson, plainToJson } from '../json';
import { pathsOverlap } from '../query/names';
import { findRoute, itemRoute, type Route, routesFor, templateParams, uniqueRoutes, type Verb } from '../routes';
import type { AttributeValue, Item } from '../values';
import {
  applyChanges,
  rolesAllowingCreate,
  rolesAllowingDelete,
  rolesAllowingUpdate,
  rolesMayUpdateRow,
} from '../write';
import { canSeeRow, checkVisible, countingRoles, explainPermission, grantFor, readScope } from './access';
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

/** The app's routes as decisions need them (SPEC.md §5, §8): which verb a method and path is. */
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

/** What a denied decision answers: the refusals of SPEC.md §3's order of checks, up to the row. */
export type DeniedCode = Extract<ErrorCode, 'INVALID_BODY' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND'>;

export type EndpointOutcome = { counting: Role[] } | { code: 'UNAUTHENTICATED' | 'FORBIDDEN'; reason: string };

/**
 * SPEC.md §3 "Per request": the roles that permit (method, canonical path) count; none → 403 before any data is read,
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

/**
 * What the server decides for (roles, method, canonical path), and with the item and the body, in memory: the route
 * it takes (a custom action under the rules of the write it runs), then the same functions the actions call, in
 * SPEC.md §3's order of checks (404 route → 401 → 403 endpoint → 403 fields → 404 row → 403 row). `scoutr check` and
 * `loadPolicy` answer with it; the property test test/integration/core/decide-agreement.test.ts holds it to the
 * server's answers on every example.
 *
 * Without a body an update is decided on the stored row alone (its read and update filters: PostgreSQL's USING);
 * the row after the change (update_check_filters) needs the change.
 */
export function decide(roles: readonly Role[], attempt: Attempt, table: DecisionRoutes): Decision {
  const m = attempt.method.toUpperCase();
  const { path, item, caller } = attempt;
  const denied = (code: DeniedCode, reason: string, extra: Partial<Decision> = {}): Decision => ({
    allowed: false,
    reason,
    code,
    roles: [],
    filter: false,
    hidden: [],
    ...extra,
  });
  const match = findRoute(table.routes, m, path.replace(/^\/+/, '').split('/'));
  if (!match && table.fromApp) return denied('NOT_FOUND', `no route of the app matches ${m} ${path}`);
  const route = match?.route;
  const verb: Verb = route ? (route.verb === 'custom' ? (route.runs ?? 'update') : route.verb) : (FALLBACK[m] ?? 'get');
  const shown = route && {
    method: route.method,
    path: route.path,
    verb: route.verb,
    ...(route.action !== undefined ? { action: route.action } : {}),
    ...(route.runs !== undefined ? { runs: route.runs } : {}),
  };
  const outcome = authorizeEndpoint(roles, caller, m, path, OPEN.has(verb));
  if ('code' in outcome) return denied(outcome.code, outcome.reason, shown ? { route: shown } : {});
  const counting = outcome.counting;
  const scope = readScope(counting);
  const grant = counting[0] && grantFor(counting[0], m, path);
  const base: Decision = {
    allowed: true,
    reason: OPEN.has(verb)
      ? `every caller with a role may call ${m} ${path}`
      : explainPermission(counting, m, path).reason,
    roles: counting.map((r) => r.id),
    ...(grant ? { rule: describeRule(counting[0]!, grant) } : {}),
    ...(shown ? { route: shown } : {}),
    filter: scope.filter,
    hidden: scope.hidden,
  };
  if (OPEN.has(verb) || (verb === 'audit' && match?.params.item === undefined)) return base;
  const deny = (code: DeniedCode, reason: string, visible?: boolean, changeable?: boolean): Decision => ({
    ...base,
    allowed: false,
    reason,
    code,
    ...(visible === undefined ? {} : { item: changeable === undefined ? { visible } : { visible, changeable } }),
  });
  if (LISTS.has(verb) && route) {
    // A path filter, search or unique listing on a hidden path is 403 (SPEC.md §4 "Names"), before any row is read.
    const fields =
      verb === 'unique'
        ? [table.uniqueFields.get(route.path)].filter((f) => f !== undefined)
        : templateParams(route.path)
            .filter((p) => p !== 'search_value')
            .map((p) => (p === 'search_key' ? match!.params.search_key! : p));
    const blocked = fields.filter((f) => scope.hidden.some((h) => pathsOverlap(f, h)));
    if (blocked.length > 0) return deny('FORBIDDEN', `field not permitted: ${blocked.join(', ')}`);
  }
  if (LISTS.has(verb) || verb === 'audit' || verb === 'history') {
    if (!item) return base;
    // A list answers 200 with or without the row; /audit/{item} and /history/{item} are 404 for a hidden one.
    const visible = matches(scope.filter, item);
    if (!visible && !LISTS.has(verb)) return deny('NOT_FOUND', 'the row is outside the read filters', false);
    return { ...base, item: { visible } };
  }
  const params = match?.params ?? {};
  const id = params.id ?? Object.values(params)[0];
  const itemPath = id === undefined || !route ? path : `${table.itemRoute}/${id}`;
  const body = attempt.body;
  let seen = false; // whether the row was found visible before a check threw
  try {
    if (verb === 'create') {
      const values = (body ? valuesOf(body) : item) as Item | undefined;
      if (!values) return base;
      checkVisible(
        Object.keys(values).filter((f) => f !== ACL),
        scope.hidden,
        'field',
      );
      // The creator receives the app's creator roles on the new item (SPEC.md §11): the checks see them so.
      const creator = table.itemRoles?.creator ?? [];
      const made: Item =
        creator.length > 0 && caller.id !== undefined
          ? { ...values, [ACL]: aclValue(Object.fromEntries(creator.map((r) => [r, [caller.id!]]))) }
          : values;
      return rolesAllowingCreate(counting, made).length > 0
        ? { ...base, item: { visible: true, changeable: true } }
        : deny('FORBIDDEN', 'no role may create this item', false, false);
    }
    const changes = verb === 'update' && body ? valuesOf(body) : undefined;
    // A body naming a field the caller cannot see is 403 even when unchanged, before the row is looked at; a grant's
    // body is parsed (400) before it too.
    if (changes) checkVisible(Object.keys(changes), scope.hidden, 'field');
    const grantRequest =
      verb === 'grants' && m !== 'GET' && body && table.itemRoles
        ? parseGrantRequest(table.itemRoles, body)
        : undefined;
    if (!item) return base;
    if (!canSeeRow(roles, counting, itemPath, item)) {
      return deny('NOT_FOUND', 'the row is outside the read filters', false, verb === 'get' ? undefined : false);
    }
    seen = true;
    if (verb === 'get') return { ...base, item: { visible: true } };
    if (verb === 'grants') {
      const held = heldRoles(table.itemRoles!, item, caller.id);
      if (m === 'GET') {
        return mayReadGrants(table.itemRoles!, held)
          ? { ...base, item: { visible: true } }
          : deny('FORBIDDEN', 'you hold no role on this item that may grant', true);
      }
      if (!grantRequest) return { ...base, item: { visible: true } };
      checkGrantAllowed(table.itemRoles!, held, grantRequest);
      return { ...base, item: { visible: true, changeable: true } };
    }
    if (verb === 'delete') {
      return rolesAllowingDelete(counting, item).length > 0
        ? { ...base, item: { visible: true, changeable: true } }
        : deny('FORBIDDEN', 'no role may delete this row', true, false);
    }
    const allowing = changes
      ? (() => {
          const { post, changed } = applyChanges(item, changes);
          return rolesAllowingUpdate(counting, item, post, changed);
        })()
      : rolesMayUpdateRow(counting, item);
    return allowing.length > 0
      ? { ...base, item: { visible: true, changeable: true } }
      : deny('FORBIDDEN', 'no role may change this row', true, false);
  } catch (err) {
    // checkVisible and the grant checks speak as the server does: their refusal is the decision.
    if (err instanceof ScoutrError && (err.code === 'INVALID_BODY' || err.code === 'FORBIDDEN')) {
      return deny(err.code, err.message, seen, false);
    }
    throw err;
  }
}
