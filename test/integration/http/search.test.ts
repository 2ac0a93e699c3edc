import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { apiKey, auditRecords, expectError, expectInvalidQuery, idsOf, post } from '../../factories/http';
import { as, type Harness, startHarness } from '../../support/harness';

// docs/reference/endpoints.md#json-shapes: POST /search/{search_key} with a JSON array of 1..1000 scalars answers the visible items whose
// field is one of the values, each once: by BatchGetItem on the partition key, Query on an index, Scan otherwise.

const items = [
  { id: 's1', type: 'dog', status: 'Active', qty: 3, flag: true },
  { id: 's2', type: 'dog', status: 'Sold', qty: '3' },
  { id: 's3', type: 'cat', status: 'Active', qty: 12, flag: 'true' },
  { id: 's4', type: 'bird', status: 'Active', qty: 7 },
  { id: 's5', type: 'fish', status: 'Sold' },
];

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    env: { AUTH_CACHE_SECONDS: '300' }, // the records never change here
    dataTable: {
      partitionKey: { name: 'id', type: 'S' },
      indexes: [{ name: 'type-index', partitionKey: { name: 'type', type: 'S' } }],
    },
    seed: {
      items,
      authRecords: [
        apiKey('all', { permitted_endpoints: [post('/search/.+')], explain: true }),
        apiKey('active', {
          permitted_endpoints: [post('/search/.+')],
          read_filters: [{ field: 'status', value: 'Active' }],
        }),
      ],
    },
  });
});
afterAll(() => h.close());

const search = (field: string, body: unknown, key = 'all', query = '') =>
  h.request('POST', `/search/${field}${query}`, { headers: as.key(key), body });

const plan = async (field: string, body: unknown) =>
  ((await search(field, body, 'all', '?_explain=true')).body as { plan: Record<string, unknown> }).plan;

describe('by field', () => {
  it('finds items by partition key with BatchGetItem, skipping absent keys', async () => {
    // Act
    const res = await search('id', ['s1', 's3', 'nope']);
    // Assess
    expect(idsOf(res.body)).toEqual(['s1', 's3']);
    expect(await plan('id', ['s1', 's3'])).toMatchObject({ operation: 'BatchGetItem' });
  });

  it('finds items by an index partition key with one Query per value', async () => {
    // Act
    const res = await search('type', ['dog', 'cat']);
    // Assess
    expect(idsOf(res.body)).toEqual(['s1', 's2', 's3']);
    expect(await plan('type', ['dog', 'cat'])).toMatchObject({ operation: 'Query', index: 'type-index', sources: 2 });
  });

  it('finds items by any other field with a Scan', async () => {
    // Act
    const res = await search('status', ['Sold']);
    // Assess
    expect(idsOf(res.body)).toEqual(['s2', 's5']);
    expect(await plan('status', ['Sold'])).toMatchObject({ operation: 'Scan' });
  });

  it('finds a single partition key with GetItem', async () => {
    expect(idsOf((await search('id', ['s4'])).body)).toEqual(['s4']);
  });
});

describe('values', () => {
  it.each([
    { field: 'qty', values: [3], want: ['s1', 's2'], why: 'a number matches the number and the same text as a string' },
    { field: 'qty', values: ['3'], want: ['s2'], why: 'a string matches only the string' },
    { field: 'flag', values: [true], want: ['s1', 's3'], why: 'a boolean matches the boolean and the string' },
    { field: 'qty', values: [3, '3', 3.0], want: ['s1', 's2'], why: 'each item is answered once' },
    { field: 'type', values: ['dog', 'dog'], want: ['s1', 's2'], why: 'repeated values add nothing' },
  ])('$why: /search/$field $values', async ({ field, values, want }) => {
    const res = await search(field, values);
    expect(res.body).toHaveLength(want.length);
    expect(idsOf(res.body)).toEqual(want);
  });

  it('answers each item once when several index values find it', async () => {
    const res = await search('type', ['dog', 'dog', 'cat']);
    expect(idsOf(res.body)).toEqual(['s1', 's2', 's3']);
  });

  it('accepts 1,000 values', async () => {
    // Prepare
    const values = Array.from({ length: 1000 }, (_, i) => (i === 999 ? 's5' : `k${i}`));
    // Act
    const byKey = await search('id', values);
    const byField = await search(
      'status',
      values.map((v) => (v === 's5' ? 'Sold' : v)),
    );
    // Assess
    expect(idsOf(byKey.body)).toEqual(['s5']);
    expect(idsOf(byField.body)).toEqual(['s2', 's5']);
  });
});

