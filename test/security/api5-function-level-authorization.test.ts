// OWASP API5:2023 Broken Function Level Authorization. Scoutr's defence: before any data is read, the request's
// (method, canonical path) must be permitted by one of the caller's roles, else 403 (401 without an identity). An
// endpoint rule is compiled as `^(?:rule)$`: it matches the whole canonical path, never a prefix, a suffix or one
// side of an alternation; methods are compared upper-cased on both sides; a custom action (POST /item/{id}/sell) is
// its own route needing its own rule; and the grants endpoints further need an item role whose grant rule covers
// the change (docs/reference/permissions.md#auth-records-and-groups, docs/reference/permissions.md#roles, docs/reference/app-config.md#the-module, docs/reference/item-roles.md#declaring-item-roles). `/user/has-permission` answers with the same decision.
import petstore from '../../example/petstore/scoutr.config';
import { items } from '../../example/petstore/seed';
import { dataTableOf } from '../../src/core/app';
import { defineApp } from '../../src/core/define-app';
import { restEvent } from '../factories/events';
import { apiKey, expectError, invoke } from '../factories/http';
import { snapshot } from '../integration/write/support';
import { startExample } from '../support/examples';
import { as, type Harness, startHarness } from '../support/harness';

// `/typesx` exists so that a prefix match of `/types` would have something to open.
const app = defineApp({ ...petstore, uniqueRoutes: { ...petstore.uniqueRoutes, '/typesx': 'type' } });
const rule = (method: string, endpoint: string) => ({ method, endpoint });

describe('endpoint rules in the pet store', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      app,
      dataTable: dataTableOf(app),
      seed: {
        items,
        authRecords: [
          apiKey('lister', { permitted_endpoints: [rule('GET', '/items')] }),
          apiKey('types', { permitted_endpoints: [rule('GET', '/types')] }),
          // an alternation: unanchored, `^/items|/types$` would open every path starting with /items
          apiKey('alternation', { permitted_endpoints: [rule('GET', '/items|/types')] }),
          apiKey('no-slash', { permitted_endpoints: [rule('GET', 'items')] }),
          apiKey('lower-get', { permitted_endpoints: [rule('get', '/items|/item/[^/]+')] }),
          apiKey('lower-delete', { permitted_endpoints: [rule('delete', '/item/[^/]+')] }),
          apiKey('patcher', { permitted_endpoints: [rule('PATCH', '/item/[^/]+'), rule('PUT', '/item/[^/]+')] }),
          apiKey('creator', { permitted_endpoints: [rule('POST', '/item')] }),
          apiKey('seller', { permitted_endpoints: [rule('POST', '/item/[^/]+/sell')] }),
          apiKey('reader', { permitted_endpoints: [rule('GET', '/item/[^/]+')] }),
        ],
      },
    });
  });
  afterAll(() => h.close());

  const call = (key: string, method: string, path: string, body?: unknown) =>
    h.request(method, path, { headers: as.key(key), body });

  it.each([
    ['lister', 'GET', '/items'],
    ['types', 'GET', '/types'],
    ['alternation', 'GET', '/items'],
    ['alternation', 'GET', '/types'],
    ['lower-get', 'GET', '/item/p-1'],
    ['reader', 'GET', '/item/p-1'],
  ])('lets %s call %s %s (the control)', async (key, method, path) => {
    expect((await call(key, method, path)).status).toBe(200);
  });

  it.each([
    ['lister', 'GET', '/items/status/available'],
    ['lister', 'GET', '/items/type/dog'],
    ['lister', 'GET', '/item/p-1'],
    ['lister', 'POST', '/search/type'],
    ['types', 'GET', '/typesx'],
    ['alternation', 'GET', '/items/status/available'],
    ['alternation', 'GET', '/typesx'],
    ['no-slash', 'GET', '/items'],
    ['reader', 'GET', '/history/p-1'],
    ['reader', 'GET', '/audit/p-1'],
    ['reader', 'GET', '/audit'],
  ])('refuses %s %s %s with 403 before reading', async (key, method, path) => {
    expectError(await call(key, method, path, method === 'POST' ? ['dog'] : undefined), 403, 'FORBIDDEN');
  });

  it('keeps an encoded slash inside its segment: /item/p-1%2Fsell is the item p-1/sell, never the sell action', async () => {
    // a reader may read any item: this one does not exist (404), and the path is no sell route for the seller
    expectError(await call('reader', 'GET', '/item/p-1%2Fsell'), 404, 'NOT_FOUND');
    const ask = await call('seller', 'POST', '/user/has-permission', { method: 'POST', path: '/item/p-1%2Fsell' });
    expect(ask.body).toMatchObject({ allowed: false });
  });

  it('answers /user/has-permission with the same decision as the request', async () => {
    const ask = (key: string, method: string, path: string) =>
      call(key, 'POST', '/user/has-permission', { method, path });
    expect((await ask('lister', 'GET', '/items')).body).toMatchObject({ allowed: true });
    expect((await ask('lister', 'GET', '/items/status/available')).body).toMatchObject({ allowed: false });
    expect((await ask('alternation', 'GET', '/items/status/available')).body).toMatchObject({ allowed: false });
    expect((await ask('lower-get', 'DELETE', '/item/p-1')).body).toMatchObject({ allowed: false });
  });

  describe('method case', () => {
    const lambda = (verb: 'update' | 'delete', method: string, key: string, id: string) =>
      invoke(
        h.runtime,
        verb,
        restEvent({ method, route: '/item/{id}', params: { id }, apiKeyId: key, body: JSON.stringify({ name: 'x' }) }),
      );

    it('never lets a lower-case method through the HTTP server', async () => {
      // Node's HTTP parser refuses it (fetch sends `patch` as written: only standard methods are normalised)
      const res = await call('patcher', 'patch', '/item/p-1', { name: 'x' });
      expect(res.status).toBe(400);
    });

    it('compares a lower-case rule method upper-cased: get opens GET only', async () => {
      // Prepare
      const before = await snapshot(h);
      // Act: a Lambda event may carry any letter case
      const patch = await lambda('update', 'patch', 'lower-get', 'p-1');
      const del = await lambda('delete', 'delete', 'lower-get', 'p-1');
      // Assess
      expectError(patch, 403, 'FORBIDDEN');
      expectError(del, 403, 'FORBIDDEN');
      expect(await snapshot(h)).toEqual(before);
    });

    it('lets a lower-case delete rule delete, and only delete', async () => {
      expectError(await call('lower-delete', 'GET', '/item/p-8'), 403, 'FORBIDDEN');
      expectError(await lambda('update', 'Patch', 'lower-delete', 'p-8'), 403, 'FORBIDDEN');
      expect((await lambda('delete', 'dElEtE', 'lower-delete', 'p-8')).status).toBe(200);
    });

    it('lets a lower-case PATCH event through for a PATCH rule (the control: the case is normalised, not refused)', async () => {
      expect((await lambda('update', 'patch', 'patcher', 'p-7')).status).toBe(200);
    });
  });

  describe('custom actions', () => {
    it('refuses POST /item/{id}/sell to roles that may update, create or read the item', async () => {
      const before = await snapshot(h);
      for (const key of ['patcher', 'creator', 'reader', 'lower-get']) {
        expectError(await call(key, 'POST', '/item/p-2/sell', { owner: 'x' }), 403, 'FORBIDDEN');
      }
      expect(await snapshot(h)).toEqual(before);
    });

    it('lets the seller sell, but not update or create directly', async () => {
      expectError(await call('seller', 'PATCH', '/item/p-2', { status: 'sold' }), 403, 'FORBIDDEN');
      expectError(await call('seller', 'POST', '/item', { name: 'n', type: 'dog' }), 403, 'FORBIDDEN');
      expect((await call('seller', 'POST', '/item/p-2/sell', { owner: 'x' })).status).toBe(200);
    });

    it('does not open the update route to a PATCH rule for the sell route', async () => {
      expectError(await call('patcher', 'PATCH', '/item/p-1/sell', {}), 404, 'NOT_FOUND'); // no such route
      expect((await call('patcher', 'PATCH', '/item/p-1/sell', {})).body).toEqual({
        error: 'No such route',
        code: 'NOT_FOUND',
      });
    });
  });
});

