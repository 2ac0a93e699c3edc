import type { AppConfig, UniqueRoute } from './app';
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

/** The one route table: the Lambda handlers, the local server, the deployed routes and openapi.json derive from it. */
export function routesFor(app: AppConfig): Route[] {
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
    // Per-item grants exist only for apps that declare item roles (SPEC.md §11).
    ...(app.itemRoles
      ? ([
          { verb: 'grants', method: 'GET', path: `${item}/{id}/grants` },
          { verb: 'grants', method: 'POST', path: `${item}/{id}/grants` },
        ] as const)
      : []),
    ...Object.entries(app.customActions ?? {}).map(
      ([action, c]): Route => ({ verb: 'custom', method: c.method, path: routePath(c.path), action }),
    ),
  ];
}

/** `{name}` or the greedy `{name+}` in a path template */
const TEMPLATE_PARAM = /\{([^}+]+)\+?\}/g;

/** Path parameter names of a template, in order: `/items/status/{status}` → ['status']. */
export const templateParams = (template: string): string[] => [...template.matchAll(TEMPLATE_PARAM)].map((m) => m[1]!);

// SPEC.md §3 canonical path, what endpoint rules match and audit records show: no stage or base path, no query, no
// trailing slash, each segment percent-decoded exactly once. Every edge builds it from these.
//
// A parameter is one segment of the path API Gateway routed, so it stays one segment of the canonical path: a `/`
// decoded inside it is written back as `%2F` (README "Permission model"). Otherwise `/recipe/a%2Fgrants` (the recipe
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
