import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { shapes } from '../../factories/events';
import { apiKey, expectError, expectInvalidQuery, get, idsOf, invoke, userRecord } from '../../factories/http';
import { as, type Harness, startHarness } from '../../support/harness';

// docs/reference/query-language.md#operators, end to end against DynamoDB: every operator, the number rule, negatives matching items that lack
// the field, repeated keys, path filters, and every malformed query answered 400 INVALID_QUERY naming the parameter.

const BIG = '12345678901234567890123456789012345678'; // 38 digits: a double would round it
const items: Array<Record<string, unknown>> = [
  {
    id: 'i1',
    name: 'Rex',
    type: 'dog',
    status: 'Active',
    qty: 3,
    price: 10.5,
    tags: ['a', 'b'],
    meta: { level: 2 },
    flag: true,
  },
  { id: 'i2', name: 'Rover', type: 'dog', status: 'Inactive', qty: '3', tags: ['b'] },
  { id: 'i3', name: 'Tom', type: 'cat', status: 'Active', qty: 12, meta: { level: 5 }, flag: 'true' },
  { id: 'i4', name: 'Nemo', type: 'fish', qty: 1, toString: 'fishy' },
  { id: 'i5', name: 'Tweety', type: 'bird', status: 'Active', qty: 7, code: '007', flag: false },
];

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    app: { filterRoutes: ['/items/status/{status}'] },
    env: { AUTH_CACHE_SECONDS: '300' }, // the records never change here
    dataTable: {
      partitionKey: { name: 'id', type: 'S' },
      indexes: [
        { name: 'status-index', partitionKey: { name: 'status', type: 'S' } },
        {
          name: 'type-name-index',
          partitionKey: { name: 'type', type: 'S' },
          sortKey: { name: 'name', type: 'S' },
        },
      ],
    },
    seed: {
      items,
      authRecords: [
        apiKey('reader', { permitted_endpoints: [get('/items(/[^/]+/[^/]+)?'), get('/item/[^/]+')] }),
        userRecord('ursula', { permitted_endpoints: [get('/items')] }),
      ],
    },
  });
  // Written raw: seeding through JavaScript numbers would round it.
  await h.db.send(new PutItemCommand({ TableName: h.tables.data, Item: { id: { S: 'big' }, big: { N: BIG } } }));
});
afterAll(() => h.close());

const reader = as.key('reader');
const list = (path: string) => h.request('GET', path, { headers: reader });
const ids = async (path: string) => {
  const res = await list(path);
  expect(res.status).toBe(200);
  return idsOf(res.body);
};

describe('operators', () => {
  it.each([
    { query: 'status=Active', want: ['i1', 'i3', 'i5'] },
    { query: 'status__eq=Active', want: ['i1', 'i3', 'i5'] },
    { query: 'status__ne=Active', want: ['big', 'i2', 'i4'] },
    { query: 'type__in=["dog","cat"]', want: ['i1', 'i2', 'i3'] },
    { query: 'status__notin=["Active"]', want: ['big', 'i2', 'i4'] },
    { query: 'name__startswith=R', want: ['i1', 'i2'] },
    { query: 'tags__contains=a', want: ['i1'] },
    { query: 'name__contains=e', want: ['i1', 'i2', 'i4', 'i5'] },
    { query: 'tags__notcontains=a', want: ['big', 'i2', 'i3', 'i4', 'i5'] },
    { query: 'status__exists=false', want: ['big', 'i4'] },
    { query: 'meta__exists=true', want: ['i1', 'i3'] },
    { query: 'meta.level__exists=true', want: ['i1', 'i3'] },
    { query: 'qty__gt=3', want: ['i3', 'i5'] },
    { query: 'qty__gte=3', want: ['i1', 'i3', 'i5'] },
    { query: 'qty__ge=3', want: ['i1', 'i3', 'i5'] },
    { query: 'qty__lt=3', want: ['i4'] },
    { query: 'qty__lte=3', want: ['i1', 'i4'] },
    { query: 'qty__le=3', want: ['i1', 'i4'] },
    { query: 'qty__between=[2,7]', want: ['i1', 'i5'] },
    { query: 'name__between=["N","S"]', want: ['i1', 'i2', 'i4'] },
    { query: 'name__gt=S', want: ['i3', 'i5'] },
    { query: 'name__length=3', want: ['i1', 'i3'] },
    { query: 'name__length__lte=3', want: ['i1', 'i3'] },
    { query: 'tags__length__gt=1', want: ['i1'] },
    { query: 'meta.level__gte=3', want: ['i3'] },
    { query: 'price=10.5', want: ['i1'] },
    { query: 'price__gt=10.49', want: ['i1'] },
  ])('?$query finds $want', async ({ query, want }) => {
    expect(await ids(`/items?${query.replaceAll('"', '%22')}`)).toEqual(want);
  });

  it('ANDs conditions on different fields', async () => {
    expect(await ids('/items?type=dog&status=Active')).toEqual(['i1']);
  });

  it('reads a repeated key without an operator as IN', async () => {
    expect(await ids('/items?type=dog&type=cat')).toEqual(['i1', 'i2', 'i3']);
  });

  it.each([
    { query: 'id=i1', want: ['i1'] },
    { query: 'id__in=["i1","i3","nope"]', want: ['i1', 'i3'] },
    { query: 'id=i1&status=Inactive', want: [] },
    { query: 'type=dog&name__startswith=Ro', want: ['i2'] },
    { query: 'status=Active&qty__gt=5', want: ['i3', 'i5'] },
    { query: 'status=Active&id__startswith=i1', want: ['i1'] },
  ])('answers ?$query the same through a key lookup or an index query: $want', async ({ query, want }) => {
    expect(await ids(`/items?${query.replaceAll('"', '%22')}`)).toEqual(want);
  });
});