describe('filters', () => {
  it("applies the caller's row filters on every plan", async () => {
    expect(idsOf((await search('id', ['s1', 's2'], 'active')).body)).toEqual(['s1']);
    expect(idsOf((await search('type', ['dog'], 'active')).body)).toEqual(['s1']);
    expect(idsOf((await search('qty', [3], 'active')).body)).toEqual(['s1']);
  });

  it('applies query filters', async () => {
    expect(idsOf((await search('type', ['dog', 'cat'], 'all', '?status=Active')).body)).toEqual(['s1', 's3']);
  });
});

describe('bad requests', () => {
  it.each([
    { what: 'no body', body: undefined, code: 'INVALID_JSON' },
    { what: 'malformed JSON', body: '["a",', code: 'INVALID_JSON' },
    { what: 'an object', body: { a: 1 }, code: 'INVALID_BODY' },
    { what: 'a string', body: '"dog"', code: 'INVALID_BODY' },
    { what: 'an empty array', body: [], code: 'INVALID_BODY' },
    { what: '1,001 values', body: Array.from({ length: 1001 }, (_, i) => i), code: 'INVALID_BODY' },
    { what: 'a null element', body: [null], code: 'INVALID_BODY' },
    { what: 'an object element', body: [{ a: 1 }], code: 'INVALID_BODY' },
    { what: 'an array element', body: [['a']], code: 'INVALID_BODY' },
    { what: 'a number past 38 digits', body: '[1234567890123456789012345678901234567890]', code: 'INVALID_BODY' },
  ])('answers $what with 400 $code', async ({ body, code }) => {
    expectError(await search('type', body), 400, code);
  });

  it.each(['type__eq', '_version', 'a..b', 'constructor'])(
    'answers /search/%s with 400 naming search_key',
    async (f) => {
      expectInvalidQuery(await search(f, ['x']), 'search_key');
    },
  );

  it('answers a malformed query with 400 naming the parameter', async () => {
    expectInvalidQuery(await search('type', ['dog'], 'all', '?qty__bogus=1'), 'qty__bogus');
  });
});

it('writes one SEARCH audit record with the values as its body and no resource key', async () => {
  // Prepare
  const before = await auditRecords(h);
  // Act
  await search('type', ['cat', 7]);
  // Assess
  const added = (await auditRecords(h)).filter((r) => !before.some((b) => b.id === r.id));
  expect(added).toEqual([
    expect.objectContaining({ action: 'SEARCH', method: 'POST', path: '/search/type', body: ['cat', 7] }),
  ]);
  expect(added[0]).not.toHaveProperty('resource_key');
});

describe('answer shapes (docs/reference/endpoints.md#json-shapes)', () => {
  it('answers sets as sorted arrays, binary as base64, null as null and inexact numbers as text', async () => {
    // Prepare: written raw, since seeds are plain JSON
    await h.db.send(
      new PutItemCommand({
        TableName: h.tables.data,
        Item: {
          id: { S: 'shapes' },
          ss: { SS: ['pear', 'Apple', 'fig'] },
          ns: { NS: ['10', '-2', '2.5'] },
          bin: { B: new Uint8Array([1, 2, 3]) },
          nothing: { NULL: true },
          exact: { N: '0.1' },
          inexact: { N: '9007199254740993' },
          list: { L: [{ N: '1' }, { S: 'x' }, { BOOL: false }] },
          _version: { N: '4' },
        },
      }),
    );
    // Act
    const res = await search('id', ['shapes']);
    // Assess
    expect(res.body).toEqual([
      {
        id: 'shapes',
        ss: ['Apple', 'fig', 'pear'],
        ns: [-2, 2.5, 10],
        bin: 'AQID',
        nothing: null,
        exact: 0.1,
        inexact: '9007199254740993',
        list: [1, 'x', false],
      },
    ]);
  });
});

