import {
  canonicalPath,
  canonicalRawPath,
  decodeSegments,
  pathSegments,
  routePath,
  templateParams,
  trimTrailingSlash,
} from '../../../src/core/routes';

// SPEC.md §3 canonical path, built from the same few functions by every edge (REST, HTTP API, has-permission).

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
