import { as, type Harness, startHarness } from '../../support/harness';

// GET /audit (docs/reference/tables.md#the-audit-table, docs/reference/audit.md#what-a-caller-with-hidden-fields-sees, docs/reference/pagination.md#limit-and-next-links): query filters over audit fields, newest first, paged with _limit and a
// cursor across days and day shards.

jest.setTimeout(30_000);

// Clocks run in the future: DynamoDB Local, like DynamoDB, deletes records whose expire_time has passed.
const day = (d: number, seconds: number) => Date.parse(`2035-01-0${d}T12:00:00Z`) + seconds * 1000;
let clock = day(1, 0);

let h: Harness;
/** Every change record made in beforeAll, newest first: [time, action, username, resource_key]. */
const made: Array<[string, string, string, string]> = [];

beforeAll(async () => {
  h = await startHarness({
    overrides: { now: () => clock },
    env: { AUDIT_SHARDS: '4' },
    seed: {
      authRecords: [
        { id: 'alice-key', type: 'API_KEY', username: 'alice', permitted_endpoints: [{ method: '*', endpoint: '.*' }] },
        { id: 'bob-key', type: 'API_KEY', username: 'bob', permitted_endpoints: [{ method: '*', endpoint: '.*' }] },
        {
          id: 'auditor',
          type: 'API_KEY',
          username: 'auditor',
          permitted_endpoints: [{ method: 'GET', endpoint: '/audit(/[^/]+)?' }],
        },
      ],
    },
  });
  // Three days, five changes a day, by two users: 15 records spread over 4 shards a day.
  for (const d of [1, 2, 3]) {
    for (let i = 0; i < 5; i++) {
      clock = day(d, i);
      const user = i % 2 === 0 ? 'alice' : 'bob';
      const id = `d${d}-${Math.floor(i / 2)}`;
      const first = i % 2 === 0;
      const res = first
        ? await h.request('POST', '/item', { headers: as.key(`${user}-key`), body: { id, n: i } })
        : await h.request('PATCH', `/item/${id}`, { headers: as.key(`${user}-key`), body: { n: i } });
      if (res.status >= 300) throw new Error(res.text);
      made.unshift([new Date(clock).toISOString(), first ? 'CREATE' : 'UPDATE', user, id]);
    }
  }
  clock = day(4, 0); // every query runs a day later; its own AUDIT record lands on day 4
});
afterAll(() => h.close());

type Rec = { time: string; action: string; user: { username: string }; resource_key: string; id: string };
const audit = async (query: string) => {
  const res = await h.request('GET', `/audit?${query}`, { headers: as.key('auditor') });
  expect(res.status).toBe(200);
  return res.body as Rec[];
};
const summary = (records: Rec[]) => records.map((r) => [r.time, r.action, r.user.username, r.resource_key]);
// The change records only: no AUDIT reads of this test (those are on day 4).
const changes = 'time__gte=2035-01-01T00:00:00Z&time__lte=2035-01-03T23:59:59Z';

it('answers every record newest first, across days and shards', async () => {
  const records = await audit(changes);
  expect(summary(records)).toEqual(made);
  const ids = records.map((r) => r.id);
  expect(ids).toEqual([...ids].sort().reverse());
});

type Made = (typeof made)[number];
it.each([
  { what: 'action', query: 'action=CREATE', pick: (m: Made) => m[1] === 'CREATE' },
  { what: 'user.username', query: 'user.username=bob', pick: (m: Made) => m[2] === 'bob' },
  { what: 'resource_key', query: 'resource_key=d2-0', pick: (m: Made) => m[3] === 'd2-0' },
  {
    what: 'time__gte',
    query: 'time__gte=2035-01-02T12:00:03Z&time__lte=2035-01-03T23:59:59Z',
    pick: (m: Made) => m[0] >= '2035-01-02T12:00:03Z',
  },
])('filters on $what', async ({ query, pick }) => {
  const records = await audit(query.includes('time__') ? query : `${query}&${changes}`);
  const want = made.filter(pick);
  expect(want.length).toBeGreaterThan(0);
  expect(summary(records)).toEqual(want);
});

it('pages newest first with _limit and the next cursor, each record once', async () => {
  const seen: Rec[] = [];
  let query: string | undefined = `${changes}&_limit=4`;
  let pages = 0;
  while (query !== undefined) {
    const res = await h.request('GET', `/audit?${query}`, { headers: as.key('auditor') });
    expect(res.status).toBe(200);
    const page = res.body as Rec[];
    expect(page.length).toBeLessThanOrEqual(4);
    seen.push(...page);
    const cursor = res.headers.get('x-next-cursor');
    if (cursor) expect(res.headers.get('link')).toContain('rel="next"');
    query = cursor ? `${changes}&_limit=4&_cursor=${encodeURIComponent(cursor)}` : undefined;
    pages++;
  }
  expect(summary(seen)).toEqual(made);
  expect(pages).toBeGreaterThanOrEqual(4);
});

it('records its own reads as AUDIT records', async () => {
  const records = await audit('action=AUDIT&time__gte=2035-01-04T00:00:00Z');
  expect(records.length).toBeGreaterThan(0);
  expect(records[0]).toMatchObject({ action: 'AUDIT', method: 'GET', path: '/audit', user: { username: 'auditor' } });
  expect(records[0]).not.toHaveProperty('resource_key');
});

it.each(['_limit=0', 'action__bogus=1', 'time__between=["b","a"]', '_explain=true'])(
  'answers 400 for a bad query: %s',
  async (query) => {
    const res = await h.request('GET', `/audit?${query}`, { headers: as.key('auditor') });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'INVALID_QUERY' });
  },
);
