// OWASP API1:2023 Broken Object Level Authorization. Scoutr's defence: every read and write of one item is decided
// on the stored row against the caller's row filters (read_filters, and item roles held in the row's own `_acl`),
// and a row the caller may not see answers exactly what a missing row answers: 404 NOT_FOUND, never 403 (docs/reference/permissions.md#404-or-403), so no id can be probed. Lists and searches carry the read filters into every DynamoDB request, and
// a cursor is encrypted, authenticated and bound to its caller and query (docs/reference/pagination.md#cursors), so a page never reaches foreign rows.
import petstore from '../../example/petstore/scoutr.config';
import { items as pets } from '../../example/petstore/seed';
import * as reposSeed from '../../example/repos/seed';
import { dataTableOf } from '../../src/core/app';
import { expectError, userRecord } from '../factories/http';
import { snapshot } from '../integration/write/support';
import { startExample } from '../support/examples';
import { as, type Harness, startHarness } from '../support/harness';

const NOT_FOUND = { error: 'Item not found', code: 'NOT_FOUND' };
const ids = (body: unknown, key = 'id') => (body as Array<Record<string, unknown>>).map((i) => i[key]).sort();

describe('pet store: a customer who may call every endpoint but sees only his own pets', () => {
  let h: Harness;
  // Owen may call everything (so no endpoint rule decides); only his read filter keeps him to his own pets.
  const everything = [{ method: '*', endpoint: '.*' }];
  const owner = {
    permitted_endpoints: everything,
    read_filters: [{ field: 'owner', value: `\${user.username}` }],
  };
  const seedItems: Array<Record<string, unknown>> = [
    ...pets,
    { id: 'm-1', name: 'Mallory cat', type: 'cat', status: 'sold', price: 1, owner: 'mal' },
  ];
  const mine = (who: string) => seedItems.filter((p) => p.owner === who).map((p) => p.id);
  const owen = { headers: as.user('owen') };

  beforeAll(async () => {
    h = await startHarness({
      app: petstore,
      dataTable: dataTableOf(petstore),
      seed: { items: seedItems, authRecords: [userRecord('owen', owner), userRecord('mal', owner)] },
    });
  });
  afterAll(() => h.close());

  it('reads his own pets (the control: the filter is what denies the others)', async () => {
    expect(mine('owen')).toEqual(['p-5', 'p-6']);
    expect((await h.request('GET', '/item/p-5', owen)).status).toBe(200);
    expect((await h.request('PATCH', '/item/p-5', { ...owen, body: { notes: 'mine' } })).status).toBe(200);
  });

  it.each([
    ['GET', '/item/p-1', undefined],
    ['PUT', '/item/p-1', { notes: 'x' }],
    ['PATCH', '/item/p-1', { notes: 'x' }],
    ['PATCH', '/item/p-1', { owner: 'owen' }], // claiming a foreign row is no way in either
    ['DELETE', '/item/p-1', undefined],
    ['POST', '/item/p-1/sell', { owner: 'owen' }],
    ['GET', '/item/m-1', undefined],
    ['DELETE', '/item/m-1', undefined],
    ['GET', '/audit/p-1', undefined],
    ['GET', '/history/m-1', undefined],
  ])('answers %s %s on a foreign row 404, as for a missing one, and writes nothing', async (method, path, body) => {
    // Prepare
    const before = await snapshot(h);
    const missing = path.replace(/p-1|m-1/, 'no-such-pet');
    // Act
    const foreign = await h.request(method, path, { ...owen, body });
    const absent = await h.request(method, missing, { ...owen, body });
    // Assess
    expectError(foreign, 404, 'NOT_FOUND');
    expect(foreign.body).toEqual(absent.body);
    expect(foreign.headers.get('etag')).toBeNull();
    expect(await snapshot(h)).toEqual(before);
  });

  it('never answers NOT_FOUND with anything that tells a foreign row from a missing one', async () => {
    const foreign = await h.request('GET', '/item/p-1', owen);
    expect(foreign.body).toEqual(NOT_FOUND);
    expect(foreign.text).not.toMatch(/p-1|owner|Rex/);
  });

  it.each([
    '/items',
    '/items?owner=mal',
    '/items?owner__ne=owen',
    '/items?owner__in=["mal","owen"]',
    '/items?owner__exists=false',
    '/items/owner/mal',
    '/items/status/available',
    '/items/type/cat',
  ])('lists only his own rows for %s', async (path) => {
    const res = await h.request('GET', path, owen);
    expect(res.status).toBe(200);
    for (const id of ids(res.body)) expect(mine('owen')).toContain(id);
    if (path === '/items') expect(ids(res.body)).toEqual(mine('owen'));
  });

  it('searches only his own rows, even by id', async () => {
    const res = await h.request('POST', '/search/id', { ...owen, body: seedItems.map((p) => p.id) });
    expect(res.status).toBe(200);
    expect(ids(res.body)).toEqual(mine('owen'));
  });

  it('lists distinct values of his own rows only', async () => {
    const res = await h.request('GET', '/types', owen);
    expect(res.status).toBe(200);
    const want = [...new Set(seedItems.filter((p) => p.owner === 'owen').map((p) => p.type))].sort();
    expect(res.body).toEqual(want);
  });

  it('walks every page of his list with cursors and meets no foreign row', async () => {
    const seen: unknown[] = [];
    let path: string | undefined = '/items?_limit=1';
    for (let i = 0; path && i < 20; i++) {
      const res = await h.request('GET', path, owen);
      expect(res.status).toBe(200);
      seen.push(...ids(res.body));
      const link = res.headers.get('link');
      path = link ? /^<([^>]+)>/.exec(link)?.[1] : undefined;
    }
    expect(seen.sort()).toEqual(mine('owen'));
  });

  it("refuses another caller's cursor, and a tampered one, with 400 INVALID_CURSOR", async () => {
    // Prepare: mal's first page ends on his only row, owen's on one of his
    const malPage = await h.request('GET', '/items?_limit=1', { headers: as.user('mal') });
    const owenPage = await h.request('GET', '/items?_limit=1', owen);
    const malCursor = malPage.headers.get('x-next-cursor') ?? '';
    const owenCursor = owenPage.headers.get('x-next-cursor') ?? '';
    expect(owenCursor).not.toBe('');
    const at = Math.floor(owenCursor.length / 2);
    const flipped = `${owenCursor.slice(0, at)}${owenCursor[at] === 'A' ? 'B' : 'A'}${owenCursor.slice(at + 1)}`;
    // Act / Assess
    for (const cursor of [malCursor, flipped, `${owenCursor}A`, owenCursor.slice(0, -2)].filter(Boolean)) {
      const res = await h.request('GET', `/items?_limit=1&_cursor=${cursor}`, owen);
      expectError(res, 400, 'INVALID_CURSOR');
    }
    // the genuine cursor still works (the control)
    expect((await h.request('GET', `/items?_limit=1&_cursor=${owenCursor}`, owen)).status).toBe(200);
  });
});