describe('the number rule', () => {
  it.each([
    { query: 'qty=3', want: ['i1', 'i2'], why: 'the number 3 and the string "3"' },
    { query: 'qty=3.0', want: ['i1'], why: 'the number 3 and the string "3.0"' },
    { query: 'qty__in=[3]', want: ['i1', 'i2'], why: 'number elements of an array alike' },
    { query: 'qty__in=["3"]', want: ['i2'], why: 'string elements stay strings' },
    { query: 'qty__ne=3', want: ['big', 'i3', 'i4', 'i5'], why: 'neither the number nor the string' },
    { query: 'qty__notin=[3,12]', want: ['big', 'i4', 'i5'], why: 'none of the numbers or strings' },
    { query: 'flag=true', want: ['i1', 'i3'], why: 'the boolean and the string "true"' },
    { query: 'flag=false', want: ['i5'], why: 'the boolean false' },
    { query: 'code=007', want: ['i5'], why: 'the string "007" as sent' },
    { query: 'code=7', want: [], why: 'not the string "007"' },
    { query: 'qty__gt=2', want: ['i1', 'i3', 'i5'], why: 'numbers only, for a comparison' },
  ])('matches ?$query against $why', async ({ query, want }) => {
    expect(await ids(`/items?${query.replaceAll('"', '%22')}`)).toEqual(want);
  });

  it.each([
    { query: `big=${BIG}`, want: ['big'] },
    { query: 'big=12345678901234567890123456789012345679', want: [] },
    { query: 'big=1.2345678901234567890123456789012345678E37', want: ['big'] },
    { query: 'big__gt=12345678901234567890123456789012345677', want: ['big'] },
    { query: `big__in=[${BIG}]`, want: ['big'] },
  ])('keeps all 38 digits: ?$query finds $want', async ({ query, want }) => {
    expect(await ids(`/items?${query}`)).toEqual(want);
  });

  it('answers a number that does not fit a double as its exact text', async () => {
    expect((await list(`/items?id=big`)).body).toEqual([{ id: 'big', big: BIG }]);
  });
});

describe('path filters', () => {
  it.each([
    { path: '/items/type/dog', want: ['i1', 'i2'] },
    { path: '/items/type/dog?status=Active', want: ['i1'] },
    { path: '/items/type/dog?type=cat', want: ['i1', 'i2'] },
    { path: '/items/type/dog?type__ne=dog&type__exists=false', want: ['i1', 'i2'] },
    { path: '/items/qty/3', want: ['i1', 'i2'] },
    { path: '/items/meta.level/2', want: ['i1'] },
    { path: '/items/id/i3', want: ['i3'] },
  ])('GET $path finds $want', async ({ path, want }) => {
    expect(await ids(path)).toEqual(want);
  });

  it.each([
    { path: '/items/status/Active', want: ['i1', 'i3', 'i5'] },
    { path: '/items/status/Active?status=Inactive', want: ['i1', 'i3', 'i5'] },
    { path: '/items/status/Active?status__exists=false', want: ['i1', 'i3', 'i5'] },
    { path: '/items/status/Active?type=cat', want: ['i3'] },
  ])('the static filter route GET $path finds $want', async ({ path, want }) => {
    expect(await ids(path)).toEqual(want);
  });

  it.each(['/items/type__eq/dog', '/items/_version/1', '/items/a..b/1', '/items/constructor/1'])(
    'answers 400 naming search_key for %s',
    async (path) => {
      expectInvalidQuery(await list(path), 'search_key');
    },
  );
});

