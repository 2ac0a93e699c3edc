import { unroutedEndpoints } from '../../../../src/core/policy/unrouted';
import { routesFor } from '../../../../src/core/routes';
import books from '../../../factories/books-app';

// A permitted endpoint that matches no route of the app permits nothing (issue 19 §6): decided on the languages of
// the rule's regex and of each route's paths, so a narrower or wider rule that still reaches a route is no warning.

const routes = routesFor(books);
const warned = (...rules: unknown[]) =>
  unroutedEndpoints({ version: 1, records: { k: { type: 'API_KEY', permitted_endpoints: rules } } }, routes).map(
    (w) => w.path[3],
  );

describe('unroutedEndpoints', () => {
  it.each([
    'GET /books',
    'GET /book/[^/]+',
    'GET /book/[0-9]+', // narrower than {id}, still a path of the route
    'GET /book/.*', // wider, still reaches it
    'GET ^/books$',
    'GET /books(/[^/]+/[^/]+)?',
    'POST /book/[^/]+/borrow',
    'POST /book',
    '* .*',
    'GET /user',
    'POST /user/has-permission',
    'GET /history/[^/]+',
    'GET /book/(?=b)[a-z]+', // a lookahead refa resolves
    { method: 'get', endpoint: '/books' },
  ])('says nothing of %j', (rule) => {
    expect(warned(rule)).toEqual([]);
  });

  it.each([
    'GET /items', // left over from another app
    'GET /item/[^/]+',
    'DELETE /books', // a path of a route, but not of this method
    'PUT /book/[^/]+/borrow',
    'GET /book/[^/]+/[^/]+/[^/]+/x',
    'GET /book/', // the canonical path has no trailing slash
    { method: 'GET', endpoint: '/items' },
  ])('warns of %j', (rule) => {
    expect(warned(rule)).toEqual([0]);
  });

  it('locates each warning at its rule, in records and groups', () => {
    const doc = {
      version: 1,
      groups: { g: { permitted_endpoints: ['GET /books', 'GET /items'] } },
      records: { k: { type: 'API_KEY', permitted_endpoints: [{ method: 'GET', endpoint: '/pets' }] } },
    };
    expect(unroutedEndpoints(doc, routes)).toEqual([
      {
        path: ['groups', 'g', 'permitted_endpoints', 1],
        message: 'GET /items matches no route of the app, so it permits nothing',
      },
      {
        path: ['records', 'k', 'permitted_endpoints', 0],
        message: 'GET /pets matches no route of the app, so it permits nothing',
      },
    ]);
  });

  it('leaves errors to validate: bad regexes and shapes give no warning', () => {
    expect(warned('GET /(?P<id>x)', 'GET', 'FETCH /items', 42, null, { method: 'GET' })).toEqual([]);
    expect(unroutedEndpoints('not a document', routes)).toEqual([]);
  });
});
