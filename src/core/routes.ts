import type { AppConfig, CustomWrite, UniqueRoute } from './app';
import type { Method } from './request';

export type Verb =
  | 'list'
  | 'unique'
  | 'search'
  | 'get'
  | 'create'
  | 'update'
  | 'delete'
  | 'audit'
  | 'history'
  | 'user'
  | 'hasPermission'
  | 'grants'
  | 'custom';

export interface Route {
  verb: Verb;
  method: Method;
  /** API Gateway path template: `/item/{id}` */
  path: string;
  /** custom routes: the audit action name */
  action?: string;
  /** custom routes: the write the action runs, under that verb's rules (CustomAction.runs, default update) */
  runs?: CustomWrite;
}

export const VERBS: readonly Verb[] = [
  'list',
  'unique',
  'search',
  'get',
  'create',
  'update',
  'delete',
  'audit',
  'history',
  'user',
  'hasPermission',
  'grants',
  'custom',
];

// Slashes are trimmed by scanning, never by a regex such as /\/+$/: on a run of slashes followed by another character,
// a backtracking engine retries the run from each of its slashes (quadratic; 15,000 slashes cost seconds).
const SLASH = 47;

/** Where `path` starts and ends without its leading and trailing slashes. */
function slashTrimmed(path: string): { start: number; end: number } {
  let start = 0;
  let end = path.length;
  while (start < end && path.charCodeAt(start) === SLASH) start++;
  while (end > start && path.charCodeAt(end - 1) === SLASH) end--;
  return { start, end };
}

/** A route name as the app config writes it (`items`, `/types/`) → its path (`/items`, `/types`). */
export const routePath = (name: string) => {
  const { start, end } = slashTrimmed(name);
  return `/${name.slice(start, end)}`;
};

/** A path's segments without its leading and trailing slashes: `/item/a1/` → ['item', 'a1'], `/` → ['']. */
export const pathSegments = (path: string): string[] => {
  const { start, end } = slashTrimmed(path);
  return path.slice(start, end).split('/');
};

export const itemsRoute = (app: AppConfig) => routePath(app.routes?.items ?? 'items');
export const itemRoute = (app: AppConfig) => routePath(app.routes?.item ?? 'item');

export function uniqueRoutes(app: AppConfig): Map<string, UniqueRoute> {
  return new Map(
    Object.entries(app.uniqueRoutes ?? {}).map(([path, r]) => [
      routePath(path),
      typeof r === 'string' ? { field: r } : r,
    ]),
  );
}

/**
 * The one route table: the Lambda handlers, the local server, the deployed routes and openapi.json all derive from it.
 * A table API Gateway could not deploy is refused here, naming the route (docs/reference/app-config.md#routes-api-gateway-can-deploy): see checkRouteTable.
 */
export function routesFor(app: AppConfig): Route[] {
  const routes = routeTable(app);
  checkRouteTable(routes);
  return routes;
}

function routeTable(app: AppConfig): Route[] {
  const items = itemsRoute(app);
  const item = itemRoute(app);
  return [
    { verb: 'list', method: 'GET', path: items },
    { verb: 'list', method: 'GET', path: `${items}/{search_key}/{search_value}` },
    ...(app.filterRoutes ?? []).map((p): Route => ({ verb: 'list', method: 'GET', path: routePath(p) })),
    ...[...uniqueRoutes(app).keys()].map((path): Route => ({ verb: 'unique', method: 'GET', path })),
    { verb: 'search', method: 'POST', path: '/search/{search_key}' },
    { verb: 'get', method: 'GET', path: `${item}/{id}` },
    { verb: 'create', method: 'POST', path: item },
    { verb: 'update', method: 'PUT', path: `${item}/{id}` },
    { verb: 'update', method: 'PATCH', path: `${item}/{id}` },
    { verb: 'delete', method: 'DELETE', path: `${item}/{id}` },
    { verb: 'audit', method: 'GET', path: '/audit' },
    { verb: 'audit', method: 'GET', path: '/audit/{item}' },
    { verb: 'history', method: 'GET', path: '/history/{item}' },
    { verb: 'user', method: 'GET', path: '/user' },
    { verb: 'hasPermission', method: 'POST', path: '/user/has-permission' },
    // Per-item grants exist only for apps that declare item roles (docs/reference/item-roles.md#declaring-item-roles).
    ...(app.itemRoles
      ? ([
          { verb: 'grants', method: 'GET', path: `${item}/{id}/grants` },
          { verb: 'grants', method: 'POST', path: `${item}/{id}/grants` },
        ] as const)
      : []),
    ...Object.entries(app.customActions ?? {}).map(
      ([action, c]): Route => ({
        verb: 'custom',
        method: c.method,
        path: routePath(c.path),
        action,
        runs: c.runs ?? 'update',
      }),
    ),
  ];
}

