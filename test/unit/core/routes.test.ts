import articles from '../../../example/articles/scoutr.config';
import petstore from '../../../example/petstore/scoutr.config';
import recipes from '../../../example/recipes/scoutr.config';
import repos from '../../../example/repos/scoutr.config';
import type { AppConfig } from '../../../src/core/app';
import { defineApp } from '../../../src/core/define-app';
import {
  canonicalPath,
  canonicalRawPath,
  decodeSegments,
  pathSegments,
  RouteTableError,
  routePath,
  routesFor,
  templateParams,
  trimTrailingSlash,
} from '../../../src/core/routes';

// docs/reference/permissions.md#endpoint-rules-and-the-canonical-path, built from the same few functions by every edge (REST, HTTP API, has-permission).

describe('canonicalPath', () => {
  it.each<{ template: string; params: Record<string, string>; path: string }>([
    { template: '/items', params: {}, path: '/items' },
    { template: '/items/', params: {}, path: '/items' },
    { template: '/', params: {}, path: '/' },
    { template: '/item/{id}', params: { id: 'x' }, path: '/item/x' },
    { template: '/item/{id}', params: { id: 'x/' }, path: '/item/x%2F' }, // the item x/, not the item x
    { template: '/item/{id}/grants', params: { id: 'a/grants' }, path: '/item/a%2Fgrants/grants' },
    { template: '/files/{path+}', params: { path: 'a/b' }, path: '/files/a/b' },
  ])('fills $template with $params as $path', ({ template, params, path }) => {
    expect(canonicalPath(template, params)).toBe(path);
  });
});

describe('trimTrailingSlash', () => {
  it.each([
    ['/items/', '/items'],
    ['/items//', '/items'],
    ['/items', '/items'],
    ['/', '/'],
    ['//', '/'],
    ['', ''],
    ['/a///x//', '/a///x'], // a run of slashes inside the path stays
  ])('%s → %s', (path, want) => {
    expect(trimTrailingSlash(path)).toBe(want);
  });
});

describe('pathSegments', () => {
  it.each([
    ['/items', ['items']],
    ['/items/', ['items']],
    ['//item//a1//', ['item', '', 'a1']],
    ['/', ['']],
    ['', ['']],
    ['/item/a%2Fb', ['item', 'a%2Fb']],
  ])('%s → %j', (path, want) => {
    expect(pathSegments(path)).toEqual(want);
  });
});

describe('decodeSegments', () => {
  it.each([
    ['/item/a%20b', '/item/a b'],
    ['/item/a%2Fb', '/item/a/b'],
    ['/item/%2541', '/item/%41'], // once, never twice
    ['/item/caf%C3%A9', '/item/café'],
  ])('decodes %s once as %s', (path, want) => {
    expect(decodeSegments(path)).toBe(want);
  });

  it.each(['/item/%', '/item/%E2%82', '/item/%zz'])('answers undefined for the malformed %s', (path) => {
    expect(decodeSegments(path)).toBeUndefined();
  });
});

describe('route names', () => {
  it.each([
    ['items', '/items'],
    ['/types/', '/types'],
    ['//a/b//', '/a/b'],
  ])('%s is the path %s', (name, path) => {
    expect(routePath(name)).toBe(path);
  });

  it('lists the parameters of a template in order, greedy ones included', () => {
    expect(templateParams('/items/{search_key}/{search_value}')).toEqual(['search_key', 'search_value']);
    expect(templateParams('/files/{path+}')).toEqual(['path']);
  });
});

describe('canonicalRawPath', () => {
  it.each([
    ['/item/a%20b', '/item/a b'],
    ['/item/a%2Fb', '/item/a%2Fb'], // one segment stays one segment
    ['/recipe/a%2Fgrants', '/recipe/a%2Fgrants'], // the recipe a/grants, never the grants of a
    ['/recipe/a/grants', '/recipe/a/grants'],
    ['/item/a%2F', '/item/a%2F'], // the item a/, never the item a
    ['/item/a/', '/item/a'],
    ['/item/%2541', '/item/%41'],
  ])('%s → %s', (path, want) => {
    expect(canonicalRawPath(path)).toBe(want);
  });

  it('answers undefined for malformed percent-encoding', () => {
    expect(canonicalRawPath('/item/%zz')).toBeUndefined();
  });
});

