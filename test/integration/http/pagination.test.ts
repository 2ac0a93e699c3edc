import { httpEvent, restEvent } from '../../factories/events';
import {
  type Answer,
  apiKey,
  expectError,
  get,
  idsOf,
  invoke,
  post,
  runtimeWith,
  userRecord,
} from '../../factories/http';
import { as, type Harness, type Reply, startHarness } from '../../support/harness';

// docs/reference/pagination.md#limit-and-next-links: `_limit` caps a page; a next link (relative `Link` and `X-Next-Cursor`) comes exactly when there may
// be more; walking every page sees each item once; a cursor is bound to stage, table, route, query and caller.

const pad = (n: number) => String(n).padStart(2, '0');
const items = Array.from({ length: 25 }, (_, i) => ({
  id: `p${pad(i + 1)}`,
  n: i + 1,
  grp: i % 2 === 0 ? 'g1' : 'g2',
  ...(i < 2 ? { tag: 'x/y' } : {}),
}));
const ALL = items.map((i) => i.id);
const reader = [get('/items(/[^/]+/.+)?'), post('/search/[^/]+')]; // values may hold a slash

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    env: { AUTH_CACHE_SECONDS: '300' }, // the records never change here
    dataTable: {
      partitionKey: { name: 'id', type: 'S' },
      indexes: [{ name: 'grp-index', partitionKey: { name: 'grp', type: 'S' } }],
    },
    seed: {
      items,
      authRecords: [
        apiKey('pager', { permitted_endpoints: reader }),
        apiKey('twin', { permitted_endpoints: reader }),
        userRecord('paula', { permitted_endpoints: reader }),
        apiKey('odd', { permitted_endpoints: reader, read_filters: [{ field: 'grp', value: 'g1' }] }),
      ],
    },
  });
});
afterAll(() => h.close());

const pager = as.key('pager');
const nextOf = (res: { headers: Headers }) => {
  const link = res.headers.get('link');
  if (!link) return undefined;
  const m = /^<([^>]+)>; rel="next"$/.exec(link);
  if (!m) throw new Error(`malformed Link header: ${link}`);
  return m[1]!;
};

/** Follows next links from `path` until there is none; answers the pages' ids. */
async function walk(path: string, opts: { method?: string; body?: unknown; key?: string } = {}) {
  const pages: unknown[][] = [];
  let next: string | undefined = path;
  while (next) {
    const res: Reply = await h.request(opts.method ?? 'GET', next, {
      headers: as.key(opts.key ?? 'pager'),
      body: opts.body,
    });
    expect(res.status).toBe(200);
    pages.push((res.body as Array<{ id: string }>).map((i) => i.id));
    const link = nextOf(res);
    if (link) expect(new URL(link, 'http://x').searchParams.get('_cursor')).toBe(res.headers.get('x-next-cursor'));
    else expect(res.headers.get('x-next-cursor')).toBeNull();
    next = link;
    if (pages.length > 50) throw new Error('too many pages');
  }
  return pages;
}

const cursorOf = async (path: string, key = 'pager') => {
  const res = await h.request('GET', path, { headers: as.key(key) });
  const cursor = res.headers.get('x-next-cursor');
  if (!cursor) throw new Error(`no cursor for ${path}`);
  return cursor;
};

