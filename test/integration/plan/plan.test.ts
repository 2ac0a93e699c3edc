import { dropTables } from '../../../src/dynamo/admin';
import { apiKey, memoryLogger, oidcGroup, post, userRecord } from '../../factories/http';
import { localDb, uniqueName } from '../../support/db';
import { as, type Harness, startHarness } from '../../support/harness';
import {
  createPlanTable,
  inGroups,
  projected,
  putItems,
  readable,
  type Sent,
  spy,
  tablesOf,
  UNUSABLE_INDEXES,
} from './support';

// docs/reference/query-language.md#planning, checked on what Scoutr actually sends to DynamoDB Local: each workload uses the cheapest
// operation the key schema allows, every answer is still exactly the visible items it asked for, and indexes that
// do not project ALL attributes are never read.

type Row = Record<string, unknown> & { id: string };
const CATEGORIES = ['c1', 'c2', 'c3'];
const ITEMS: Row[] = Array.from({ length: 60 }, (_, i) => {
  const row: Row = {
    id: `i${String(i).padStart(2, '0')}`,
    category: CATEGORIES[i % 3],
    name: `item ${i}`,
    status: i % 4 < 2 ? 'on' : 'off',
    color: i % 5 === 0 ? 'green' : 'red',
    owner: i % 3 === 1 ? 'ann' : 'bob',
    created: `${2023 + (i % 3)}-${String(1 + (i % 12)).padStart(2, '0')}`,
  };
  if (i % 10 !== 9) row.price = (i * 37) % 100; // some items have no price, so they are not in category-index
  if (i % 7 !== 0) row.team = i % 2 ? 'red' : 'blue';
  row.rank = i % 6 === 0 ? String(i) : i; // a number, or the same text as a string
  return row;
});
const ids = (rows: readonly Record<string, unknown>[]) => rows.map((r) => String(r.id)).sort();
const where = (f: (r: Row) => boolean) => ids(ITEMS.filter(f));
const price = (r: Row) => r.price as number | undefined;

const ALL = [
  { method: 'GET', endpoint: '.*' },
  { method: 'POST', endpoint: '/search/.*' },
];

let h: Harness;
let table: string;
let s: ReturnType<typeof spy>;
const log = memoryLogger();

beforeAll(async () => {
  table = uniqueName('plan-data');
  const db = localDb();
  await createPlanTable(db, table);
  await putItems(db, table, ITEMS);
  db.destroy();
  h = await startHarness({
    app: { uniqueRoutes: { '/statuses': 'status', '/categories': 'category' } },
    env: { DATA_TABLE: table },
    overrides: { log },
    seed: {
      authRecords: [
        apiKey('reader', { permitted_endpoints: ALL }),
        apiKey('explainer', { permitted_endpoints: ALL, explain: true }),
        apiKey('on-only', { permitted_endpoints: ALL, read_filters: [{ field: 'status', value: 'on' }] }),
        userRecord('deep', { groups: ['g1'] }),
        userRecord('deeper', { groups: ['g0'] }),
        oidcGroup('claimed', { groups: ['g1', 'g2'] }),
      ],
      groups: [
        { group_id: 'g0', groups: ['g1'] },
        { group_id: 'g1', groups: ['g2'] },
        { group_id: 'g2', permitted_endpoints: ALL },
      ],
    },
  });
});
afterAll(async () => {
  s?.stop();
  await h?.close();
  const db = localDb();
  await dropTables(db, [table]);
  db.destroy();
});
beforeEach(() => {
  s?.stop();
  s = spy(h.db);
  log.lines.length = 0;
});

const reader = as.key('reader');
const list = (query: Record<string, string | undefined>, headers = reader) =>
  h.request(
    'GET',
    `/items?${new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => !!e[1]))}`,
    {
      headers,
    },
  );
const search = (field: string, values: unknown[], headers = reader, query = '') =>
  h.request('POST', `/search/${field}${query}`, { headers, body: values });

