import type { AppConfig, UniqueRoute } from './app';

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
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
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

const clean = (name: string) => name.replace(/^\/+|\/+$/g, '');

export const itemsRoute = (app: AppConfig) => `/${clean(app.routes?.items ?? 'items')}`;
export const itemRoute = (app: AppConfig) => `/${clean(app.routes?.item ?? 'item')}`;

export function uniqueRoutes(app: AppConfig): Map<string, UniqueRoute> {
  return new Map(
    Object.entries(app.uniqueRoutes ?? {}).map(([path, r]) => [
      `/${clean(path)}`,
      typeof r === 'string' ? { field: r } : r,
    ]),
  );
}

/** The one route table: the Lambda handlers, the local server, serverless.yml and openapi.json all derive from it. */
export function routesFor(app: AppConfig): Route[] {
  const items = itemsRoute(app);
  const item = itemRoute(app);
  return [
    { verb: 'list', method: 'GET', path: items },
    { verb: 'list', method: 'GET', path: `${items}/{search_key}/{search_value}` },
    ...(app.filterRoutes ?? []).map((p): Route => ({ verb: 'list', method: 'GET', path: `/${clean(p)}` })),
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
      ([action, c]): Route => ({ verb: 'custom', method: c.method, path: `/${clean(c.path)}`, action }),
    ),
  ];
}

/** Path parameter names of a template, in order: `/items/status/{status}` → ['status']. */
export const templateParams = (template: string): string[] =>
  [...template.matchAll(/\{([^}+]+)\+?\}/g)].map((m) => m[1]!);
