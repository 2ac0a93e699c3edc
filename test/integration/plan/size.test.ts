import { createHash } from 'node:crypto';
import { dropTables } from '../../../src/dynamo/admin';
import { apiKey, expectError } from '../../factories/http';
import { localDb, uniqueName } from '../../support/db';
import { as, type Harness, type Reply, startHarness } from '../../support/harness';
import { createPlanTable, idsIn, putItems, repeated, spy, walk } from './support';

// docs/reference/pagination.md#limit-and-next-links: every answer, with or without _limit, is cut below the 6 MB Lambda limit measured on the whole
// response envelope (the body is a JSON string inside it, so quotes and backslashes count twice), and a request
// stops reading after READ_BUDGET_MS with a cursor: never a 500 or a timeout for size.

/** Lambda's limit on a synchronous response: 6 MB, envelope included. */
const LAMBDA_LIMIT = 6 * 1024 * 1024;
// 17 bytes stored, 33 in the envelope: quotes, backslashes, control characters, 2-, 3- and 4-byte UTF-8.
const CHUNK = 'abc"\\\n\té€😀\u0001';
const COUNT = 300;
const big = (i: number) => ({
  id: `b${String(i).padStart(3, '0')}`,
  category: i % 2 ? 'odd' : 'even',
  price: i,
  rare: i % 50 === 7 ? 'yes' : 'no',
  payload: `${i}:${CHUNK.repeat(2900)}`, // ~50 KB stored, ~96 KB in the envelope
});
const ITEMS = Array.from({ length: COUNT }, (_, i) => big(i));
const allIds = ITEMS.map((r) => r.id).sort();
const digest = (s: string) => createHash('sha256').update(s).digest('hex');
const PAYLOADS = new Map(ITEMS.map((r) => [r.id, digest(r.payload)]));

/** The bytes of the Lambda proxy response this answer was (status, headers, body as a JSON string). */
const envelopeOf = (reply: Reply) =>
  Buffer.byteLength(
    JSON.stringify({ statusCode: reply.status, headers: Object.fromEntries(reply.headers), body: reply.text }),
  );

const READ = [
  { method: 'GET', endpoint: '.*' },
  { method: 'POST', endpoint: '/search/.*' },
];
const db = localDb();
let table: string;
let h: Harness;

beforeAll(async () => {
  table = uniqueName('size-data');
  await createPlanTable(db, table);
  await putItems(db, table, ITEMS);
  h = await startHarness({
    env: { DATA_TABLE: table },
    app: { uniqueRoutes: { '/payloads': 'payload' } },
    seed: { authRecords: [apiKey('reader', { permitted_endpoints: READ })] },
  });
}, 120_000);
afterAll(async () => {
  await h?.close();
  await dropTables(db, [table]);
  db.destroy();
});

const reader = as.key('reader');

/** Each page under the limit, every item exactly once and intact. */
function expectWhole(pages: Awaited<ReturnType<typeof walk>>, want: string[]) {
  for (const p of pages) expect(envelopeOf(p.reply)).toBeLessThan(LAMBDA_LIMIT);
  const seen = idsIn(pages);
  expect(repeated(seen)).toEqual([]);
  expect([...seen].sort()).toEqual(want);
  for (const item of pages.flatMap((p) => p.items)) {
    expect(digest(String(item.payload))).toBe(PAYLOADS.get(String(item.id)));
  }
}

