// Every limit DynamoDB enforces on a request Scoutr builds from the caller's input is caught first and answered 4xx
// naming what is wrong, with nothing written (docs/reference/errors.md#the-error-body). Each case was a 500 or a misleading 503 before the check.
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { defineApp } from '../../../src/core/define-app';
import { fromJson, plainToJson } from '../../../src/core/json';
import { apiKey, expectError } from '../../factories/http';
import { as, type Harness, startHarness } from '../../support/harness';
import { snapshot } from '../write/support';

const app = defineApp({
  routes: { items: 'items', item: 'item' },
  generateId: false,
  table: { key: 'id' },
});
let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    app,
    dataTable: {
      partitionKey: { name: 'id', type: 'S' },
      indexes: [
        { name: 'status-index', partitionKey: { name: 'status', type: 'S' } },
        { name: 'owner-index', partitionKey: { name: 'owner', type: 'S' }, sortKey: { name: 'name', type: 'S' } },
      ],
    },
    seed: {
      items: [{ id: 'a', status: 'x', owner: 'o', name: 'n' }],
      authRecords: [apiKey('k', { permitted_endpoints: [{ method: '*', endpoint: '.*' }] })],
    },
  });
});
afterAll(() => h.close());

const send = (method: string, path: string, body?: unknown) => h.request(method, path, { headers: as.key('k'), body });
const wide = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`f${i}`, i]));
const deep = (n: number): unknown => (n === 0 ? 1 : { a: deep(n - 1) });

interface Case {
  what: string;
  method: string;
  path: string;
  body?: unknown;
  status: number;
  code: string;
  message: RegExp;
}

