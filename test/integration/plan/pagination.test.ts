import { DeleteItemCommand, PutItemCommand, type AttributeValue as SdkValue } from '@aws-sdk/client-dynamodb';
import { dropTables } from '../../../src/dynamo/admin';
import { apiKey, expectError } from '../../factories/http';
import { localDb, uniqueName } from '../../support/db';
import { as, type Harness, startHarness } from '../../support/harness';
import { createPlanTable, idsIn, nextOf, type Page, putItems, repeated, spy, toItem, walk } from './support';

// docs/reference/pagination.md#limit-and-next-links: walking every page through the Link header sees each visible item exactly once, whatever the plan
// (Scan, Query, BatchGetItem, a filter DynamoDB applies, a residual Scoutr applies), also while items are added
// and removed between pages; and a cursor only works for the request it was issued for, for 24 hours.

type Row = Record<string, unknown> & { id: string };
const CATEGORIES = ['c1', 'c2', 'c3'];
const row = (i: number, id = `p${String(i).padStart(3, '0')}`): Row => ({
  id,
  category: CATEGORIES[i % 3],
  price: (i * 37) % 100,
  status: i % 4 < 2 ? 'on' : 'off',
  team: i % 2 ? 'red' : 'blue',
  name: `name ${i}`,
  // varied sizes, so DynamoDB pages and Scoutr pages do not line up
  note: 'x'.repeat((i * 131) % 700),
});
const ITEMS: Row[] = Array.from({ length: 120 }, (_, i) => row(i));
const sortedIds = (rows: readonly Row[]) => rows.map((r) => r.id).sort();
const where = (f: (r: Row, i: number) => boolean) => sortedIds(ITEMS.filter(f));
const MISSING = Array.from({ length: 40 }, (_, i) => `missing-${i}`);

const ALL = [
  { method: 'GET', endpoint: '.*' },
  { method: 'POST', endpoint: '/search/.*' },
];

const START = Date.parse('2025-03-01T12:00:00Z');
let clock = START;
let h: Harness;
let table: string;
const db = localDb();

beforeAll(async () => {
  table = uniqueName('page-data');
  await createPlanTable(db, table);
  await putItems(db, table, ITEMS);
  h = await startHarness({
    env: { DATA_TABLE: table },
    overrides: { now: () => clock },
    seed: {
      authRecords: [
        apiKey('reader', { permitted_endpoints: ALL }),
        apiKey('twin', { permitted_endpoints: ALL }),
        apiKey('on-only', { permitted_endpoints: ALL, read_filters: [{ field: 'status', value: 'on' }] }),
        apiKey('shifty', { permitted_endpoints: ALL }),
      ],
    },
  });
});
afterAll(async () => {
  await h?.close();
  await dropTables(db, [table]);
  db.destroy();
});
beforeEach(() => {
  clock = START;
});

const reader = as.key('reader');
const qs = (query: Record<string, string>) => new URLSearchParams(query).toString();

/** Every id seen exactly once, and the pages respect the limit. */
function expectEachOnce(pages: Page[], want: string[], limit: number) {
  const seen = idsIn(pages);
  expect(repeated(seen)).toEqual([]);
  expect([...seen].sort()).toEqual(want);
  for (const p of pages) expect(p.items.length).toBeLessThanOrEqual(limit);
  expect(pages.length).toBeGreaterThanOrEqual(Math.ceil(want.length / limit));
}