describe('grants endpoints need the right item role (repos)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startExample('repos');
  });
  afterAll(() => h.close());

  const grant = (who: string, repo: string, body: Record<string, unknown>) =>
    h.request('POST', `/repo/${repo}/grants`, { headers: as.user(who), body });

  it.each([
    ['anne (maintainer) granting maintainer', 'anne', 'react', { user: 'sam', grants: ['maintainer'] }],
    ['anne (maintainer) granting admin', 'anne', 'react', { user: 'anne', grants: ['admin'] }],
    [
      'anne (maintainer) claiming requires: admin',
      'anne',
      'react',
      { user: 'sam', grants: ['contributor'], requires: 'admin' },
    ],
    ['graham (contributor) granting contributor', 'graham', 'oso', { user: 'sam', grants: ['contributor'] }],
    [
      'graham (contributor) revoking himself',
      'graham',
      'oso',
      { user: 'graham', grants: ['contributor'], revoke: true },
    ],
    ['larry (no role on react) granting on it', 'larry', 'react', { user: 'larry', grants: ['admin'] }],
  ])('refuses %s with 403 and writes nothing', async (_, who, repo, body) => {
    const before = await snapshot(h);
    expectError(await grant(who, repo, body), 403, 'FORBIDDEN');
    expect(await snapshot(h)).toEqual(before);
  });

  it('refuses the grant list to a contributor and to a reader without a role, and shows it to a maintainer', async () => {
    expectError(await h.request('GET', '/repo/oso/grants', { headers: as.user('graham') }), 403, 'FORBIDDEN');
    expectError(await h.request('GET', '/repo/react/grants', { headers: as.user('larry') }), 403, 'FORBIDDEN');
    expect((await h.request('GET', '/repo/react/grants', { headers: as.user('anne') })).status).toBe(200);
  });

  it('lets the maintainer grant contributor (the control)', async () => {
    expect((await grant('anne', 'react', { user: 'sam', grants: ['contributor'] })).status).toBe(200);
  });
});