const cases: Case[] = [
  // Partition key: 1..2048 bytes (docs/reference/tables.md#the-data-table); the bytes are UTF-8 ones, so 1025 × 'é' is over.
  {
    what: 'an id of 3000 bytes',
    method: 'POST',
    path: '/item',
    body: { id: 'x'.repeat(3000) },
    status: 400,
    code: 'INVALID_BODY',
    message: /^id: a key attribute is at most 2048 bytes \(this one is 3000\)$/,
  },
  {
    what: 'an id of 2050 UTF-8 bytes',
    method: 'POST',
    path: '/item',
    body: { id: 'é'.repeat(1025) },
    status: 400,
    code: 'INVALID_BODY',
    message: /at most 2048 bytes \(this one is 2050\)/,
  },
  // An index key: a partition key of an index 2048 bytes, a sort key of an index 1024.
  {
    what: "an index's partition key of 3000 bytes",
    method: 'POST',
    path: '/item',
    body: { id: 'b', status: 's'.repeat(3000) },
    status: 400,
    code: 'INVALID_BODY',
    message: /^status: a key attribute is at most 2048 bytes/,
  },
  {
    what: "an index's sort key of 1025 bytes",
    method: 'POST',
    path: '/item',
    body: { id: 'b', owner: 'o', name: 'n'.repeat(1025) },
    status: 400,
    code: 'INVALID_BODY',
    message: /^name: a key attribute is at most 1024 bytes/,
  },
  {
    what: "an update setting an index's partition key of 3000 bytes",
    method: 'PATCH',
    path: '/item/a',
    body: { status: 's'.repeat(3000) },
    status: 400,
    code: 'INVALID_BODY',
    message: /^status: a key attribute is at most 2048 bytes/,
  },
  {
    what: "a replacement with an index's sort key of 1025 bytes",
    method: 'PUT',
    path: '/item/a',
    body: { name: 'n'.repeat(1025) },
    status: 400,
    code: 'INVALID_BODY',
    message: /^name: a key attribute is at most 1024 bytes/,
  },
  // Attribute names: 1..65535 bytes, at the top and nested.
  {
    what: 'a name of 70000 bytes',
    method: 'POST',
    path: '/item',
    body: { id: 'b', ['n'.repeat(70_000)]: 1 },
    status: 400,
    code: 'INVALID_BODY',
    message: /attribute name of 70000 bytes; at most 32768 are written$/,
  },
  {
    what: 'a nested name of 70000 bytes',
    method: 'POST',
    path: '/item',
    body: { id: 'b', m: { ['n'.repeat(70_000)]: 1 } },
    status: 400,
    code: 'INVALID_BODY',
    message: /^m\.n+: attribute name of 70000 bytes/,
  },
  {
    what: 'an update with a name of 70000 bytes',
    method: 'PATCH',
    path: '/item/a',
    body: { ['n'.repeat(70_000)]: 1 },
    status: 400,
    code: 'INVALID_BODY',
    message: /attribute name of 70000 bytes/,
  },
  // Strings are stored as UTF-8: a lone surrogate has no UTF-8 form.
  {
    what: 'a lone surrogate in a value',
    method: 'POST',
    path: '/item',
    body: { id: 'b', s: '\ud800' },
    status: 400,
    code: 'INVALID_BODY',
    message: /^s: the string is not valid Unicode/,
  },
  {
    what: 'a lone surrogate in the key',
    method: 'POST',
    path: '/item',
    body: { id: 'b\udc00' },
    status: 400,
    code: 'INVALID_BODY',
    message: /^id: the string is not valid Unicode/,
  },
  {
    what: 'a lone surrogate in a name',
    method: 'POST',
    path: '/item',
    body: { id: 'b', m: { '\ud800': 1 } },
    status: 400,
    code: 'INVALID_BODY',
    message: /the attribute name is not valid Unicode/,
  },
  // Nesting: 32 levels.
  {
    what: 'a value nested 40 deep',
    method: 'POST',
    path: '/item',
    body: { id: 'b', d: deep(40) },
    status: 400,
    code: 'INVALID_BODY',
    message: /nesting deeper than 32 levels/,
  },
  // The audit record holds the post-image one level down, so 32 levels of the item are 33 in the record.
  {
    what: 'a value 32 levels deep with its attribute',
    method: 'POST',
    path: '/item',
    body: { id: 'b', d: deep(31) },
    status: 400,
    code: 'INVALID_BODY',
    message: /^nesting deeper than 31 levels cannot be written with its audit record$/,
  },
  // Number range: 38 digits, 1E-130..1E+126.
  {
    what: 'a number of 1e200',
    method: 'POST',
    path: '/item',
    body: '{"id":"b","n":1e200}',
    status: 400,
    code: 'INVALID_BODY',
    message: /^n: number out of DynamoDB range/,
  },
  {
    what: 'a number of 39 digits',
    method: 'POST',
    path: '/item',
    body: `{"id":"b","n":${'9'.repeat(39)}}`,
    status: 400,
    code: 'INVALID_BODY',
    message: /^n: number out of DynamoDB range/,
  },
  // Item size: 400 KB, counted with its audit record; the body limit comes first.
  {
    what: 'a body over 350 KB',
    method: 'POST',
    path: '/item',
    body: { id: 'b', s: 'x'.repeat(360_000) },
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
    message: /Request body over 350 KB/,
  },
  // Expression size: 4 KB and 300 operators.
  {
    what: 'a query of 300 filters',
    method: 'GET',
    path: `/items?${Array.from({ length: 300 }, (_, i) => `f${i}=1`).join('&')}`,
    status: 400,
    code: 'QUERY_TOO_COMPLEX',
    message: /longer than 4096 bytes/,
  },
  {
    what: 'a key query over 2048 bytes',
    method: 'GET',
    path: `/items?status=${'s'.repeat(2100)}`,
    status: 400,
    code: 'INVALID_QUERY',
    message: /^status: not a valid string for this key attribute$/,
  },
  {
    what: 'a sort key query over 1024 bytes',
    method: 'GET',
    path: `/items?owner=o&name=${'n'.repeat(1100)}`,
    status: 400,
    code: 'INVALID_QUERY',
    message: /^name: not a valid string for this key attribute$/,
  },
  {
    what: 'a sort key range over 1024 bytes',
    method: 'GET',
    path: `/items?owner=o&name__gt=${'n'.repeat(1100)}`,
    status: 400,
    code: 'INVALID_QUERY',
    message: /^name__gt: not a valid string for this key attribute$/,
  },
  {
    what: 'a search of 1001 values',
    method: 'POST',
    path: '/search/status',
    body: Array.from({ length: 1001 }, (_, i) => `v${i}`),
    status: 400,
    code: 'INVALID_BODY',
    message: /1 to 1000 values/,
  },
  {
    what: 'a path over 2048 characters',
    method: 'GET',
    path: `/item/${'x'.repeat(2100)}`,
    status: 414,
    code: 'URI_TOO_LONG',
    message: /Path longer than 2048/,
  },
];

describe.each(cases)('$what', ({ method, path, body, status, code, message }) => {
  it(`answers ${status} with a message naming the limit, and writes nothing`, async () => {
    const before = await snapshot(h);
    const res = await send(method, path, body);
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ code });
    expect((res.body as { error: string }).error).toMatch(message);
    expect(await snapshot(h)).toEqual(before);
  });
});