describe('recipes: grants endpoints on a recipe the caller cannot view', () => {
  let h: Harness;
  let recipe: string;
  beforeAll(async () => {
    h = await startExample('recipes');
    const created = await h.request('POST', '/recipe', {
      headers: as.user('user1'),
      body: { title: 'secret soup', ingredients: ['water'] },
    });
    expect(created.status).toBe(201);
    recipe = `/recipe/${(created.body as { id: string }).id}`;
  });
  afterAll(() => h.close());

  it('shows the grants to the owner (the control)', async () => {
    const res = await h.request('GET', `${recipe}/grants`, { headers: as.user('user1') });
    expect(res.body).toEqual({ own: ['user1'], edit: ['user1'], view: ['user1'] });
  });

  it.each([
    ['GET', undefined],
    ['POST', { user: 'user2', grants: ['view'] }],
    ['POST', { user: 'user2', grants: ['own', 'edit', 'view'] }],
    ['POST', { user: 'user1', grants: ['own'], revoke: true }],
  ])('answers %s grants of a stranger 404, as for a missing recipe, and writes nothing', async (method, body) => {
    // Prepare
    const before = await snapshot(h);
    // Act
    const foreign = await h.request(method, `${recipe}/grants`, { headers: as.user('user2'), body });
    const absent = await h.request(method, '/recipe/no-such-recipe/grants', { headers: as.user('user2'), body });
    // Assess
    expectError(foreign, 404, 'NOT_FOUND');
    expect(foreign.body).toEqual(absent.body);
    expect(await snapshot(h)).toEqual(before);
    expect((await h.request('GET', recipe, { headers: as.user('user2') })).status).toBe(404);
  });

  it('never lists the recipe to a stranger', async () => {
    const res = await h.request('GET', '/recipes', { headers: as.user('user2') });
    expect(res.body).toEqual([]);
  });
});

describe('repos: grants endpoints on a repository the caller cannot read', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startExample('repos');
  });
  afterAll(() => h.close());

  it.each([
    ['graham', 'gmail'],
    ['anne', 'oso'],
    ['anne', 'gmail'],
  ])('answers %s on the grants of %s 404 for GET and POST, as for a missing repository', async (who, repo) => {
    const headers = as.user(who);
    const before = await snapshot(h);
    for (const [method, body] of [
      ['GET', undefined],
      ['POST', { user: 'sam', grants: ['contributor'] }],
    ] as const) {
      const foreign = await h.request(method, `/repo/${repo}/grants`, { headers, body });
      const absent = await h.request(method, '/repo/no-such-repo/grants', { headers, body });
      expectError(foreign, 404, 'NOT_FOUND');
      expect(foreign.body).toEqual(absent.body);
    }
    expect(await snapshot(h)).toEqual(before);
  });

  it('lets a contributor who sees the repository see 403 (not 404) for grants he may not read', async () => {
    // graham can read oso, so the truth (403) is no leak; this pins that 404 above comes from visibility alone
    expectError(await h.request('GET', '/repo/oso/grants', { headers: as.user('graham') }), 403, 'FORBIDDEN');
    expect((await h.request('GET', '/repo/gmail/grants', { headers: as.user('larry') })).status).toBe(200);
  });

  it('answers a caller without the grants endpoints 403 alike for a hidden and a missing repository', async () => {
    // sam has only the public-reader role: the endpoint rule decides first, before any row is read
    for (const path of ['/repo/gmail/grants', '/repo/no-such-repo/grants']) {
      expectError(await h.request('GET', path, { headers: as.user('sam') }), 403, 'FORBIDDEN');
    }
  });

  it('lists to anonymous callers the public repositories only', async () => {
    const res = await h.request('GET', '/repos', { headers: {} });
    expect(ids(res.body, 'name')).toEqual(reposSeed.items.filter((r) => r.is_public).map((r) => r.name));
  });
});