/** The commands that read the data table (not the auth tables, not the audit PutItem). */
const dataReads = (): Sent[] => s.on(table);
const operations = () => dataReads().map((c) => c.command);
/** The request log line of the last request. */
const lastLine = () => log.lines.filter((l) => l.msg === 'request').at(-1)?.fields as Record<string, unknown>;

/** Nothing read an index that does not project ALL attributes (docs/reference/query-language.md#planning). */
afterEach(() => {
  const used = dataReads().map((c) => c.input.IndexName);
  for (const ix of UNUSABLE_INDEXES) expect(used).not.toContain(ix);
});

describe('one item', () => {
  it('GET /item/{id} sends exactly one GetItem on the data table, besides the auth read and the audit record', async () => {
    const res = await h.request('GET', '/item/i05', { headers: reader });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: 'i05', name: 'item 5' });
    expect(dataReads().map((c) => [c.command, c.input.Key])).toEqual([['GetItem', { id: { S: 'i05' } }]]);
    const others = s.sent.filter((c) => !tablesOf(c).includes(table));
    const audit = h.tables.audit!;
    for (const c of others) {
      expect([
        ['BatchGetItem', h.tables.auth],
        ['BatchGetItem', h.tables.groups],
        ['PutItem', audit],
      ]).toContainEqual([c.command, tablesOf(c)[0]]);
    }
    expect(others.filter((c) => c.command === 'PutItem')).toHaveLength(1);
    expect(lastLine()).toMatchObject({ plan: { operation: 'GetItem' }, items_read: 1, auth_calls: 1 }); // auth apart
  });

  it('?id=x is one GetItem, and the rest of the query is applied in memory to what it returns', async () => {
    const on = await list({ id: 'i05' });
    expect(ids(on.body as Row[])).toEqual(['i05']);
    expect(operations()).toEqual(['GetItem']);
    s.reset();
    const off = await list({ id: 'i05', status: 'off' }); // i05 is on
    expect(off.body).toEqual([]);
    expect(operations()).toEqual(['GetItem']);
    expect(lastLine()).toMatchObject({ plan: { operation: 'GetItem', inMemory: ['status'] } });
  });

  it('a row filter is applied to the GetItem result: an invisible item is 404', async () => {
    const res = await h.request('GET', '/item/i02', { headers: as.key('on-only') }); // i02 is off
    expect(res.status).toBe(404);
    expect(operations()).toEqual(['GetItem']);
  });
});

describe('a set of keys', () => {
  const wanted = [...ITEMS.map((r) => r.id), ...Array.from({ length: 90 }, (_, i) => `missing-${i}`)];

  it('?id__in=[...] is BatchGetItem with at most 100 keys per call, each key asked once', async () => {
    const res = await list({ id__in: JSON.stringify(wanted) });
    expect(res.status).toBe(200);
    expect(ids(res.body as Row[])).toEqual(ids(ITEMS));
    expect(new Set(operations())).toEqual(new Set(['BatchGetItem']));
    const keys = dataReads().map((c) => c.input.RequestItems![table]!.Keys!);
    for (const k of keys) expect(k.length).toBeLessThanOrEqual(100);
    const asked = keys.flat().map((k) => (k as { id: { S: string } }).id.S);
    expect(asked.sort()).toEqual([...wanted].sort());
    expect(keys.length).toBe(2);
  });

  it('a repeated id without operator is IN, and the residual is evaluated in memory', async () => {
    const res = await h.request('GET', '/items?id=i01&id=i02&id=i03&status=on', { headers: reader });
    expect(ids(res.body as Row[])).toEqual(['i01']); // i02, i03 are off
    expect(operations()).toEqual(['BatchGetItem']);
  });

  it('POST /search/{partition key} is BatchGetItem', async () => {
    const res = await search('id', ['i10', 'i11', 'nope']);
    expect(ids(res.body as Row[])).toEqual(['i10', 'i11']);
    expect(operations()).toEqual(['BatchGetItem']);
  });
});

