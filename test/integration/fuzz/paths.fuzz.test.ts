// Random paths against the pet store on DynamoDB Local (issue 13.1): route names known and unknown, ids with odd
// characters, percent-encoding (once, twice, broken), dots, slashes, unicode, trailing and doubled slashes, long
// segments; any method, as callers from the public website to the admin. Properties: never a 5xx; every 4xx is
// docs/reference/errors.md#the-error-body; nothing hidden from the caller in any answer or header; every pet answered is one the caller
// may read, exactly as they may see it; a failed request writes nothing (a successful write is undone after it).
import fc from 'fast-check';
import { fuzzServer } from './fixture';
import { expectedCaller, hiddenFor, PET_IDS, visiblePets } from './petstore';
import { expectAnswered, expectNoLeak, FUZZ_TIMEOUT, fuzz, runs } from './tally';
import { type WireHeaders, wire } from './wire';

jest.setTimeout(FUZZ_TIMEOUT);

const { h, rec, tables } = fuzzServer();

const CALLERS: Record<string, WireHeaders> = {
  public: { 'x-api-key': 'public-key' },
  owen: { 'Oidc-Claim-Sub': 'owen' },
  alice: { 'Oidc-Claim-Sub': 'alice' },
  vet: { 'Oidc-Claim-Sub': 'vera', 'Oidc-Claim-Groups': 'vets' },
  admin: { 'x-api-key': 'admin-key' },
  anonymous: {},
};
/** Callers whose every answer is checked pet by pet (the admin reads audit post-images of undone writes). */
const RESTRICTED = new Set(['public', 'owen', 'alice', 'vet']);

/** Percent-encodes what a request line cannot carry raw (and `?`, `#`, `%` unless the segment means them). */
const encodeSegment = (s: string) =>
  [...s]
    .map((c) => {
      if (/^[\x21-\x7e]$/.test(c) && !'?#'.includes(c)) return c;
      try {
        return encodeURIComponent(c);
      } catch {
        return '%ED%A0%80'; // a lone surrogate: the bytes of one, invalid UTF-8
      }
    })
    .join('');

const ROUTES = [
  'items',
  'item',
  'search',
  'types',
  'statuses',
  'audit',
  'history',
  'user',
  'openapi.json',
  'ITEMS',
  'Item',
  'item.json',
  'items;',
  'nope',
  '',
  '.',
  '..',
  '%69tem',
  'recipes',
];
const segment = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...PET_IDS) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'status',
      'available',
      'sold',
      'type',
      'dog',
      'sell',
      'grants',
      'has-permission',
      'p%2D1',
      'p%252D1',
      '%2F',
      'p-1%2Fsell',
      'p-1%00',
      '%',
      '%zz',
      '%ED%A0%80',
      '%C3%A9',
      '%E2%80%AE',
      '.',
      '..',
      '...',
      'p-1.',
      '.p-1',
      '__proto__',
      'constructor',
      'cost',
      'supplier.contact',
      '_version',
      '_acl',
      '*',
      '$',
      '(',
      '[^/]+',
      'é',
      '🐕',
      ' ',
    ),
  },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 10 }).map(encodeSegment) },
  { weight: 1, arbitrary: fc.string({ maxLength: 10 }).map(encodeSegment) },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 3000 }).map((n) => 'p'.repeat(n)) },
);
/** A route's shape with random segments where its parameters are (most cases reach a handler), or anything. */
const shaped = fc.oneof(
  fc.constant(['items']),
  fc.tuple(segment, segment).map(([k, v]) => ['items', k, v]),
  segment.map((v) => ['items', 'status', v]),
  segment.map((id) => ['item', id]),
  segment.map((id) => ['item', id, 'sell']),
  segment.map((k) => ['search', k]),
  fc.constantFrom(['types'], ['statuses'], ['audit'], ['user'], ['user', 'has-permission']),
  segment.map((id) => ['audit', id]),
  segment.map((id) => ['history', id]),
);
const anyShape = fc
  .tuple(fc.constantFrom(...ROUTES), fc.array(segment, { maxLength: 3 }))
  .map(([r, segs]) => [r, ...segs]);
