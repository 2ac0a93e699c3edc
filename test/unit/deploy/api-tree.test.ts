import type { AppConfig } from '../../../src/core/app';
import { type Route, routesFor } from '../../../src/core/routes';
import { checkApiGatewayRoutes, UndeployableRoutes } from '../../../src/deploy/api-tree';

// What API Gateway (REST) refuses to deploy, refused while packaging instead, naming the routes.

const route = (method: Route['method'], path: string, verb: Route['verb'] = 'custom'): Route => ({
  verb,
  method,
  path,
});

it.each<{ app: AppConfig }>([
  { app: {} },
  { app: { routes: { items: 'books', item: 'book' }, uniqueRoutes: { '/authors': 'author' } } },
  { app: { filterRoutes: ['/items/status/{status}'], itemRoles: { roles: ['own'], creator: ['own'], grants: [] } } },
  {
    app: {
      customActions: { SELL: { method: 'POST', path: '/item/{id}/sell', run: async () => undefined } },
    },
  },
])('accepts the route table of $app', ({ app }) => {
  expect(() => checkApiGatewayRoutes(routesFor(app))).not.toThrow();
});

it.each([
  {
    why: 'two path variables under one resource',
    routes: [route('GET', '/book/{id}', 'get'), route('POST', '/book/{isbn}/borrow')],
    error:
      'POST /book/{isbn}/borrow and GET /book/{id}: API Gateway cannot have two path variables ({isbn} and {id}) under /book',
  },
  {
    why: 'a filter route beside the search route',
    routes: routesFor({ filterRoutes: ['/items/{status}'] }),
    error: 'GET /items/{status} and GET /items/{search_key}/{search_value}',
  },
  {
    why: 'a greedy variable before the last part',
    routes: [route('POST', '/files/{path+}/copy')],
    error: 'POST /files/{path+}/copy: the greedy variable {path+} must be the last path part',
  },
  {
    why: 'text and a variable in one part',
    routes: [route('POST', '/item/v{n}')],
    error: 'POST /item/v{n}: the path part "v{n}" mixes text and a variable',
  },
  { why: 'an empty part', routes: [route('POST', '/item//x')], error: 'POST /item//x: an empty path part' },
  {
    why: 'a custom route on a built-in route',
    routes: routesFor({ customActions: { ADD: { method: 'POST', path: '/item', run: async () => undefined } } }),
    error: 'POST /item: declared twice (create and custom)',
  },
])('refuses $why, naming the routes', ({ routes, error }) => {
  expect(() => checkApiGatewayRoutes(routes)).toThrow(UndeployableRoutes);
  expect(() => checkApiGatewayRoutes(routes)).toThrow(error);
});
