// OWASP API4:2023 Unrestricted Resource Consumption. Scoutr's defence: every request is bounded before and while it
// reads. Bodies over 350 KB are 413 and paths over 2,048 characters 414, both before any data is read (docs/reference/permissions.md#order-of-checks,
// docs/reference/errors.md#the-error-body); `_limit` is an integer 1..1000; a search takes 1..1000 values; a query is refused with 400 QUERY_TOO_COMPLEX
// past DynamoDB's expression limits (4 KB, 300 operators) instead of being sent; nesting past 32 levels is 400; and
// a list stops reading after READ_BUDGET_MS, answering what it has with a cursor (docs/reference/pagination.md#cursors), so no request scans a table
// for as long as it likes. (API Gateway and Lambda cap the request line, headers and concurrency in front of this.)
import { apiKey, expectError, expectInvalidQuery } from '../factories/http';
import { snapshot } from '../integration/write/support';
import { as, type Harness, startHarness } from '../support/harness';

const COUNT = 60;
const items = Array.from({ length: COUNT }, (_, i) => ({
  id: `i${String(i).padStart(2, '0')}`,
  n: i,
  tag: i === COUNT - 1 ? 'rare' : 'common',
}));

// A clock that the read-budget test makes jump a whole budget each time it is read; the real clock otherwise.
const BUDGET_MS = 20_000;
let jumping = false;
let ticks = Date.now();
const now = () => {
  if (!jumping) return Date.now();
  ticks += BUDGET_MS;
  return ticks;
};

let h: Harness;
let scans = 0;
beforeAll(async () => {
  h = await startHarness({
    env: { READ_BUDGET_MS: String(BUDGET_MS) },
    overrides: { now },
    seed: { items, authRecords: [apiKey('k', { permitted_endpoints: [{ method: '*', endpoint: '.*' }] })] },
  });
  h.db.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { TableName?: string };
      if (context.commandName === 'ScanCommand' && input.TableName === h.tables.data) scans++;
      return next(args);
    },
    { step: 'initialize', name: 'countScans' },
  );
});
afterAll(() => h.close());

const send = (method: string, path: string, body?: unknown) => h.request(method, path, { headers: as.key('k'), body });
const KB = 1024;
/** A JSON object body of exactly `bytes` bytes. */
const bodyOf = (bytes: number, fields: Record<string, unknown> = {}) => {
  const base = JSON.stringify({ ...fields, pad: '' });
  return JSON.stringify({ ...fields, pad: 'x'.repeat(bytes - base.length) });
};

describe('request size', () => {
  it.each([
    ['POST', '/item'],
    ['PATCH', '/item/i00'],
    ['PUT', '/item/i00'],
    ['POST', '/search/id'],
    ['POST', '/user/has-permission'],
  ])('answers a body of 350 KB + 1 byte to %s %s with 413, writing nothing', async (method, path) => {
    const before = await snapshot(h);
    const body = bodyOf(350 * KB + 1, { id: 'big' });
    expect(Buffer.byteLength(body)).toBe(350 * KB + 1);
    expectError(await send(method, path, body), 413, 'PAYLOAD_TOO_LARGE');
    expect(await snapshot(h)).toEqual(before);
  });

  it('accepts a create of just under 350 KB (the control)', async () => {
    expect((await send('POST', '/item', bodyOf(350 * KB - 1, { id: 'just-under' }))).status).toBe(201);
  });

  it('answers a path of 2,049 characters 414 and one of 2,048 by reading', async () => {
    const path = (length: number) => `/item/${'x'.repeat(length - '/item/'.length)}`;
    expect(path(2049)).toHaveLength(2049);
    expectError(await send('GET', path(2049), undefined), 414, 'URI_TOO_LONG');
    expectError(await send('DELETE', path(2049), undefined), 414, 'URI_TOO_LONG');
    expectError(await send('GET', path(2048), undefined), 404, 'NOT_FOUND');
  });

  it('counts the decoded path: 2,049 characters sent percent-encoded are still 414', async () => {
    // %41 is one character of the canonical path: 683 of them plus the route are within the limit
    const encoded = `/item/${'%41'.repeat(2049 - '/item/'.length)}`;
    expectError(await send('GET', encoded, undefined), 414, 'URI_TOO_LONG');
  });

  it('answers nesting deeper than 32 levels 400 instead of recursing', async () => {
    const deep = (n: number): unknown => (n === 0 ? 1 : { a: deep(n - 1) });
    expectError(await send('POST', '/item', { id: 'deep', d: deep(40) }), 400, 'INVALID_BODY');
  });
});