describe('walking every page', () => {
  it.each([
    { plan: 'a Scan', path: `/items?${qs({ _limit: '7' })}`, want: sortedIds(ITEMS), limit: 7, op: 'Scan' },
    {
      plan: 'a Scan with a FilterExpression',
      path: `/items?${qs({ status: 'on', _limit: '5' })}`,
      want: where((r) => r.status === 'on'),
      limit: 5,
      op: 'Scan',
    },
    {
      plan: 'a Scan with a row filter',
      path: `/items?${qs({ name__contains: '1', _limit: '6' })}`,
      headers: as.key('on-only'),
      want: where((r) => r.status === 'on' && String(r.name).includes('1')),
      limit: 6,
      op: 'Scan',
    },
    {
      plan: 'a Query',
      path: `/items?${qs({ category: 'c1', price__gte: '0', _limit: '4' })}`,
      want: where((r) => r.category === 'c1'),
      limit: 4,
      op: 'Query',
    },
    {
      plan: 'a Query with a residual evaluated in memory',
      path: `/items?${qs({ category: 'c2', price__gt: '10', price__lt: '90', _limit: '3' })}`,
      want: where((r) => r.category === 'c2' && (r.price as number) > 10 && (r.price as number) < 90),
      limit: 3,
      op: 'Query',
    },
    {
      plan: 'a BatchGetItem over more than 100 keys',
      path: `/items?${qs({ id__in: JSON.stringify([...MISSING, ...ITEMS.map((r) => r.id)]), _limit: '9' })}`,
      want: sortedIds(ITEMS),
      limit: 9,
      op: 'BatchGetItem',
    },
    {
      plan: 'a BatchGetItem with a residual',
      path: `/items?${qs({ id__in: JSON.stringify([...MISSING, ...ITEMS.map((r) => r.id)]), status: 'off', _limit: '8' })}`,
      want: where((r) => r.status === 'off'),
      limit: 8,
      op: 'BatchGetItem',
    },
  ])('through $plan sees each item exactly once', async ({ path, want, limit, op, headers }) => {
    const s = spy(h.db);
    try {
      const pages = await walk(h, path, { headers: headers ?? reader });
      expectEachOnce(pages, want, limit);
      expect(new Set(s.on(table).map((c) => c.command))).toEqual(new Set([op]));
    } finally {
      s.stop();
    }
  });

  it.each([
    {
      plan: 'BatchGetItem',
      field: 'id',
      values: [...ITEMS.map((r) => r.id), ...MISSING],
      want: sortedIds(ITEMS),
      op: 'BatchGetItem',
    },
    {
      plan: 'one Query per value',
      field: 'team',
      values: ['red', 'blue', 'green'],
      want: sortedIds(ITEMS),
      op: 'Query',
    },
    {
      plan: 'a Scan with IN groups',
      field: 'name',
      values: [...ITEMS.filter((_, i) => i % 3 === 0).map((r) => r.name), 'nobody'],
      want: where((_, i) => i % 3 === 0),
      op: 'Scan',
    },
    {
      // 1000 values do not fit in one expression: one Scan of the table, the values matched in memory.
      plan: 'a Scan whose match is a residual',
      field: 'name',
      values: [
        ...ITEMS.filter((_, i) => i % 4 === 1).map((r) => r.name),
        ...Array.from({ length: 970 }, (_, i) => `nobody ${i}`),
      ],
      want: where((_, i) => i % 4 === 1),
      op: 'Scan',
      inMemory: true,
    },
    {
      plan: 'a Scan filtering rows, whose match is a residual',
      field: 'name',
      values: [...ITEMS.map((r) => r.name), ...Array.from({ length: 880 }, (_, i) => `nobody ${i}`)],
      headers: as.key('on-only'),
      want: where((r) => r.status === 'on'),
      op: 'Scan',
      inMemory: true,
    },
  ])('a search through $plan sees each item exactly once', async ({ field, values, want, op, inMemory, headers }) => {
    const s = spy(h.db);
    try {
      const pages = await walk(h, `/search/${field}?_limit=6`, {
        method: 'POST',
        body: values,
        headers: headers ?? reader,
      });
      expectEachOnce(pages, want, 6);
      expect(new Set(s.on(table).map((c) => c.command))).toEqual(new Set([op]));
      // The values are matched in memory: no IN group went to DynamoDB.
      if (inMemory) for (const c of s.on(table)) expect(c.input.FilterExpression ?? '').not.toContain(' IN ');
    } finally {
      s.stop();
    }
  });

  it('a Scan without filters asks DynamoDB for pages of the limit, and may end with an empty page', async () => {
    const s = spy(h.db);
    try {
      const pages = await walk(h, `/items?_limit=${ITEMS.length}`, { headers: reader });
      expectEachOnce(pages, sortedIds(ITEMS), ITEMS.length);
      for (const c of s.on(table)) expect(c.input.Limit).toBe(ITEMS.length);
    } finally {
      s.stop();
    }
  });

  it('the next link is relative and keeps the other parameters; X-Next-Cursor is its _cursor', async () => {
    const res = await h.request('GET', `/items?${qs({ status: 'on', _limit: '2' })}`, { headers: reader });
    const next = nextOf(res)!;
    expect(next).toMatch(/^\/items\?/);
    const params = new URL(next, 'http://x').searchParams;
    expect(params.get('status')).toBe('on');
    expect(params.get('_limit')).toBe('2');
    expect(params.get('_cursor')).toBe(res.headers.get('x-next-cursor'));
  });

  it('the last page has no next link and no X-Next-Cursor', async () => {
    const res = await h.request('GET', `/items?${qs({ id: 'p001' })}`, { headers: reader });
    expect(res.body).toHaveLength(1);
    expect(res.headers.get('link')).toBeNull();
    expect(res.headers.get('x-next-cursor')).toBeNull();
  });
});