describe('malformed queries', () => {
  it.each([
    { query: 'qty__foo=1', param: 'qty__foo' },
    { query: 'qty__length__foo=1', param: 'qty__length__foo' },
    { query: 'qty__gt__lt=1', param: 'qty__gt__lt' },
    { query: 'qty=', param: 'qty' },
    { query: 'qty__gt=', param: 'qty__gt' },
    { query: 'type__in=[dog', param: 'type__in' },
    { query: 'type__in="dog"', param: 'type__in' },
    { query: 'type__in=[]', param: 'type__in' },
    { query: 'type__in=[{"a":1}]', param: 'type__in' },
    { query: 'type__in=[null]', param: 'type__in' },
    { query: 'type__notin=[["a"]]', param: 'type__notin' },
    { query: 'qty__between=[1]', param: 'qty__between' },
    { query: 'qty__between=[1,2,3]', param: 'qty__between' },
    { query: 'qty__between=[5,1]', param: 'qty__between' },
    { query: 'qty__between=[1,"a"]', param: 'qty__between' },
    { query: 'flag__between=[false,true]', param: 'flag__between' },
    { query: 'status__exists=yes', param: 'status__exists' },
    { query: 'status__exists=1', param: 'status__exists' },
    { query: 'qty__gt=1&qty__gt=2', param: 'qty__gt' },
    { query: 'name__length=abc', param: 'name__length' },
    { query: 'name__length=-1', param: 'name__length' },
    { query: 'qty__gt=1234567890123456789012345678901234567890', param: 'qty__gt' },
    { query: 'qty=1234567890123456789012345678901234567890', param: 'qty' },
    { query: 'qty__in=[1e999]', param: 'qty__in' },
    { query: '.a=1', param: '.a' },
    { query: 'a..b=1', param: 'a..b' },
    { query: 'a.=1', param: 'a.' },
    { query: 'meta._x=1', param: 'meta._x' },
    { query: 'a.prototype=1', param: 'a.prototype' },
    { query: '_x=1', param: '_x' },
    { query: '_version=1', param: '_version' },
    { query: '_limit=0', param: '_limit' },
    { query: '_limit=1001', param: '_limit' },
    { query: '_limit=abc', param: '_limit' },
    { query: '_limit=1.5', param: '_limit' },
    { query: '_limit=1&_limit=2', param: '_limit' },
    { query: '_explain=yes', param: '_explain' },
    { query: '_cursor=', param: '_cursor' },
  ])('answers ?$query with 400 INVALID_QUERY naming $param', async ({ query, param }) => {
    expectInvalidQuery(await list(`/items?${query.replaceAll('"', '%22')}`), param);
  });

  it.each(['_limit=1', '_cursor=x'])(
    'answers GET /item/{id}?%s with 400: single items are not paginated',
    async (q) => {
      expectInvalidQuery(await list(`/item/i1?${q}`), q.split('=')[0]!);
    },
  );
});

// The local server cannot carry these names yet (see the report of this branch): through the Lambda path only.
describe.each(shapes)('JavaScript property names in the query ($shape)', ({ event }) => {
  it.each(['__proto__', 'constructor', 'prototype'])('answers ?%s=1 with 400 INVALID_QUERY naming it', async (name) => {
    const res = await invoke(h.runtime, 'list', event({ query: [[name, '1']], claims: { sub: 'ursula' } }));
    expectInvalidQuery(res, name);
  });

  it('filters on a field named toString like on any other', async () => {
    const res = await invoke(h.runtime, 'list', event({ query: [['toString', 'fishy']], claims: { sub: 'ursula' } }));
    expect(res.body).toEqual([items[3]]);
  });
});

describe('queries beyond DynamoDB limits', () => {
  it('answers a huge IN with 400 QUERY_TOO_COMPLEX', async () => {
    // Prepare: 400 numbers are 800 operands after the number rule, an expression far over 4 KB
    const values = Array.from({ length: 400 }, (_, i) => i + 1);
    // Act
    const res = await list(`/items?qty__in=${encodeURIComponent(JSON.stringify(values))}`);
    // Assess
    expectError(res, 400, 'QUERY_TOO_COMPLEX');
  });

  it('answers more than 300 operators with 400 QUERY_TOO_COMPLEX', async () => {
    const query = Array.from({ length: 301 }, (_, i) => `f${i}__exists=true`).join('&');
    expectError(await list(`/items?${query}`), 400, 'QUERY_TOO_COMPLEX');
  });

  it('accepts an IN of 100 strings, which fits one group', async () => {
    const values = Array.from({ length: 100 }, (_, i) => `v${i}`).concat('dog');
    expect(await ids(`/items?type__in=${encodeURIComponent(JSON.stringify(values))}`)).toEqual(['i1', 'i2']);
  });
});

describe('user text stays out of expressions', () => {
  it.each([
    'weird%20name=x',
    'a%23b=1',
    '%3Av0=1',
    '%23n0=1',
    'name=)%20OR%20attribute_exists(id',
    'name__contains=%3Af0',
    'size(name)=1',
  ])('answers ?%s with 200 and nothing matched', async (query) => {
    const res = await list(`/items?${query}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual([]);
  });
});