describe('checkRouteTable: what API Gateway could not deploy is refused at start-up, naming the route', () => {
  const borrow = (path: string): AppConfig => ({
    routes: { items: 'books', item: 'book' },
    customActions: { BORROW: { method: 'POST', path, run: async () => null } },
  });
  const problems = (app: AppConfig): string[] => {
    try {
      routesFor(app);
      return [];
    } catch (err) {
      expect(err).toBeInstanceOf(RouteTableError);
      return [...(err as RouteTableError).problems];
    }
  };

  it('accepts every example and the default routes', () => {
    for (const app of [{}, petstore, recipes, repos, articles]) expect(problems(app as AppConfig)).toEqual([]);
    expect(problems(borrow('/book/{id}/borrow'))).toEqual([]);
  });

  it('refuses sibling variable path parts with different names, naming both routes', () => {
    expect(problems(borrow('/book/{isbn}/borrow'))).toEqual([
      'POST /book/{isbn}/borrow (custom action BORROW): {isbn} and {id} (of GET /book/{id}) are sibling variable ' +
        'path parts under /book; API Gateway allows one name there: use {id}',
    ]);
    // the item route named like the items route: /items/{search_key}/... beside /items/{id}
    expect(problems({ routes: { items: 'items', item: 'items' } })[0]).toMatch(
      /^GET \/items\/\{id\}: \{id\} and \{search_key\} \(of GET \/items\/\{search_key\}\/\{search_value\}\) are sibling/,
    );
    expect(problems({ filterRoutes: ['/items/{status}'] })[0]).toMatch(/^GET \/items\/\{status\}: \{status\} and/);
  });

  it('allows a static part beside a variable one, and one variable name shared by many routes', () => {
    expect(problems({ filterRoutes: ['/items/status/{status}', '/items/type/{type}'] })).toEqual([]);
    expect(problems(borrow('/book/{id}/borrow/{copy}'))).toEqual([]);
  });

  it('refuses the same method and path twice', () => {
    expect(problems({ uniqueRoutes: { '/items': 'type' } })).toEqual(['GET /items: defined twice (also GET /items)']);
    expect(problems(borrow('/book'))).toEqual(['POST /book (custom action BORROW): defined twice (also POST /book)']);
  });

  it.each([
    ['/book/{id}/borrow now', "'borrow now'"],
    ['/book/{id}//borrow', 'an empty part'],
    ['/book/{id}.json', "'{id}.json'"],
    ['/book/{id}/{copy+}', "'{copy+}'"],
    ['/book/{}/borrow', "'{}'"],
    ['/book/{id}/bo%72row', "'bo%72row'"],
  ])('refuses the path part of %s (%s)', (path, shown) => {
    const got = problems(borrow(path));
    expect(got).toHaveLength(1);
    expect(got[0]).toContain(`(custom action BORROW): path part ${shown} is not a static part`);
  });

  it('takes colons, dots, dashes and underscores in static parts', () => {
    expect(problems(borrow('/book/{id}/v1.2_x-y:borrow'))).toEqual([]);
  });

  it('lists every problem at once', () => {
    const app = { ...borrow('/book/{isbn}/borrow'), uniqueRoutes: { '/books': 'genre', 'bad name': 'x' } };
    expect(problems(app)).toHaveLength(3);
  });

  it('makes defineApp refuse such a table when the app module loads', () => {
    expect(() => defineApp(borrow('/book/{isbn}/borrow'))).toThrow(
      /cannot be deployed to API Gateway:\n {2}POST \/book\/\{isbn\}\/borrow \(custom action BORROW\)/,
    );
    expect(defineApp(borrow('/book/{id}/borrow')).routes).toEqual({ items: 'books', item: 'book' });
  });
});
