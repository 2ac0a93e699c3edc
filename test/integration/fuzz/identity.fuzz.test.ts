// Random identity headers against the pet store on DynamoDB Local (issue 13.1): API keys valid, unknown, empty or
// huge; OIDC headers in any case, repeated, with odd unicode; junk Authorization and other headers. The model in
// petstore.ts says which records the headers select (docs/reference/identity.md#sources-in-order-of-precedence), so each answer is checked exactly: 401 when no
// record applies, else precisely the rows and fields those records show.
import fc from 'fast-check';
import { parseGroups } from '../../../src/http/identity';
import { fuzzServer } from './fixture';
import { API_KEYS, expectedCaller, GROUPS, hiddenFor, PET_IDS, USERS, visiblePets } from './petstore';
import { expectAnswered, expectNoLeak, FUZZ_TIMEOUT, fuzz, runs } from './tally';
import { headerSafe, type WireHeaders, wire } from './wire';

jest.setTimeout(FUZZ_TIMEOUT);

const { h, rec } = fuzzServer();

const NAMES = [
  'x-api-key',
  'X-Api-Key',
  'X-API-KEY',
  'Oidc-Claim-Sub',
  'oidc-claim-sub',
  'OIDC-CLAIM-SUB',
  'Oidc-Claim-Groups',
  'oidc-claim-groups',
  'Oidc-Claim-Name',
  'Oidc-Claim-Mail',
  'Authorization',
  'X-Forwarded-For',
  'X-Amzn-Oidc-Identity',
  'Cookie',
];
const KNOWN = [...API_KEYS, ...USERS, ...GROUPS];
const value = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...KNOWN) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      ' owen ',
      'OWEN',
      'alice\t',
      'vets,alice',
      ' vets , nobody',
      ',,,',
      'vets,vets',
      '[vets]',
      '["vets","x"]',
      'owen@example.com',
      'Bearer junk',
      'Bearer a b',
      'Bearer',
      'Basic Zm9vOmJhcg==',
      'null',
      'undefined',
      '__proto__',
      'constructor',
      '$' + '{user.id}', // a policy placeholder, as text
      'public-key ',
      'admin-key,public-key',
      'é',
      'ünïcødé',
    ),
  },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 1, arbitrary: fc.integer({ min: 200, max: 3000 }).map((n) => 'k'.repeat(n)) },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constantFrom(...KNOWN), fc.string({ maxLength: 4 })).map(([k, s]) => `${k}${s}`),
  },
);
const name = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...NAMES) },
  { weight: 1, arbitrary: fc.stringMatching(/^x-[a-z0-9-]{1,20}$/) },
);
/** Mostly one identity sent right (so that most cases get past 401), then noise around it. */
const primary = fc.oneof(
  fc.constantFrom(...API_KEYS).map((k): Array<[string, string]> => [['x-api-key', k]]),
  fc.constantFrom(...USERS).map((u): Array<[string, string]> => [['Oidc-Claim-Sub', u]]),
  fc.tuple(fc.constantFrom(...USERS, 'nobody'), fc.constantFrom('vets', 'vets,alice', 'x, vets')).map(
    ([u, g]): Array<[string, string]> => [
      ['Oidc-Claim-Sub', u],
      ['Oidc-Claim-Groups', g],
    ],
  ),
  fc.constant<Array<[string, string]>>([]),
);
const headerList = fc
  .tuple(primary, fc.array(fc.tuple(name, value), { maxLength: 4 }), fc.boolean())
  .map(([p, noise, first]) => (first ? [...p, ...noise] : [...noise, ...p]));
const route = fc.oneof(
  fc.constant('/items'),
  fc.constantFrom(...PET_IDS).map((id) => `/item/${id}`),
  fc.constant('/user'),
);

/**
 * The header list as sent (a name given twice, in any case: two header lines, under the first spelling; Node would
 * otherwise keep only the last) and as the server sees it: lower-case name → values, each trimmed of spaces and tabs.
 */
function toWire(list: ReadonlyArray<readonly [string, string]>) {
  const spelling = new Map<string, string>();
  const seen = new Map<string, string[]>();
  for (const [n, raw] of list) {
    const lower = n.toLowerCase();
    if (!spelling.has(lower)) spelling.set(lower, n);
    seen.set(lower, [...(seen.get(lower) ?? []), headerSafe(raw)]);
  }
  const sent: WireHeaders = {};
  for (const [lower, values] of seen) sent[spelling.get(lower)!] = values.length === 1 ? values[0]! : values;
  const trimmed = new Map([...seen].map(([n, vs]) => [n, vs.map((v) => v.replace(/^[ \t]+|[ \t]+$/g, ''))]));
  return { sent, seen: trimmed };
}

const byId = (rows: unknown) => [...(rows as { id: string }[])].sort((a, b) => a.id.localeCompare(b.id));

it(`identity: ${runs(1.5)} random identity header sets: 401 exactly when no record applies, else exactly its rows and fields`, async () => {
  await fuzz('identity headers (pet store)', fc.tuple(headerList, route), runs(1.5), async ([list, path]) => {
    const { sent, seen } = toWire(list);
    rec.clear();
    const res = await wire(h.url, 'GET', path, sent);
    expectAnswered(res);
    const want = expectedCaller(seen, parseGroups);
    if (want.status === 401) {
      expect(res.status).toBe(401);
      expect(rec.writes).toEqual([]);
      return res.status;
    }
    if (path === '/user') {
      expect(res.status).toBe(200);
      return res.status;
    }
    expectNoLeak(res, hiddenFor(want.roles), JSON.stringify(list));
    const visible = visiblePets(want.roles, want.username);
    if (path === '/items') {
      expect(res.status).toBe(200);
      expect(byId(res.body)).toEqual(byId(visible));
    } else {
      const pet = visible.find((p) => `/item/${p.id}` === path);
      expect({ status: res.status, body: pet ? res.body : undefined }).toEqual(
        pet ? { status: 200, body: pet } : { status: 404, body: undefined },
      );
    }
    return res.status;
  });
});