const path = fc
  .tuple(
    fc.oneof({ weight: 3, arbitrary: shaped }, { weight: 1, arbitrary: anyShape }),
    fc.constantFrom('', '', '', '/', '//'),
    fc.constantFrom('/', '/', '/', '//', '/./'),
    fc.constantFrom('', '', '', '?_limit=1', '?status=sold', '?cost__gt=1', '?x'),
  )
  .map(([segs, tail, lead, query]) => `${encodeSegment(`${lead}${segs.join('/')}${tail}`)}${query}`);
const method = fc.constantFrom('GET', 'GET', 'GET', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'DELETE');

/** Every scalar of the pets a caller may read, any field, any depth: what a unique route may answer. */
const scalarsOf = (node: unknown, out = new Set<unknown>()): Set<unknown> => {
  if (node !== null && typeof node === 'object') for (const v of Object.values(node)) scalarsOf(v, out);
  else out.add(node);
  return out;
};

/** Every object in a JSON tree that is a pet: it has a seeded id and a type. */
const petsIn = (node: unknown, out: Record<string, unknown>[] = []): Record<string, unknown>[] => {
  if (node === null || typeof node !== 'object') return out;
  if (Array.isArray(node)) {
    for (const n of node) petsIn(n, out);
    return out;
  }
  const obj = node as Record<string, unknown>;
  if (PET_IDS.includes(obj.id as string) && 'type' in obj) out.push(obj);
  for (const v of Object.values(obj)) petsIn(v, out);
  return out;
};

it(`paths: ${runs(2)} random paths and methods: no 5xx, the JSON errors, nothing hidden, only the caller's pets`, async () => {
  const cases = fc.tuple(fc.constantFrom(...Object.keys(CALLERS)), method, path);
  await fuzz('paths and methods (pet store)', cases, runs(2), async ([who, verb, raw]) => {
    const headers = CALLERS[who]!;
    rec.clear();
    const res = await wire(h.url, verb, raw, headers);
    expectAnswered(res, verb);
    if (res.status >= 400) expect(rec.writes).toEqual([]);
    const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), [v as string]]));
    const caller = expectedCaller(lower, (g) => g.split(','));
    const canonical = raw.split('?')[0]!.replace(/\/+/g, '/');
    if (caller.status === 401) {
      // Without a role only CORS preflights answer 2xx (GET /openapi.json is the caller's document: 401 too).
      const open = verb === 'OPTIONS';
      expect({ verb, canonical, answered: res.status >= 200 && res.status < 300 }).toEqual({
        verb,
        canonical,
        answered: res.status >= 200 && res.status < 300 && open,
      });
      return res.status;
    }
    if (!/^\/(\.\/)?user(\/|$)/.test(canonical)) expectNoLeak(res, hiddenFor(caller.roles), raw);
    const visible = visiblePets(caller.roles, caller.username);
    if (RESTRICTED.has(who) && res.status < 300) {
      for (const pet of petsIn(res.body)) {
        const seen = visible.find((p) => p.id === pet.id);
        expect({ id: pet.id, visible: seen !== undefined }).toEqual({ id: pet.id, visible: true });
        if (verb === 'GET') expect(pet).toEqual(seen);
      }
      if (verb === 'GET' && Array.isArray(res.body) && res.body.every((v) => v === null || typeof v !== 'object')) {
        const allowed = scalarsOf(visible);
        for (const v of res.body) expect({ value: v, allowed: allowed.has(v) }).toEqual({ value: v, allowed: true });
      }
    }
    if (rec.writes.length > 0 && verb !== 'GET') await tables.reset();
    else if (verb !== 'GET' && verb !== 'HEAD' && verb !== 'OPTIONS') expect(await tables.changes()).toEqual([]);
    return res.status;
  });
});