// A search on an index key is one Query per distinct value: at most MAX_SEARCH_QUERIES of them (else 400, before
// anything is read), PARALLEL_SOURCES at a time, answered exactly as one value after the other would be.
describe('a search of many index values', () => {
  const TYPES = 40;
  const many = Array.from({ length: TYPES }, (_, t) =>
    Array.from({ length: t % 4 }, (_, i) => ({
      id: `m${String(t).padStart(2, '0')}-${i}`,
      kind: `t${t}`,
      status: (t + i) % 2 === 0 ? 'Active' : 'Held',
    })),
  ).flat();
  let hm: Harness;
  let queries = 0;
  let inFlight = 0;
  let mostInFlight = 0;
  let oneByOne: string[] = [];
  beforeAll(async () => {
    hm = await startHarness({
      dataTable: {
        partitionKey: { name: 'id', type: 'S' },
        indexes: [{ name: 'kind-index', partitionKey: { name: 'kind', type: 'S' } }],
      },
      seed: {
        items: many,
        authRecords: [
          apiKey('all', { permitted_endpoints: [post('/search/.+')] }),
          apiKey('active', {
            permitted_endpoints: [post('/search/.+')],
            read_filters: [{ field: 'status', value: 'Active' }],
          }),
        ],
      },
    });
    hm.db.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { TableName?: string };
        if (context.commandName !== 'QueryCommand' || input.TableName !== hm.tables.data) return next(args);
        queries++;
        inFlight++;
        mostInFlight = Math.max(mostInFlight, inFlight);
        try {
          return await next(args);
        } finally {
          inFlight--;
        }
      },
      { step: 'initialize', name: 'countQueries' },
    );
    // The answer one value after the other would give: each distinct value searched alone, in body order.
    const answers: string[][] = [];
    for (let i = 0; i < values.length; i += 10) {
      const chunk = values.slice(i, i + 10).map(async (v) => idList((await find([v])).body));
      answers.push(...(await Promise.all(chunk)));
    }
    oneByOne = answers.flat();
  });
  afterAll(() => hm.close());
  beforeEach(() => {
    queries = 0;
    mostInFlight = 0;
  });

  const find = (body: unknown, key = 'all', query = '') =>
    hm.request('POST', `/search/kind${query}`, { headers: as.key(key), body });
  const idList = (body: unknown) => (body as Array<{ id: string }>).map((i) => i.id);
  /** 100 distinct values in a scrambled order, each existing kind among them, and some twice. */
  const values = Array.from({ length: 100 }, (_, i) => `t${(i * 37) % 100}`);
  const body = [...values, 't3', 't3', 't17'];

  it('makes one query per distinct value, at most 8 at a time, and answers as one value after the other would', async () => {
    // Prepare
    const want = oneByOne;
    expect(want).toHaveLength(many.length);
    // Act
    const res = await find(body);
    // Assess: order and de-duplication unchanged, the queries bounded and run side by side
    expect(res.status).toBe(200);
    expect(idList(res.body)).toEqual(want);
    expect(queries).toBe(100);
    expect(mostInFlight).toBeGreaterThan(1);
    expect(mostInFlight).toBeLessThanOrEqual(8);
  });

  it('answers only the rows the caller may see, in the same order', async () => {
    const want = oneByOne.filter((id) => many.find((m) => m.id === id)?.status === 'Active');
    expect(want.length).toBeGreaterThan(0);
    expect(idList((await find(body, 'active')).body)).toEqual(want);
  });

  it('pages through the same answer with a cursor, each item once', async () => {
    // Prepare
    const want = oneByOne;
    // Act
    const got: string[] = [];
    let query = '?_limit=7';
    for (let page = 0; page < 50; page++) {
      const res = await find(body, 'all', query);
      got.push(...idList(res.body));
      const cursor = res.headers.get('x-next-cursor');
      if (!cursor) break;
      query = `?_limit=7&_cursor=${encodeURIComponent(cursor)}`;
    }
    // Assess
    expect(got).toEqual(want);
  });

  it('answers 101 distinct values 400 INVALID_BODY, before any query and without an audit record', async () => {
    // Prepare
    const before = await auditRecords(hm);
    // Act
    const res = await find([...values, 'one-more']);
    // Assess
    expectError(res, 400, 'INVALID_BODY');
    expect((res.body as { error: string }).error).toMatch(/at most 100 distinct values/);
    expect(queries).toBe(0);
    expect(await auditRecords(hm)).toEqual(before);
  });

  it('counts distinct values: 1,000 values naming 100 kinds are 100 queries (the control)', async () => {
    const res = await find(Array.from({ length: 1000 }, (_, i) => values[i % 100]));
    expect(res.status).toBe(200);
    expect(queries).toBe(100);
  });

  it('counts values as the key types them: 7 and "7" are one query on a string key', async () => {
    expect((await find([7, '7'])).status).toBe(200);
    expect(queries).toBe(1);
  });
});
