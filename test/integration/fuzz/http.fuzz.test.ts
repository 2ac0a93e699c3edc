// A bounded fuzz run through the HTTP path on DynamoDB Local (issue 13.1): random query strings against the pet
// store as its public key, and random update bodies as the inventory key. Properties: never a 5xx; every 4xx is
// docs/reference/errors.md#the-error-body; an answer never holds a field hidden from the caller, nor a row outside its filters; a
// refused write changes nothing. Paths, identities, every write route and the recipes example: the other files here.
import fc from 'fast-check';
import { scanData } from '../write/support';
import { fuzzServer } from './fixture';
import { hiddenFor } from './petstore';
import { expectAnswered, expectNoLeak, FUZZ_TIMEOUT, fuzz, runs } from './tally';

jest.setTimeout(FUZZ_TIMEOUT);

const { h, rec } = fuzzServer();

const FIELDS = ['id', 'name', 'type', 'status', 'price', 'cost', 'supplier', 'supplier.contact', 'supplier.name'];
const MORE = ['tags', 'owner', 'notes', 'nope', 'a.b.c', '_version', '_acl', '__proto__', 'constructor', 'x y', 'é'];
const OPS = [
  '',
  'eq',
  'ne',
  'in',
  'notin',
  'startswith',
  'contains',
  'notcontains',
  'exists',
  'gt',
  'lt',
  'gte',
  'lte',
  'between',
  'length',
  'length__gt',
  'bogus',
];
const RESERVED = ['_limit', '_cursor', '_explain', '_sort'];
const text = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.constantFrom(
    'dog',
    'cat',
    'available',
    'sold',
    '0',
    '-1',
    '1e400',
    'true',
    'null',
    '[]',
    '["dog","cat"]',
    '[1,2]',
    '[1]',
    '{"a":1}',
    '\u0000',
    '\ud800',
    'farm@example.com',
  ),
  fc.integer({ min: 1, max: 3000 }).map((n) => 'x'.repeat(n)),
);
const param = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(fc.constantFrom(...FIELDS, ...MORE), fc.constantFrom(...OPS))
      .map(([f, o]) => (o ? `${f}__${o}` : f)),
  },
  { weight: 1, arbitrary: fc.constantFrom(...RESERVED) },
  { weight: 1, arbitrary: fc.string({ maxLength: 10 }) },
);
const query = fc.array(fc.tuple(param, text), { maxLength: 6 });

/** Percent-encoding; text with a lone surrogate (which has no UTF-8) goes as the bytes of one, invalid UTF-8. */
const enc = (t: string) => {
  try {
    return encodeURIComponent(t);
  } catch {
    return '%ED%A0%80';
  }
};

it(`reads: ${runs(3)} random queries as the public key: no 5xx, the JSON errors, nothing hidden, nothing outside its rows`, async () => {
  await fuzz('queries as the public key (pet store)', query, runs(3), async (params) => {
    const qs = params.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&');
    rec.clear();
    const res = await h.request('GET', `/items?${qs}`, { headers: { 'x-api-key': 'public-key' } });
    expectAnswered(res);
    expectNoLeak(res, hiddenFor(['public-key']), qs);
    if (res.status >= 400) {
      expect(rec.writes).toEqual([]);
      return res.status;
    }
    for (const item of res.body as Record<string, unknown>[]) {
      expect(item).not.toHaveProperty('_version');
      expect(item.status).toBe('available');
    }
    return res.status;
  });
});

const jsonValue = fc.jsonValue({ maxDepth: 3 });
const body = fc.oneof(
  fc.dictionary(fc.constantFrom(...FIELDS, ...MORE, 'status', 'price'), jsonValue, { maxKeys: 4 }),
  jsonValue,
  fc.string({ maxLength: 20 }),
);

it(`writes: ${runs()} random update bodies as the inventory key: no 5xx, the JSON errors, a refused write changes nothing`, async () => {
  await fuzz(
    'update bodies as the inventory key (pet store)',
    fc.tuple(body, fc.constantFrom('PATCH', 'PUT')),
    runs(),
    async ([b, method]) => {
      const before = await scanData(h);
      rec.clear();
      const res = await h.request(method, '/item/p-3', {
        headers: { 'x-api-key': 'inventory-key' },
        body: typeof b === 'string' ? b : JSON.stringify(b),
      });
      expectAnswered(res);
      if (res.status >= 400) {
        expect(rec.writes).toEqual([]);
        expect(await scanData(h)).toEqual(before);
      }
      return res.status;
    },
  );
});