describe('pages', () => {
  it('caps a page at _limit and links to the next one with a relative Link and X-Next-Cursor', async () => {
    // Act
    const res = await h.request('GET', '/items?n__gt=0&_limit=5', { headers: pager });
    // Assess
    expect(res.body).toHaveLength(5);
    const cursor = res.headers.get('x-next-cursor');
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(res.headers.get('link')).toBe(`</items?n__gt=0&_limit=5&_cursor=${cursor}>; rel="next"`);
  });

  it('answers everything in one page, without a next link, when no _limit is given', async () => {
    // Act
    const res = await h.request('GET', '/items', { headers: pager });
    // Assess
    expect(idsOf(res.body)).toEqual(ALL);
    expect(res.headers.get('link')).toBeNull();
    expect(res.headers.get('x-next-cursor')).toBeNull();
  });

  it.each([
    { what: 'a Scan', path: '/items?_limit=4', want: ALL },
    { what: 'a filtered Scan', path: '/items?n__gt=10&_limit=3', want: ALL.slice(10) },
    { what: 'an index Query', path: '/items?grp=g2&_limit=5', want: ALL.filter((_, i) => i % 2 === 1) },
    {
      what: 'an index Query with a condition left for memory',
      path: '/items?grp=g1&id__startswith=p1&_limit=2',
      want: ['p11', 'p13', 'p15', 'p17', 'p19'],
    },
    { what: 'a path filter', path: '/items/grp/g1?_limit=6', want: ALL.filter((_, i) => i % 2 === 0) },
    { what: 'a path filter with an encoded slash', path: '/items/tag/x%2Fy?_limit=1', want: ['p01', 'p02'] },
    { what: 'a key lookup', path: '/items?id__in=["p03","p01","p09","nope"]&_limit=1', want: ['p01', 'p03', 'p09'] },
  ])('walks every page of $what and sees each item exactly once', async ({ path, want }) => {
    // Act
    const pages = await walk(path.replaceAll('"', '%22'));
    // Assess
    const seen = pages.flat();
    expect(seen).toHaveLength(want.length);
    expect([...seen].sort()).toEqual(want);
    const limit = Number(new URL(path, 'http://x').searchParams.get('_limit'));
    for (const page of pages) expect(page.length).toBeLessThanOrEqual(limit);
  });

  it('walks the pages of a row-filtered list', async () => {
    const seen = (await walk('/items?_limit=4', { key: 'odd' })).flat();
    expect([...seen].sort()).toEqual(ALL.filter((_, i) => i % 2 === 0));
  });

  it.each([
    { what: 'one Query per index value', field: 'grp', body: ['g2', 'g1', 'g2'], want: ALL },
    {
      what: 'a Scan matching 2,000 operands in memory',
      field: 'n',
      body: Array.from({ length: 1000 }, (_, i) => i + 1),
      want: ALL,
    },
    { what: 'a Scan with IN groups', field: 'n', body: [3, 5, 7, 40], want: ['p03', 'p05', 'p07'] },
  ])('walks every page of a search by $what and sees each item once', async ({ field, body, want }) => {
    // Act
    const pages = await walk(`/search/${field}?_limit=4`, { method: 'POST', body });
    // Assess
    const seen = pages.flat();
    expect(seen).toHaveLength(want.length);
    expect([...seen].sort()).toEqual(want);
  });

  it('walks the pages of a search, posting the same body again', async () => {
    // Prepare
    const body = ['p02', 'p04', 'p06', 'p08', 'p10', 'nope'];
    // Act
    const pages = await walk('/search/id?_limit=2', { method: 'POST', body });
    // Assess
    expect(pages.flat().sort()).toEqual(['p02', 'p04', 'p06', 'p08', 'p10']);
  });
});