describe('walking while the table changes', () => {
  // A deterministic choice of victims, so a failure replays.
  const rng = (seed: number) => () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const put = (r: Row) =>
    db.send(new PutItemCommand({ TableName: table, Item: toItem(r) as Record<string, SdkValue> }));
  const del = (id: string) => db.send(new DeleteItemCommand({ TableName: table, Key: { id: { S: id } } }));

  const everyId = [...ITEMS.map((r) => r.id), ...Array.from({ length: 40 }, (_, n) => `new-${n}`)];
  const names = [...ITEMS.map((r) => String(r.name)), ...Array.from({ length: 880 }, (_, n) => `fresh ${n}`)];
  it.each([
    {
      plan: 'a Scan',
      path: `/items?${qs({ _limit: '6' })}`,
      matches: (_r: Row) => true,
      fresh: (n: number) => row(n, `new-${n}`),
    },
    {
      plan: 'a Query',
      path: `/items?${qs({ category: 'c1', price__gte: '0', _limit: '3' })}`,
      matches: (r: Row) => r.category === 'c1',
      fresh: (n: number) => ({ ...row(n, `new-${n}`), category: 'c1' }),
    },
    {
      plan: 'a Query with a residual',
      path: `/items?${qs({ category: 'c2', price__gt: '5', price__lt: '95', _limit: '3' })}`,
      matches: (r: Row) => r.category === 'c2' && (r.price as number) > 5 && (r.price as number) < 95,
      fresh: (n: number) => ({ ...row(n, `new-${n}`), category: 'c2', price: 50 }),
    },
    {
      plan: 'a BatchGetItem',
      path: `/items?${qs({ id__in: JSON.stringify(everyId), _limit: '7' })}`,
      matches: (_r: Row) => true,
      fresh: (n: number) => row(n, `new-${n}`),
    },
    {
      plan: 'a filtered Scan with a residual',
      path: '/search/name?_limit=4',
      body: names,
      headers: as.key('on-only'),
      matches: (r: Row) => r.status === 'on',
      fresh: (n: number) => ({ ...row(n, `new-${n}`), name: `fresh ${n}`, status: 'on' }),
    },
  ])('through $plan returns no item twice and every item present throughout', async (c) => {
    const random = rng(42);
    const deleted = new Set<string>();
    const added: Row[] = [];
    try {
      const pages = await walk(h, c.path, {
        headers: c.headers ?? reader,
        ...(c.body ? { method: 'POST', body: c.body } : {}),
        between: async (page, index) => {
          // Remove the item the page ended on (the cursor's position), and another one anywhere.
          const last = page.items.at(-1);
          const victims = [...(last ? [String(last.id)] : []), ITEMS[Math.floor(random() * ITEMS.length)]!.id];
          for (const id of victims) {
            if (deleted.has(id)) continue;
            deleted.add(id);
            await del(id);
          }
          const item = c.fresh(index);
          added.push(item);
          await put(item);
        },
      });
      const seen = idsIn(pages);
      expect(repeated(seen)).toEqual([]);
      const throughout = ITEMS.filter((r) => c.matches(r) && !deleted.has(r.id)).map((r) => r.id);
      expect(seen).toEqual(expect.arrayContaining(throughout));
      const possible = new Set([...ITEMS, ...added].filter(c.matches).map((r) => r.id));
      expect(seen.filter((id) => !possible.has(id))).toEqual([]);
      expect(deleted.size).toBeGreaterThan(2);
    } finally {
      for (const r of added) await del(r.id);
      await putItems(
        db,
        table,
        ITEMS.filter((r) => deleted.has(r.id)),
      );
    }
  });
});

