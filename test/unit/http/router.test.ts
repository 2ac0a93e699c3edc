import type { Route } from '../../../src/core/routes';
import { routesFor } from '../../../src/core/routes';
import { matchRoute, methodsFor } from '../../../src/http/router';

const routes = routesFor({
  uniqueRoutes: { '/types': 'type' },
  filterRoutes: ['/items/status/{status}'],
});

describe('matchRoute', () => {
  it.each([
    { method: 'GET', path: '/items', route: '/items', params: {} },
    { method: 'GET', path: '/items/', route: '/items', params: {} },
    { method: 'GET', path: '/types', route: '/types', params: {} },
    { method: 'GET', path: '/item/a1', route: '/item/{id}', params: { id: 'a1' } },
    { method: 'GET', path: '/item/a%2Fb', route: '/item/{id}', params: { id: 'a%2Fb' } },
    { method: 'PUT', path: '/item/a1', route: '/item/{id}', params: { id: 'a1' } },
    { method: 'PATCH', path: '/item/a1', route: '/item/{id}', params: { id: 'a1' } },
    { method: 'DELETE', path: '/item/a1', route: '/item/{id}', params: { id: 'a1' } },
    { method: 'POST', path: '/item', route: '/item', params: {} },
    { method: 'POST', path: '/search/type', route: '/search/{search_key}', params: { search_key: 'type' } },
    {
      method: 'GET',
      path: '/items/type/dog',
      route: '/items/{search_key}/{search_value}',
      params: { search_key: 'type', search_value: 'dog' },
    },
    { method: 'GET', path: '/items/status/sold', route: '/items/status/{status}', params: { status: 'sold' } },
    { method: 'GET', path: '/audit', route: '/audit', params: {} },
    { method: 'GET', path: '/audit/a1', route: '/audit/{item}', params: { item: 'a1' } },
    { method: 'GET', path: '/history/a1', route: '/history/{item}', params: { item: 'a1' } },
    { method: 'GET', path: '/user', route: '/user', params: {} },
    { method: 'POST', path: '/user/has-permission', route: '/user/has-permission', params: {} },
  ])('routes $method $path to $route with raw parameters $params', ({ method, path, route, params }) => {
    // Act
    const match = matchRoute(routes, method, path);
    // Assess
    expect(match?.route.path).toBe(route);
    expect(match?.rawParams).toEqual(params);
  });

  it('prefers a literal segment over a parameter (a static filter route beats the generic one)', () => {
    expect(matchRoute(routes, 'GET', '/items/status/sold')?.route.path).toBe('/items/status/{status}');
    expect(matchRoute(routes, 'GET', '/items/statusx/sold')?.route.path).toBe('/items/{search_key}/{search_value}');
  });

  it.each([
    { method: 'GET', path: '/' },
    { method: 'GET', path: '/itemsx' },
    { method: 'GET', path: '/item' },
    { method: 'GET', path: '/item/' },
    { method: 'GET', path: '/item//' },
    { method: 'GET', path: '/item/a/b' },
    { method: 'GET', path: '/items/type' },
    { method: 'GET', path: '/items//dog' },
    { method: 'POST', path: '/items' },
    { method: 'DELETE', path: '/item' },
    { method: 'GET', path: '/search/type' },
    { method: 'OPTIONS', path: '/items' },
  ])('matches no route for $method $path', ({ method, path }) => {
    expect(matchRoute(routes, method, path)).toBeUndefined();
  });

  it('uses the configured route names', () => {
    // Prepare
    const pets = routesFor({ routes: { items: 'pets', item: 'pet' } });
    // Act & Assess
    expect(matchRoute(pets, 'GET', '/pets')?.route.verb).toBe('list');
    expect(matchRoute(pets, 'GET', '/pet/p1')?.route.verb).toBe('get');
    expect(matchRoute(pets, 'GET', '/items')).toBeUndefined();
  });
});

describe('methodsFor', () => {
  it.each([
    { path: '/items', methods: ['GET'] },
    { path: '/item', methods: ['POST'] },
    { path: '/item/a1', methods: ['GET', 'PUT', 'PATCH', 'DELETE'] },
    { path: '/search/type', methods: ['POST'] },
    { path: '/nowhere', methods: [] },
  ])('lists $methods for $path', ({ path, methods }) => {
    expect(methodsFor(routes, path).sort()).toEqual([...methods].sort());
  });
});

// Work counted, never timed: what one request costs must not grow with the route table, nor faster than its path.
describe('work per request', () => {
  /** The routes of an app with `extra` custom actions: a bigger route table, the same requests. */
  const table = (extra: number) =>
    routesFor({
      uniqueRoutes: { '/types': 'type' },
      filterRoutes: ['/items/status/{status}'],
      customActions: Object.fromEntries(
        Array.from({ length: extra }, (_, i) => [
          `act${i}`,
          { method: 'POST', path: `/item/{id}/act${i}`, run: async () => null },
        ]),
      ),
    });

  /** Calls of String.prototype.split and .replace on text of at least `min` characters while `run` runs. */
  function passesOverLongText(min: number, run: () => void): number {
    const split = jest.spyOn(String.prototype, 'split');
    const replace = jest.spyOn(String.prototype, 'replace');
    try {
      run();
      return [...split.mock.contexts, ...replace.mock.contexts].filter((t) => String(t).length >= min).length;
    } finally {
      split.mockRestore();
      replace.mockRestore();
    }
  }

  it('splits a route template once per route table, not once per request', () => {
    // Prepare: count every read of a route's template
    let reads = 0;
    const counted = table(0).map(
      (r) =>
        new Proxy(r, {
          get: (target, key) => {
            if (key === 'path') reads++;
            return Reflect.get(target, key);
          },
        }),
    );
    // Act
    for (let i = 0; i < 50; i++) {
      methodsFor(counted, `/item/a${i}`);
      matchRoute(counted, 'GET', `/item/a${i}`);
    }
    // Assess
    expect(reads).toBe(counted.length);
  });

  it.each([
    { what: 'OPTIONS (every method)', run: (routes: Route[], path: string) => methodsFor(routes, path) },
    { what: 'GET', run: (routes: Route[], path: string) => matchRoute(routes, 'GET', path) },
  ])('scans a path of 15,000 slashes once for $what, with 15 routes as with 215', ({ run }) => {
    // Prepare: the path of the report, `/items` then ~15,000 slashes, and one more character
    const path = `/items${'/'.repeat(15_000)}x`;
    const small = table(0);
    const big = table(200);
    // Act
    const passesSmall = passesOverLongText(10_000, () => run(small, path));
    const passesBig = passesOverLongText(10_000, () => run(big, path));
    // Assess
    expect(passesSmall).toBe(1);
    expect(passesBig).toBe(1);
  });
});