describe('next links from the Lambda code path', () => {
  const parse = (res: Answer) => /^<([^>]+)>; rel="next"$/.exec(res.headers.Link ?? '')?.[1];

  it.each([
    {
      shape: 'REST v1 with a stage',
      event: restEvent({ stage: 'prod', query: [['_limit', '3']], apiKeyId: 'pager' }),
      prefix: '/prod/items?',
    },
    {
      shape: 'REST v1 behind a custom domain',
      event: restEvent({ basePath: '/api', query: [['_limit', '3']], apiKeyId: 'pager' }),
      prefix: '/api/items?',
    },
    {
      shape: 'HTTP API v2 with a stage',
      event: httpEvent({ stage: 'prod', query: [['_limit', '3']], claims: { sub: 'paula' } }),
      prefix: '/prod/items?',
    },
  ])('builds the next link from the path the client used ($shape)', async ({ event, prefix }) => {
    // Act
    const res = await invoke(h.runtime, 'list', event);
    // Assess
    expect(res.status).toBe(200);
    const link = parse(res);
    expect(link?.startsWith(prefix)).toBe(true);
    expect(link).not.toMatch(/^https?:|\/\//);
  });

  it('keeps an encoded path parameter encoded in the next link of an HTTP API, which delivers it decoded', async () => {
    // Prepare
    const page = (cursor?: string) =>
      httpEvent({
        stage: 'prod',
        route: '/items/{search_key}/{search_value}',
        params: { search_key: 'tag', search_value: 'x%2Fy' },
        query: [['_limit', '1'], ...(cursor ? [['_cursor', cursor] as [string, string]] : [])],
        claims: { sub: 'paula' },
      });
    // Act
    const first = await invoke(h.runtime, 'list', page());
    const second = await invoke(h.runtime, 'list', page(first.headers['X-Next-Cursor']));
    // Assess
    expect(parse(first)).toMatch(/^\/prod\/items\/tag\/x%2Fy\?_limit=1&_cursor=/);
    expect(idsOf([...(first.body as unknown[]), ...(second.body as unknown[])])).toEqual(['p01', 'p02']);
  });

  it('accepts the cursor on the same stage and rejects it on another', async () => {
    // Prepare
    const first = await invoke(
      h.runtime,
      'list',
      restEvent({ stage: 'prod', query: [['_limit', '3']], apiKeyId: 'pager' }),
    );
    const cursor = first.headers['X-Next-Cursor']!;
    const next = (stage: string) =>
      restEvent({
        stage,
        query: [
          ['_limit', '3'],
          ['_cursor', cursor],
        ],
        apiKeyId: 'pager',
      });
    // Act
    const same = await invoke(h.runtime, 'list', next('prod'));
    const other = await invoke(h.runtime, 'list', next('dev'));
    // Assess
    expect(same.status).toBe(200);
    expectError(other, 400, 'INVALID_CURSOR');
  });
});

describe('cursors', () => {
  const invalid = { error: 'Invalid or expired cursor', code: 'INVALID_CURSOR' };

  it.each([
    { what: 'a short string', cursor: 'abc' },
    { what: 'random base64url', cursor: Buffer.alloc(60, 7).toString('base64url') },
    { what: 'characters outside base64url', cursor: `${'A'.repeat(60)}!` },
  ])('answers a forged cursor ($what) with 400 INVALID_CURSOR', async ({ cursor }) => {
    const res = await h.request('GET', `/items?_limit=2&_cursor=${encodeURIComponent(cursor)}`, { headers: pager });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(invalid);
  });

  it('answers a tampered cursor with 400 INVALID_CURSOR', async () => {
    // Prepare
    const cursor = await cursorOf('/items?_limit=2');
    const at = Math.floor(cursor.length / 2);
    const tampered = `${cursor.slice(0, at)}${cursor[at] === 'A' ? 'B' : 'A'}${cursor.slice(at + 1)}`;
    // Act
    const res = await h.request('GET', `/items?_limit=2&_cursor=${tampered}`, { headers: pager });
    // Assess
    expect(res.body).toEqual(invalid);
  });

  it.each([
    { what: 'another route', from: '/items?_limit=2', to: '/items/grp/g1?_limit=2' },
    { what: 'another path parameter', from: '/items/grp/g1?_limit=2', to: '/items/grp/g2?_limit=2' },
    { what: 'another query', from: '/items?grp=g1&_limit=2', to: '/items?grp=g2&_limit=2' },
    { what: 'an added filter', from: '/items?_limit=2', to: '/items?n__gt=1&_limit=2' },
  ])('answers a cursor presented on $what with 400 INVALID_CURSOR', async ({ from, to }) => {
    const cursor = await cursorOf(from);
    expect((await h.request('GET', `${to}&_cursor=${cursor}`, { headers: pager })).body).toEqual(invalid);
  });

  it('answers a cursor presented by another caller with 400 INVALID_CURSOR', async () => {
    // Prepare: twin has the very same permissions
    const cursor = await cursorOf('/items?_limit=2');
    // Act
    const res = await h.request('GET', `/items?_limit=2&_cursor=${cursor}`, { headers: as.key('twin') });
    // Assess
    expect(res.body).toEqual(invalid);
  });

  it('answers a search cursor presented with another body with 400 INVALID_CURSOR', async () => {
    // Prepare
    const first = await h.request('POST', '/search/grp?_limit=2', { headers: pager, body: ['g1'] });
    const cursor = first.headers.get('x-next-cursor');
    // Act
    const res = await h.request('POST', `/search/grp?_limit=2&_cursor=${cursor}`, { headers: pager, body: ['g2'] });
    // Assess
    expect(res.body).toEqual(invalid);
  });

  it('accepts the cursor with another _limit', async () => {
    const cursor = await cursorOf('/items?_limit=2');
    const res = await h.request('GET', `/items?_limit=30&_cursor=${cursor}`, { headers: pager });
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(23);
  });

  it('is accepted by another container with the same CURSOR_SECRET and refused under another secret', async () => {
    // Prepare
    const cursor = await cursorOf('/items?_limit=2');
    const sameSecret = await runtimeWith(h, {});
    const otherSecret = await runtimeWith(h, { CURSOR_SECRET: 'another-cursor-secret-9876543210' });
    const event = restEvent({
      stage: 'local',
      query: [
        ['_limit', '2'],
        ['_cursor', cursor],
      ],
      apiKeyId: 'pager',
    });
    // Act
    const same = await invoke(sameSecret, 'list', event);
    const other = await invoke(otherSecret, 'list', event);
    // Assess
    expect(same.status).toBe(200);
    expect(other.body).toEqual(invalid);
  });

  it('expires after 24 hours', async () => {
    // Prepare
    let clock = Date.parse('2026-03-01T00:00:00Z');
    const rt = await runtimeWith(h, {}, { now: () => clock });
    const page = (cursor?: string) =>
      invoke(
        rt,
        'list',
        restEvent({
          query: [['_limit', '2'], ...(cursor ? [['_cursor', cursor] as [string, string]] : [])],
          apiKeyId: 'pager',
        }),
      );
    const cursor = (await page()).headers['X-Next-Cursor']!;
    // Act
    clock += 24 * 60 * 60 * 1000 - 1000;
    const inTime = await page(cursor);
    clock += 2000;
    const late = await page(cursor);
    // Assess
    expect(inTime.status).toBe(200);
    expect(late.body).toEqual(invalid);
  });
});