describe('a cursor only works where it was issued', () => {
  const path = `/items?${qs({ status: 'on', _limit: '3' })}`;
  const cursorOf = async (p = path, headers = reader) => {
    const res = await h.request('GET', p, { headers });
    const cursor = res.headers.get('x-next-cursor');
    expect(cursor).toBeTruthy();
    return cursor!;
  };
  const withCursor = (p: string, cursor: string) => `${p}${p.includes('?') ? '&' : '?'}_cursor=${cursor}`;

  it('resumes the same query for the same caller, with another _limit too, and can be replayed', async () => {
    const cursor = await cursorOf();
    const a = await h.request('GET', withCursor(path, cursor), { headers: reader });
    const b = await h.request('GET', withCursor(`/items?${qs({ status: 'on', _limit: '5' })}`, cursor), {
      headers: reader,
    });
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect((b.body as Row[]).slice(0, 3)).toEqual(a.body);
  });

  it.each([
    { what: 'another query value', path: `/items?${qs({ status: 'off', _limit: '3' })}` },
    { what: 'another filter', path: `/items?${qs({ status: 'on', team: 'red', _limit: '3' })}` },
    { what: 'no filter', path: `/items?${qs({ _limit: '3' })}` },
    { what: 'another route with the same filter', path: `/items/status/on?${qs({ _limit: '3' })}` },
  ])('is 400 INVALID_CURSOR with $what', async ({ path: other }) => {
    const cursor = await cursorOf();
    expectError(await h.request('GET', withCursor(other, cursor), { headers: reader }), 400, 'INVALID_CURSOR');
  });

  it('is 400 INVALID_CURSOR for another caller, even one with the same permissions', async () => {
    const cursor = await cursorOf();
    const res = await h.request('GET', withCursor(path, cursor), { headers: as.key('twin') });
    expectError(res, 400, 'INVALID_CURSOR');
  });

  it('is 400 INVALID_CURSOR for another search body', async () => {
    const res = await h.request('POST', '/search/team?_limit=2', { headers: reader, body: ['red'] });
    const cursor = res.headers.get('x-next-cursor')!;
    expect(cursor).toBeTruthy();
    const same = await h.request('POST', `/search/team?_limit=2&_cursor=${cursor}`, { headers: reader, body: ['red'] });
    expect(same.status).toBe(200);
    const other = await h.request('POST', `/search/team?_limit=2&_cursor=${cursor}`, {
      headers: reader,
      body: ['blue'],
    });
    expectError(other, 400, 'INVALID_CURSOR');
  });

  // Not the last character: its low bits may be padding that decoding ignores.
  const flip = (c: string, at: number) => `${c.slice(0, at)}${c.at(at) === 'A' ? 'B' : 'A'}${c.slice(at + 1)}`;
  it.each([
    { what: 'a character of the IV changed', tamper: (c: string) => flip(c, 3) },
    { what: 'a character of the payload changed', tamper: (c: string) => flip(c, 30) },
    { what: 'a character of the tag changed', tamper: (c: string) => flip(c, c.length - 5) },
    { what: 'truncated', tamper: (c: string) => c.slice(0, -4) },
    { what: 'extended', tamper: (c: string) => `${c}AAAA` },
    { what: 'not base64url', tamper: (c: string) => `${c.slice(0, 10)}+/${c.slice(12)}` },
    { what: 'random', tamper: (c: string) => Buffer.alloc(c.length, 7).toString('base64url').slice(0, c.length) },
  ])('is 400 INVALID_CURSOR when $what', async ({ tamper }) => {
    const cursor = await cursorOf();
    const res = await h.request('GET', withCursor(path, encodeURIComponent(tamper(cursor))), { headers: reader });
    expectError(res, 400, 'INVALID_CURSOR');
  });

  it('works until it is 24 hours old, and is 400 INVALID_CURSOR after', async () => {
    const cursor = await cursorOf();
    clock = START + 24 * 60 * 60 * 1000 - 60_000;
    expect((await h.request('GET', withCursor(path, cursor), { headers: reader })).status).toBe(200);
    clock = START + 24 * 60 * 60 * 1000 + 1000;
    expectError(await h.request('GET', withCursor(path, cursor), { headers: reader }), 400, 'INVALID_CURSOR');
  });
});

describe("a caller's filters are recomputed on every page", () => {
  // The auth cache is off in the harness (AUTH_CACHE_SECONDS=0): a changed record applies to the next request.
  const setShifty = (fields: Record<string, unknown>) =>
    db.send(
      new PutItemCommand({
        TableName: h.tables.auth,
        Item: toItem({ id: 'shifty', type: 'API_KEY', permitted_endpoints: ALL, ...fields }) as Record<
          string,
          SdkValue
        >,
      }),
    );
  afterEach(() => setShifty({}));

  it('a row filter added between pages applies to the next page', async () => {
    let changed = false;
    const pages = await walk(h, `/items?${qs({ price__gte: '0', _limit: '10' })}`, {
      headers: as.key('shifty'),
      between: async () => {
        if (changed) return;
        changed = true;
        await setShifty({ read_filters: [{ field: 'status', value: 'on' }] });
      },
    });
    expect(pages.length).toBeGreaterThan(2);
    for (const p of pages.slice(1)) for (const item of p.items) expect(item.status).toBe('on');
    expect(repeated(idsIn(pages))).toEqual([]);
  });

  it('a change of role that changes the plan makes the cursor 400 INVALID_CURSOR', async () => {
    const first = await h.request('GET', `/items?${qs({ price__gte: '0', _limit: '5' })}`, {
      headers: as.key('shifty'),
    });
    const next = nextOf(first)!;
    expect(next).toBeTruthy();
    // With a filter pinning category, the same query becomes a Query on category-index: not the Scan the cursor
    // was issued for.
    await setShifty({ read_filters: [{ field: 'category', value: 'c1' }] });
    const res = await h.request('GET', next, { headers: as.key('shifty') });
    expectError(res, 400, 'INVALID_CURSOR');
  });
});