describe('6 MB', () => {
  it("knows the table's stored size from DescribeTable: a hint that a Scan's answer will be cut", () => {
    // 300 items of ~49 KB stored (docs/explanation/performance.md#a-page-cut-below-6-mb)
    expect(h.runtime.deps.schema.storedBytes).toBeGreaterThan(COUNT * 45_000);
    expect(h.runtime.deps.schema.storedBytes).toBeLessThan(COUNT * 55_000);
  });

  it('a list without _limit is cut below 6 MB with a next link, and the pages return every item once', async () => {
    const first = await h.request('GET', '/items', { headers: reader });
    expect(first.status).toBe(200);
    expect(envelopeOf(first)).toBeLessThan(LAMBDA_LIMIT);
    expect(first.headers.get('link')).toMatch(/^<\/items\?_cursor=[^>]+>; rel="next"$/);
    const pages = await walk(h, '/items', { headers: reader });
    expect(pages.length).toBeGreaterThanOrEqual(4); // ~29 MB of envelope
    expectWhole(pages, allIds);
  });

  it('a large _limit does not lift the cut', async () => {
    const res = await h.request('GET', '/items?_limit=1000', { headers: reader });
    expect(envelopeOf(res)).toBeLessThan(LAMBDA_LIMIT);
    expect((res.body as unknown[]).length).toBeLessThan(COUNT);
    expect(res.headers.get('x-next-cursor')).toBeTruthy();
  });

  it.each([
    { plan: 'a Query', path: '/items?category=odd&price__gte=0', want: allIds.filter((_, i) => i % 2 === 1) },
    { plan: 'a filtered Scan', path: '/items?rare=no', want: ITEMS.filter((r) => r.rare === 'no').map((r) => r.id) },
    {
      plan: 'a BatchGetItem',
      path: `/items?id__in=${encodeURIComponent(JSON.stringify(allIds))}`,
      want: allIds,
    },
  ])('through $plan, pages are cut below 6 MB and return every item once', async ({ path, want }) => {
    expectWhole(await walk(h, path, { headers: reader }), [...want].sort());
  });

  it('a search is cut below 6 MB too', async () => {
    const pages = await walk(h, '/search/id', { method: 'POST', body: allIds, headers: reader });
    expect(pages.length).toBeGreaterThan(1);
    expectWhole(pages, allIds);
  });

  it('a unique listing past 6 MB is 413 PAYLOAD_TOO_LARGE, not a 500', async () => {
    expectError(await h.request('GET', '/payloads', { headers: reader }), 413, 'PAYLOAD_TOO_LARGE');
  });
});

describe('READ_BUDGET_MS', () => {
  // A clock that moves 25 ms each time it is read: the budget of 100 ms runs out after a few DynamoDB pages,
  // the same on every run, however fast the machine is.
  let ticks = Date.parse('2025-05-01T00:00:00Z');
  let slow: Harness;
  beforeAll(async () => {
    slow = await startHarness({
      env: { DATA_TABLE: table, READ_BUDGET_MS: '100' },
      app: { uniqueRoutes: { '/payloads': 'payload' } },
      overrides: {
        now: () => {
          ticks += 25;
          return ticks;
        },
      },
      seed: { authRecords: [apiKey('reader', { permitted_endpoints: READ })] },
    });
  });
  afterAll(() => slow?.close());

  it('a scan that outlasts the budget answers a page with a cursor, and the pages find every item once', async () => {
    const s = spy(slow.db);
    try {
      const first = await slow.request('GET', '/items?rare=yes', { headers: reader });
      expect(first.status).toBe(200);
      expect(first.headers.get('x-next-cursor')).toBeTruthy();
      const scansPerPage = s.on(table).length;
      s.reset();
      const pages = await walk(slow, '/items?rare=yes', { headers: reader });
      const scans = s.on(table).length;
      expect(scansPerPage).toBeLessThan(scans); // the first request stopped before the end of the table
      expect(pages.length).toBeGreaterThan(1);
      expect(repeated(idsIn(pages))).toEqual([]);
      expect(idsIn(pages).sort()).toEqual(ITEMS.filter((r) => r.rare === 'yes').map((r) => r.id));
    } finally {
      s.stop();
    }
  });

  it('a search through a Scan stops with a cursor too', async () => {
    const pages = await walk(slow, '/search/rare', { method: 'POST', body: ['yes'], headers: reader });
    expect(pages.length).toBeGreaterThan(1);
    expect(idsIn(pages).sort()).toEqual(ITEMS.filter((r) => r.rare === 'yes').map((r) => r.id));
  });

  it('a unique listing that outlasts the budget is 413 PAYLOAD_TOO_LARGE, not a 500', async () => {
    expectError(await slow.request('GET', '/payloads?rare=yes', { headers: reader }), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('with the real clock and the smallest budget, every answer is 200 and the pages find every item', async () => {
    const real = await startHarness({
      env: { DATA_TABLE: table, READ_BUDGET_MS: '100' },
      seed: { authRecords: [apiKey('reader', { permitted_endpoints: READ })] },
    });
    try {
      const pages = await walk(real, '/items?rare=yes', { headers: reader });
      expect(repeated(idsIn(pages))).toEqual([]);
      expect(idsIn(pages).sort()).toEqual(ITEMS.filter((r) => r.rare === 'yes').map((r) => r.id));
    } finally {
      await real.close();
    }
  });
});