/** A route table API Gateway could not deploy (docs/reference/app-config.md#routes-api-gateway-can-deploy): every problem, one a line, each naming its route. */
export class RouteTableError extends Error {
  override readonly name = 'RouteTableError';
  constructor(readonly problems: readonly string[]) {
    super(`The app's routes cannot be deployed to API Gateway:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}

// API Gateway REST API resource path parts (CreateResource: "Resource's path part only allow a-zA-Z0-9._- and curly
// braces at the beginning and the end and an optional plus sign before the closing brace"; static parts also take
// ':'). Greedy `{name+}` parts deploy, but no route of Scoutr's serves a greedy path: the local router would not
// match what API Gateway routes, so they are refused too.
const STATIC_PART = /^[A-Za-z0-9:._-]+$/;
const VARIABLE_PART = /^\{([A-Za-z0-9._-]+)\}$/;

export const describeRoute = (r: Route): string =>
  `${r.method} ${r.path}${r.verb === 'custom' ? ` (custom action ${r.action})` : ''}`;

/**
 * What API Gateway refuses at deploy, found at start-up instead: a path part with characters it does not take (an
 * empty part, `{isbn}.json`, a space), the same method and path twice ("Method already exists for this resource"),
 * and sibling variable parts with different names, `/book/{id}` beside `/book/{isbn}/borrow` ("A sibling ({id}) of
 * this resource already has a variable path part -- only one is allowed"). Throws RouteTableError listing each.
 */
export function checkRouteTable(routes: readonly Route[]): void {
  const problems: string[] = [];
  const seen = new Map<string, Route>();
  // Each resource (a path prefix) → the variable child it has, and the route that made it.
  const variableChild = new Map<string, { part: string; route: Route }>();
  for (const route of routes) {
    const parts = route.path === '/' ? [] : route.path.split('/').slice(1);
    const bad = parts.filter((p) => !STATIC_PART.test(p) && !VARIABLE_PART.test(p));
    if (!route.path.startsWith('/') || bad.length > 0) {
      const shown = bad.map((p) => (p === '' ? 'an empty part' : `'${p}'`)).join(', ');
      problems.push(
        `${describeRoute(route)}: path part ${shown || `'${route.path}'`} is not a static part of A-Z a-z 0-9 : . _ - ` +
          'nor a whole {name} of A-Z a-z 0-9 . _ -',
      );
      continue;
    }
    const key = `${route.method} ${route.path}`;
    const twin = seen.get(key);
    if (twin) problems.push(`${describeRoute(route)}: defined twice (also ${describeRoute(twin)})`);
    seen.set(key, route);
    let resource = '';
    for (const part of parts) {
      if (VARIABLE_PART.test(part)) {
        const sibling = variableChild.get(resource);
        if (!sibling) variableChild.set(resource, { part, route });
        else if (sibling.part !== part) {
          problems.push(
            `${describeRoute(route)}: ${part} and ${sibling.part} (of ${describeRoute(sibling.route)}) are sibling ` +
              `variable path parts under ${resource || '/'}; API Gateway allows one name there: use ${sibling.part}`,
          );
          break;
        }
      }
      resource = `${resource}/${part}`;
    }
  }
  if (problems.length > 0) throw new RouteTableError(problems);
}

export interface RouteMatch {
  route: Route;
  /** the path parameters, as the segments gave them */
  params: Record<string, string>;
}

/** A route's template split once: each segment a literal or the name of a parameter. */
interface CompiledRoute {
  route: Route;
  parts: ReadonlyArray<{ literal: string } | { param: string }>;
}

// Route tables are built once per process (a runtime, the local server, a test): their templates are split once, not
// per request, so matching costs what the request's own segments cost.
const compiledTables = new WeakMap<readonly Route[], readonly CompiledRoute[]>();

function compile(routes: readonly Route[]): readonly CompiledRoute[] {
  let table = compiledTables.get(routes);
  if (!table) {
    table = routes.map((route) => ({
      route,
      parts: pathSegments(route.path).map((part) => {
        const param = /^\{([^}+]+)\}$/.exec(part);
        return param ? { param: param[1]! } : { literal: part };
      }),
    }));
    compiledTables.set(routes, table);
  }
  return table;
}

/** Segments against one route: its parameters and score (literal segments, leftmost weighing most), or undefined. */
function matchSegments(
  compiled: CompiledRoute,
  segments: readonly string[],
): { params: Record<string, string>; score: number } | undefined {
  const { parts } = compiled;
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  let score = 0;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const seg = segments[i]!;
    if ('param' in part) {
      if (seg === '') return undefined;
      params[part.param] = seg;
    } else if (part.literal === seg) score += 2 ** (parts.length - i);
    else return undefined;
  }
  return { params, score };
}

/**
 * The route of a method and path segments, as API Gateway picks it: segment by segment, a literal segment beating a
 * `{param}` (so `/items/status/{status}` wins over `/items/{search_key}/{search_value}`). The local server matches
 * raw URL segments with it (http/router.ts), and the decisions of `scoutr check` and `loadPolicy` canonical ones.
 * Each route compares at most its own few segments: the cost is linear in the path's length.
 */
export function findRoute(
  routes: readonly Route[],
  method: string,
  segments: readonly string[],
): RouteMatch | undefined {
  let best: { match: RouteMatch; score: number } | undefined;
  for (const compiled of compile(routes)) {
    if (compiled.route.method !== method) continue;
    const m = matchSegments(compiled, segments);
    if (m && (!best || m.score > best.score))
      best = { match: { route: compiled.route, params: m.params }, score: m.score };
  }
  return best?.match;
}

/** Every method some route accepts on these segments (for 405 and CORS preflight). */
export function methodsMatching(routes: readonly Route[], segments: readonly string[]): string[] {
  const methods = new Set<string>();
  for (const compiled of compile(routes)) if (matchSegments(compiled, segments)) methods.add(compiled.route.method);
  return [...methods];
}

/** `{name}` or the greedy `{name+}` in a path template */
const TEMPLATE_PARAM = /\{([^}+]+)\+?\}/g;

/** Path parameter names of a template, in order: `/items/status/{status}` → ['status']. */
export const templateParams = (template: string): string[] => [...template.matchAll(TEMPLATE_PARAM)].map((m) => m[1]!);

// docs/reference/permissions.md#endpoint-rules-and-the-canonical-path, what endpoint rules match and audit records show: no stage or base path, no query, no
// trailing slash, each segment percent-decoded exactly once. Every edge builds it from these.
//
// A parameter is one segment of the path API Gateway routed, so it stays one segment of the canonical path: a `/`
// decoded inside it is written back as `%2F` (docs/reference/permissions.md#endpoint-rules-and-the-canonical-path). Otherwise `/recipe/a%2Fgrants` (the recipe
// `a/grants`) would read as `/recipe/a/grants` (the grants of `a`) to every endpoint rule, and the item `evil/x`
// would match no `/item/[^/]+`.

/** No trailing slash, except the root `/` itself. */
export const trimTrailingSlash = (path: string): string => {
  let end = path.length;
  while (end > 1 && path.charCodeAt(end - 1) === SLASH) end--;
  return end === path.length ? path : path.slice(0, end);
};

/** Each segment percent-decoded once (a `%2F` becomes a `/` of its segment's text); undefined if one is malformed. */
export function decodeSegments(path: string): string | undefined {
  try {
    return path
      .split('/')
      .map((s) => decodeURIComponent(s))
      .join('/');
  } catch {
    return undefined;
  }
}

/** A decoded parameter as one segment of the canonical path: its `/` written `%2F`. */
export const canonicalSegment = (value: string): string => value.replaceAll('/', '%2F');

/**
 * A raw path (as a client sent it) as a canonical path: each segment decoded once and kept one segment, no trailing
 * slash; undefined if a segment is malformed.
 */
export function canonicalRawPath(path: string): string | undefined {
  try {
    return trimTrailingSlash(
      path
        .split('/')
        .map((s) => canonicalSegment(decodeURIComponent(s)))
        .join('/'),
    );
  } catch {
    return undefined;
  }
}

/** The template with each parameter's text put back as given (no escaping, no trimming). */
export const fillTemplate = (template: string, params: Record<string, string>): string =>
  template.replace(TEMPLATE_PARAM, (_, name: string) => params[name] ?? '');

/**
 * The route template with each (decoded) parameter put back, so stage and custom-domain base path never appear:
 * `/item/{id}` with id `a b` → `/item/a b`, with id `a/b` → `/item/a%2Fb`. A greedy `{name+}` spans segments by
 * definition, so its `/` stay.
 */
export const canonicalPath = (template: string, params: Record<string, string>): string =>
  trimTrailingSlash(
    template.replace(TEMPLATE_PARAM, (whole: string, name: string) => {
      const value = params[name] ?? '';
      return whole.endsWith('+}') ? value : canonicalSegment(value);
    }),
  );