describe('an index query', () => {
  it.each([
    { query: { category: 'c1', price__gt: '50' }, key: 'price > 50', want: (r: Row) => (price(r) ?? -1) > 50 },
    { query: { category: 'c1', price__lt: '30' }, key: 'price < 30', want: (r: Row) => (price(r) ?? 999) < 30 },
    { query: { category: 'c1', price__gte: '37' }, key: 'price >= 37', want: (r: Row) => (price(r) ?? -1) >= 37 },
    { query: { category: 'c1', price__lte: '48' }, key: 'price <= 48', want: (r: Row) => (price(r) ?? 999) <= 48 },
    { query: { category: 'c1', price__le: '48' }, key: 'price <= 48', want: (r: Row) => (price(r) ?? 999) <= 48 },
    {
      query: { category: 'c1', price__between: '[10,60]' },
      key: 'price BETWEEN 10 AND 60',
      want: (r: Row) => price(r) !== undefined && price(r)! >= 10 && price(r)! <= 60,
    },
    { query: { category: 'c1', price: '11' }, key: 'price = 11', want: (r: Row) => price(r) === 11 },
  ])('category=c1 with $key goes into the KeyConditionExpression of category-index', async ({ query, key, want }) => {
    const res = await list(query);
    expect(res.status).toBe(200);
    expect(ids(res.body as Row[])).toEqual(where((r) => r.category === 'c1' && want(r)));
    expect(ids(res.body as Row[]).length).toBeGreaterThan(0);
    expect(operations()).toEqual(['Query']);
    const [q] = dataReads();
    expect(q!.input.IndexName).toBe('category-index');
    expect(readable(q!.input.KeyConditionExpression, q!.input)).toBe(`(category = "c1" AND ${key})`);
    expect(q!.input.FilterExpression).toBeUndefined();
    // Only the items in the key range were read: the Query's ScannedCount is the answer's size.
    expect(q!.output?.ScannedCount).toBe((res.body as Row[]).length);
  });

  it('startswith on a string sort key is begins_with in the KeyConditionExpression', async () => {
    const res = await list({ owner: 'ann', created__startswith: '2024' });
    expect(ids(res.body as Row[])).toEqual(where((r) => r.owner === 'ann' && String(r.created).startsWith('2024')));
    expect(operations()).toEqual(['Query']);
    const [q] = dataReads();
    expect(q!.input.IndexName).toBe('owner-created');
    expect(readable(q!.input.KeyConditionExpression, q!.input)).toBe(
      '(owner = "ann" AND begins_with(created, "2024"))',
    );
  });

  it('other conditions go into the FilterExpression of the Query', async () => {
    const res = await list({ category: 'c2', price__gte: '0', status: 'on' });
    expect(ids(res.body as Row[])).toEqual(
      where((r) => r.category === 'c2' && price(r) !== undefined && r.status === 'on'),
    );
    expect(operations()).toEqual(['Query']);
    const [q] = dataReads();
    expect(readable(q!.input.FilterExpression, q!.input)).toMatch(/^\(?status = "on"/);
  });

  it.each([
    {
      what: 'a second condition on the sort key',
      query: { category: 'c1', price__gt: '10', price__lt: '80' },
      want: (r: Row) => r.category === 'c1' && price(r) !== undefined && price(r)! > 10 && price(r)! < 80,
      inMemory: ['price'],
    },
    {
      what: 'ne on the sort key',
      query: { category: 'c1', price__gte: '0', price__ne: '11' },
      want: (r: Row) => r.category === 'c1' && price(r) !== undefined && price(r) !== 11,
      inMemory: ['price'],
    },
    {
      what: 'a condition on the index partition key',
      query: { category: 'c1', price__gte: '0', category__startswith: 'c' },
      want: (r: Row) => r.category === 'c1' && price(r) !== undefined,
      inMemory: ['category'],
    },
    {
      what: 'a condition on the table key',
      query: { category: 'c3', price__gte: '0', id__startswith: 'i1' },
      want: (r: Row) => r.category === 'c3' && price(r) !== undefined && r.id.startsWith('i1'),
      inMemory: ['id'],
    },
  ])('$what, which DynamoDB cannot filter in a Query, is evaluated in memory', async ({ query, want, inMemory }) => {
    const res = await list(query);
    expect(res.status).toBe(200);
    expect(ids(res.body as Row[])).toEqual(where(want));
    expect(operations()).toEqual(['Query']);
    const [q] = dataReads();
    expect(q!.input.IndexName).toBe('category-index');
    expect(q!.input.FilterExpression).toBeUndefined();
    expect(lastLine()).toMatchObject({ plan: { operation: 'Query', inMemory } });
  });

  it('an index with a sort key is not queried without a condition on it: items without the sort key are found', async () => {
    const res = await list({ category: 'c1' });
    const want = where((r) => r.category === 'c1');
    expect(ids(res.body as Row[])).toEqual(want);
    expect(want.some((id) => ITEMS.find((r) => r.id === id)!.price === undefined)).toBe(true);
    expect(operations().every((op) => op === 'Scan')).toBe(true);
  });
});

describe('indexes that do not project ALL attributes', () => {
  it.each([
    { field: 'status', value: 'on', index: 'status-keys' },
    { field: 'color', value: 'green', index: 'color-include' },
  ])(
    'an equality on $field ($index) is a Scan with a FilterExpression, answering whole items',
    async ({ field, value }) => {
      const res = await list({ [field]: value });
      const want = where((r) => r[field] === value);
      expect(ids(res.body as Row[])).toEqual(want);
      for (const item of res.body as Row[]) expect(item).toEqual(ITEMS.find((r) => r.id === item.id));
      expect(new Set(operations())).toEqual(new Set(['Scan']));
      for (const c of dataReads()) {
        expect(c.input.IndexName).toBeUndefined();
        expect(readable(c.input.FilterExpression, c.input)).toContain(field);
      }
    },
  );

  it('a search on the key of a KEYS_ONLY index is a Scan', async () => {
    const res = await search('status', ['off']);
    expect(ids(res.body as Row[])).toEqual(where((r) => r.status === 'off'));
    expect(new Set(operations())).toEqual(new Set(['Scan']));
  });
});

describe('everything else', () => {
  it.each([
    { query: { price__gt: '50' }, field: 'price', want: (r: Row) => (price(r) ?? -1) > 50 },
    { query: { name__contains: 'item 1' }, field: 'name', want: (r: Row) => String(r.name).includes('item 1') },
    { query: { team__ne: 'red' }, field: 'team', want: (r: Row) => r.team !== 'red' },
  ])('$query is a Scan with a FilterExpression on $field', async ({ query, field, want }) => {
    const res = await list(query);
    expect(ids(res.body as Row[])).toEqual(where(want));
    expect(new Set(operations())).toEqual(new Set(['Scan']));
    const [scan] = dataReads();
    expect(readable(scan!.input.FilterExpression, scan!.input)).toContain(field);
  });

  it('no filter at all is a Scan without a FilterExpression', async () => {
    const res = await list({});
    expect(ids(res.body as Row[])).toEqual(ids(ITEMS));
    expect(new Set(operations())).toEqual(new Set(['Scan']));
    expect(dataReads()[0]!.input.FilterExpression).toBeUndefined();
  });

  it("a row filter of the caller's role goes into the FilterExpression", async () => {
    const res = await list({ price__lt: '50' }, as.key('on-only'));
    expect(ids(res.body as Row[])).toEqual(where((r) => r.status === 'on' && (price(r) ?? 999) < 50));
    const [scan] = dataReads();
    expect(readable(scan!.input.FilterExpression, scan!.input)).toMatch(/status = "on"/);
  });
});

describe('search', () => {
  it('on the partition key of an ALL index without a sort key: one Query per value', async () => {
    const res = await search('team', ['red', 'blue', 'purple']);
    expect(ids(res.body as Row[])).toEqual(where((r) => r.team !== undefined));
    expect(operations()).toEqual(['Query', 'Query', 'Query']);
    expect(dataReads().map((q) => [q.input.IndexName, readable(q.input.KeyConditionExpression, q.input)])).toEqual([
      ['team-index', 'team = "red"'],
      ['team-index', 'team = "blue"'],
      ['team-index', 'team = "purple"'],
    ]);
  });

  it('on an index partition key, a row filter goes into each FilterExpression', async () => {
    const res = await search('team', ['red'], as.key('on-only'));
    expect(ids(res.body as Row[])).toEqual(where((r) => r.team === 'red' && r.status === 'on'));
    expect(operations()).toEqual(['Query']);
    expect(readable(dataReads()[0]!.input.FilterExpression, dataReads()[0]!.input)).toContain('status = "on"');
  });

  it('on an index with a sort key: a Scan, since the index does not hold items without the sort key', async () => {
    const res = await search('category', ['c2']);
    expect(ids(res.body as Row[])).toEqual(where((r) => r.category === 'c2'));
    expect(new Set(operations())).toEqual(new Set(['Scan']));
  });

  it('on any other field: one Scan with IN groups of at most 100 operands', async () => {
    const names = [...ITEMS.slice(0, 20).map((r) => r.name), ...Array.from({ length: 130 }, (_, i) => `no ${i}`)];
    const res = await search('name', names);
    expect(ids(res.body as Row[])).toEqual(ids(ITEMS.slice(0, 20)));
    expect(new Set(operations())).toEqual(new Set(['Scan']));
    const [scan] = dataReads();
    expect(inGroups(scan!.input.FilterExpression)).toEqual([100, 50]);
    // One pass over the table: every Scan call continues the previous one.
    for (const c of dataReads().slice(1)) expect(c.input.ExclusiveStartKey).toBeDefined();
  });

  it('number values match numbers and numeric strings: the doubled operands still fit in groups of 100', async () => {
    const res = await search('rank', [6, 7, 8]);
    expect(ids(res.body as Row[])).toEqual(['i06', 'i07', 'i08']); // rank '6' is a string, 7 and 8 numbers
    const [scan] = dataReads();
    expect(inGroups(scan!.input.FilterExpression)).toEqual([6]);
  });

  it('values for a key attribute take the key schema type: no doubled operands', async () => {
    const res = await search('price', [11, 74, 85]);
    expect(ids(res.body as Row[])).toEqual(where((r) => [11, 74, 85].includes(price(r) ?? -1)));
    const [scan] = dataReads();
    expect(inGroups(scan!.input.FilterExpression)).toEqual([3]);
  });
});

describe('unique listings', () => {
  const projectionOf = () => {
    const reads = dataReads();
    expect(reads.length).toBeGreaterThan(0);
    const all = new Set(reads.map((c) => projected(c.input).join(',')));
    expect(all.size).toBe(1);
    return [...all][0]!.split(',');
  };

  it('project only the listed field and the key', async () => {
    const res = await h.request('GET', '/statuses', { headers: reader });
    expect(res.body).toEqual(['off', 'on']);
    expect(new Set(operations())).toEqual(new Set(['Scan']));
    expect(projectionOf()).toEqual(['id', 'status']);
  });

  it('with a query filter, DynamoDB filters on fields that are not projected', async () => {
    const res = await h.request('GET', '/statuses?price__gt=95', { headers: reader });
    expect(res.body).toEqual([...new Set(ITEMS.filter((r) => (price(r) ?? -1) > 95).map((r) => r.status))].sort());
    expect(projectionOf()).toEqual(['id', 'status']);
    expect(readable(dataReads()[0]!.input.FilterExpression, dataReads()[0]!.input)).toContain('price');
  });

  it('on an index query, the projection adds the index keys (to resume) and the fields evaluated in memory', async () => {
    const res = await h.request('GET', '/statuses?category=c1&price__gt=10&price__lt=30', { headers: reader });
    const want = ITEMS.filter((r) => r.category === 'c1' && (price(r) ?? -1) > 10 && (price(r) ?? 999) < 30);
    expect(res.body).toEqual([...new Set(want.map((r) => r.status))].sort());
    expect(operations()).toEqual(['Query']);
    expect(projectionOf()).toEqual(['category', 'id', 'price', 'status']);
  });

  it("a role's row filter is not projected when DynamoDB applies it", async () => {
    const res = await h.request('GET', '/categories', { headers: as.key('on-only') });
    expect(res.body).toEqual(CATEGORIES);
    expect(projectionOf()).toEqual(['category', 'id']);
  });
});

describe('_explain', () => {
  const explainer = as.key('explainer');

  it.each([
    {
      what: 'an index query',
      send: () => list({ category: 'c1', price__gt: '5', status: 'on', _explain: 'true' }, explainer),
      plan: {
        operation: 'Query',
        index: 'category-index',
        keyCondition: ['category eq', 'price gt'],
        filter: ['status'],
      },
    },
    {
      what: 'a scan',
      send: () => list({ name: 'x', _explain: 'true' }, explainer),
      plan: { operation: 'Scan', filter: ['name'] },
    },
    {
      what: 'a key lookup',
      send: () => list({ id__in: '["i01","i02"]', _explain: 'true' }, explainer),
      plan: { operation: 'BatchGetItem' },
    },
    {
      what: 'a search',
      send: () => search('team', ['red', 'blue'], explainer, '?_explain=true'),
      plan: { operation: 'Query', index: 'team-index', sources: 2 },
    },
    {
      what: 'a unique listing',
      send: () => h.request('GET', '/statuses?_explain=true', { headers: explainer }),
      plan: { operation: 'Scan' },
    },
    {
      what: 'an item',
      send: () => h.request('GET', '/item/i01?_explain=true', { headers: explainer }),
      plan: { operation: 'GetItem' },
    },
  ])('for $what returns the plan and reads no data item', async ({ send, plan }) => {
    const res = await send();
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ plan: expect.objectContaining(plan) });
    expect(JSON.stringify(res.body)).not.toMatch(/item \d|"i0\d"/); // no item content
    expect(dataReads()).toEqual([]);
  });

  it('is 403 for a role without explain, before any data is read', async () => {
    const res = await list({ category: 'c1', _explain: 'true' });
    expect(res.status).toBe(403);
    expect(dataReads()).toEqual([]);
  });
});