describe('_limit bounds', () => {
  it.each(['0', '-1', '1001', '1.5', '1e3', 'abc', '', '99999999999999999999'])(
    'answers _limit=%s 400 INVALID_QUERY',
    async (value) => {
      expectInvalidQuery(await send('GET', `/items?_limit=${value}`), '_limit');
    },
  );

  it('answers a repeated _limit 400', async () => {
    expectError(await send('GET', '/items?_limit=1&_limit=1000'), 400, 'INVALID_QUERY');
  });

  it('answers exactly _limit items and a cursor (the control)', async () => {
    const res = await send('GET', '/items?_limit=7');
    expect(res.body).toHaveLength(7);
    expect(res.headers.get('x-next-cursor')).toBeTruthy();
    expect((await send('GET', '/items?_limit=1000')).status).toBe(200);
  });
});

describe('search body', () => {
  it('answers 1,001 values 400 and an empty array 400', async () => {
    const values = Array.from({ length: 1001 }, (_, i) => `i${i}`);
    expectError(await send('POST', '/search/id', values), 400, 'INVALID_BODY');
    expectError(await send('POST', '/search/id', []), 400, 'INVALID_BODY');
  });

  it('answers 1,000 values (the control)', async () => {
    const values = Array.from({ length: 1000 }, (_, i) => `i${String(i).padStart(2, '0')}`);
    const res = await send('POST', '/search/id', values);
    expect(res.status).toBe(200);
    expect((res.body as unknown[]).length).toBe(COUNT);
  });
});

describe('query complexity', () => {
  it.each([
    ['301 conditions', Array.from({ length: 301 }, (_, i) => `f${i}__exists=true`).join('&')],
    ['2,000 repeats of one key', Array.from({ length: 2000 }, (_, i) => `n=${i}`).join('&')],
    ['an IN of 500 numbers', `n__in=${encodeURIComponent(JSON.stringify(Array.from({ length: 500 }, (_, i) => i)))}`],
  ])('answers %s 400 QUERY_TOO_COMPLEX without reading', async (_, query) => {
    const before = scans;
    expectError(await send('GET', `/items?${query}`), 400, 'QUERY_TOO_COMPLEX');
    expect(scans).toBe(before);
  });

  it('answers 100 conditions (the control)', async () => {
    const query = Array.from({ length: 100 }, (_, i) => `f${i}__exists=false`).join('&');
    expect((await send('GET', `/items?${query}`)).status).toBe(200);
  });
});

describe('READ_BUDGET_MS bounds the scan', () => {
  afterEach(() => {
    jumping = false;
  });

  it('stops a scan for a rare row after the budget, answering 200 with a cursor', async () => {
    // Prepare: unbudgeted, finding the rare row takes several Scan calls (small Limits: the filter skips most rows)
    scans = 0;
    const unbounded = await send('GET', '/items?tag=rare&_limit=1');
    const needed = scans;
    expect(unbounded.body).toEqual([items[COUNT - 1]]);
    expect(needed).toBeGreaterThan(1);
    // Act: every clock reading now moves a whole budget, so it is spent after the first page
    jumping = true;
    scans = 0;
    const bounded = await send('GET', '/items?tag=rare&_limit=1');
    // Assess
    expect(bounded.status).toBe(200);
    expect(scans).toBeLessThan(needed);
    expect(bounded.headers.get('x-next-cursor')).toBeTruthy();
  });
});