describe('values exactly at the limits are written', () => {
  it.each([
    { what: 'an id of 2048 bytes', body: { id: 'é'.repeat(1024) } },
    { what: "an index's sort key of 1024 bytes", body: { id: 's-1', owner: 'o', name: 'n'.repeat(1024) } },
    { what: 'a name of 32768 bytes', body: { id: 's-2', ['n'.repeat(32_768)]: 1 } },
    { what: 'a surrogate pair (an emoji)', body: { id: 's-3', s: '😀', '😀': 'ok' } },
    { what: 'a value nested 31 levels deep with its attribute', body: { id: 's-4', d: deep(30) } },
    { what: '5000 attributes', body: { id: 's-5', ...wide(5000) } },
  ])('$what', async ({ body }) => {
    const res = await send('POST', '/item', body);
    expect(res.status).toBe(201);
    const got = await send('GET', `/item/${encodeURIComponent((body as { id: string }).id)}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(body);
  });
});

// DynamoDB allows 32 levels of nesting and counts an empty list or map as opening a level of its own: a scalar may sit
// 31 containers below its attribute, an empty container only 30 (checked against DynamoDB Local: 31 maps then `{}` is
// refused, 30 maps then `{}` stored). With an audit table the record holds the post-image one level further down.
describe('nesting ending in an empty list or map (32 levels, as DynamoDB counts them)', () => {
  /** `levels` containers of `kind`, the innermost holding `leaf`. */
  const nest = (levels: number, kind: 'map' | 'list', leaf: unknown): unknown =>
    levels === 0 ? leaf : kind === 'map' ? { a: nest(levels - 1, kind, leaf) } : [nest(levels - 1, kind, leaf)];
  const shapes = [
    { kind: 'map', leaf: {} },
    { kind: 'map', leaf: [] },
    { kind: 'list', leaf: [] },
    { kind: 'list', leaf: {} },
  ] as const;
  const writes = [
    { method: 'POST', path: '/item', body: (d: unknown, id: string) => ({ id, d }) },
    { method: 'PATCH', path: '/item/a', body: (d: unknown) => ({ d }) },
  ] as const;

  describe.each([
    { tables: 'with an audit table', audit: true, max: 30 },
    { tables: 'without an audit table', audit: false, max: 31 },
  ])('$tables', ({ audit, max }) => {
    let hh: Harness;
    beforeAll(async () => {
      hh = await startHarness({
        app,
        audit,
        seed: {
          items: [{ id: 'a' }],
          authRecords: [apiKey('k', { permitted_endpoints: [{ method: '*', endpoint: '.*' }] })],
        },
      });
    });
    afterAll(() => hh.close());
    const call = (method: string, path: string, body: unknown) =>
      hh.request(method, path, { headers: as.key('k'), body });

    it('answers a PATCH that changes nothing of an item nested to the limit without a 500', async () => {
      // Prepare: an item written by others, as deep as DynamoDB allows (31 maps, then a scalar, under its attribute)
      const d = nest(31, 'map', 'x');
      await hh.db.send(
        new PutItemCommand({
          TableName: hh.tables.data,
          Item: { id: { S: 'deep-other' }, d: fromJson(plainToJson(d)) },
        }),
      );
      const before = await snapshot(hh);
      // Act: the same value, so nothing changes and the call is audited as a read, its body one level down
      const res = await call('PATCH', '/item/deep-other', { d });
      // Assess: without an audit table the answer is the item; with one, the body cannot be recorded: 400
      if (audit) {
        expectError(res, 400, 'INVALID_BODY');
        expect(await snapshot(hh)).toEqual(before);
      } else {
        expect(res).toMatchObject({ status: 200, body: { id: 'deep-other', d } });
      }
    });

    describe.each(writes)('$method $path', ({ method, path, body }) => {
      it.each(shapes)(
        `answers an empty $leaf inside ${max} levels of $kind with 400 INVALID_BODY and writes nothing`,
        async ({ kind, leaf }) => {
          // Prepare: the innermost empty container sits at the 33rd level of what DynamoDB would be sent
          const before = await snapshot(hh);
          // Act
          const res = await call(method, path, body(nest(max, kind, leaf), `deep-${kind}`));
          // Assess
          expect(res.status).toBe(400);
          expect(res.body).toMatchObject({ code: 'INVALID_BODY' });
          expect((res.body as { error: string }).error).toMatch(/nesting deeper than 3[12] levels/);
          expect(await snapshot(hh)).toEqual(before);
        },
      );

      it.each(shapes)(
        `stores an empty $leaf inside ${max - 1} levels of $kind, and a scalar inside ${max} (the controls)`,
        async ({ kind, leaf }) => {
          for (const d of [nest(max - 1, kind, leaf), nest(max, kind, 'x')]) {
            const res = await call(method, path, body(d, `ok-${kind}-${JSON.stringify(leaf)}-${Math.random()}`));
            expect(res.status).toBe(method === 'POST' ? 201 : 200);
            expect((res.body as { d: unknown }).d).toEqual(d);
          }
        },
      );
    });
  });
});