describe('auth resolution', () => {
  const authCalls = () => s.sent.filter((c) => tablesOf(c).some((t) => t === h.tables.auth || t === h.tables.groups));

  it.each([
    { who: 'a user with no group', headers: as.key('reader'), depth: 0 },
    { who: 'a user whose groups are two levels deep', headers: as.user('deep'), depth: 2 },
    { who: 'a user whose groups are three levels deep', headers: as.user('deeper'), depth: 3 },
    { who: 'a user with a group claim whose groups are two levels deep', headers: as.user('x', ['claimed']), depth: 2 },
  ])('without the cache, $who costs at most 1 + depth BatchGetItem calls', async ({ headers, depth }) => {
    const res = await h.request('GET', '/item/i01', { headers });
    expect(res.status).toBe(200);
    const calls = authCalls();
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.length).toBeLessThanOrEqual(1 + depth);
    for (const c of calls) expect(c.command).toBe('BatchGetItem');
  });

  it('with the cache on, a second request makes no auth call at all', async () => {
    const cached = await startHarness({
      env: { AUTH_CACHE_SECONDS: '60' },
      seed: {
        items: [{ id: 'a' }],
        authRecords: [userRecord('deep', { groups: ['g1'] })],
        groups: [
          { group_id: 'g1', groups: ['g2'] },
          { group_id: 'g2', permitted_endpoints: [post('/none'), { method: 'GET', endpoint: '.*' }] },
        ],
      },
    });
    const c = spy(cached.db);
    try {
      const authOf = () =>
        c.sent.filter((x) => tablesOf(x).some((t) => t === cached.tables.auth || t === cached.tables.groups));
      expect((await cached.request('GET', '/item/a', { headers: as.user('deep') })).status).toBe(200);
      expect(authOf().length).toBeGreaterThan(0);
      c.reset();
      expect((await cached.request('GET', '/item/a', { headers: as.user('deep') })).status).toBe(200);
      expect(authOf()).toEqual([]);
      expect(c.sent.map((x) => x.command).sort()).toEqual(['GetItem', 'PutItem']);
    } finally {
      c.stop();
      await cached.close();
    }
  });
});
