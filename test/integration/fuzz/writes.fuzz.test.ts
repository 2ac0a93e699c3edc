// Random JSON bodies on every write route of the pet store, on DynamoDB Local (issue 13.1): POST /item, PUT and
// PATCH /item/{id}, DELETE /item/{id} and the custom action POST /item/{id}/sell, by every kind of caller. Properties:
// never a 5xx; every 4xx is docs/reference/errors.md#the-error-body; a refused write writes nothing at all (no successful write command
// to the data or audit table, and the data table as before); an answer holds nothing hidden from the caller. A
// successful write is undone, so that every case starts from the seed.
import fc from 'fast-check';
import { fuzzServer } from './fixture';
import { expectedCaller, hiddenFor, PET_IDS } from './petstore';
import { expectAnswered, expectNoLeak, FUZZ_TIMEOUT, fuzz, runs } from './tally';
import { type WireHeaders, wire } from './wire';

jest.setTimeout(FUZZ_TIMEOUT);

const { h, rec, tables, fromSeed } = fuzzServer();

const CALLERS: Record<string, WireHeaders> = {
  inventory: { 'x-api-key': 'inventory-key' },
  admin: { 'x-api-key': 'admin-key' },
  alice: { 'Oidc-Claim-Sub': 'alice' },
  owen: { 'Oidc-Claim-Sub': 'owen' },
  vet: { 'Oidc-Claim-Sub': 'vera', 'Oidc-Claim-Groups': 'vets' },
  public: { 'x-api-key': 'public-key' },
  anonymous: {},
};
const caller = fc.constantFrom(...Object.keys(CALLERS));

const FIELDS = ['id', 'name', 'type', 'status', 'price', 'cost', 'supplier', 'owner', 'notes', 'tags'];
const ODD = ['_version', '_acl', '', 'supplier.contact', '__proto__', 'constructor', 'a'.repeat(300), 'é', 'x y'];
const good = fc.oneof(
  fc.constantFrom('dog', 'cat', 'bird', 'available', 'pending', 'sold', 'Rex', 'p-1', 'owen'),
  fc.integer({ min: -1, max: 100_001 }),
  fc.constantFrom(0, 0.5, 1e21, 2 ** 60, -0),
  fc.constantFrom(null, true, false, [], {}, ['friendly'], { name: 'Farm', contact: 'x@y' }),
  fc.constantFrom('1'.repeat(40), '9'.repeat(39), 'x'.repeat(5000)),
);
const value = fc.oneof({ weight: 3, arbitrary: good }, { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) });
const object = fc.dictionary(fc.oneof(fc.constantFrom(...FIELDS, ...ODD), fc.string({ maxLength: 6 })), value, {
  maxKeys: 5,
});
/** A plausible pet (so that some creates and updates succeed), now and then with a stray field. */
const plausible = fc
  .tuple(
    fc.record(
      {
        type: fc.constantFrom('dog', 'cat', 'fish', 'lizard'),
        status: fc.constantFrom('available', 'pending', 'sold'),
        name: fc.constantFrom('Rex', 'Tom', ''),
        price: fc.constantFrom(0, 10, 99.5, 200_000),
        notes: fc.string({ maxLength: 8 }),
      },
      { requiredKeys: ['type'] },
    ),
    fc.dictionary(fc.constantFrom(...FIELDS, ...ODD), value, { maxKeys: 1 }),
    fc.boolean(),
  )
  .map(([pet, extra, stray]) => JSON.stringify(stray ? { ...pet, ...extra } : pet));
/** A body as sent: mostly an object, sometimes any JSON, broken JSON, a deep nest, a huge string, or nothing. */
const body = fc.oneof(
  { weight: 4, arbitrary: object.map((o) => JSON.stringify(o)) },
  { weight: 3, arbitrary: plausible },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '',
      '{',
      '{"name":',
      'null',
      '[]',
      '"x"',
      '{"type":"dog"}{"type":"cat"}',
      '{"type":"dog","type":"cat"}',
      '\ufeff{"type":"dog"}',
      `${'['.repeat(40)}${']'.repeat(40)}`,
      `{"a":${'{"a":'.repeat(40)}1${'}'.repeat(40)}}`,
      `{"name":"${'n'.repeat(360_000)}"}`,
      '{"__proto__":{"status":"sold"}}',
      '{"price":1e400}',
      '{"price":0.1e-400}',
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
);
const id = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...PET_IDS) },
  { weight: 1, arbitrary: fc.constantFrom('p-404', 'p%2D1', '%2F', '__proto__', 'p'.repeat(2100), '%C3%A9') },
);

async function send(who: string, method: string, path: string, text: string | undefined) {
  const headers = { ...CALLERS[who]!, ...(text === undefined ? {} : { 'content-type': 'application/json' }) };
  // Every case starts from the seed: a successful write (or a failed case) is undone.
  return fromSeed(async () => {
    const res = await wire(h.url, method, path, headers, text);
    expectAnswered(res, method);
    if (res.status >= 400) {
      expect({ status: res.status, writes: rec.writes }).toEqual({ status: res.status, writes: [] });
      expect(await tables.changes()).toEqual([]);
    } else {
      const lower = new Map(Object.entries(CALLERS[who]!).map(([k, v]) => [k.toLowerCase(), [v as string]]));
      const want = expectedCaller(lower, (g) => g.split(','));
      expect(want.status).toBe(200);
      if (want.status === 200) expectNoLeak(res, hiddenFor(want.roles), text ?? '');
    }
    return res.status;
  });
}

it(`create: ${runs()} random POST /item bodies by every caller: no 5xx, the JSON errors, a refusal writes nothing`, async () => {
  await fuzz('POST /item (pet store)', fc.tuple(caller, body), runs(), ([who, text]) =>
    send(who, 'POST', '/item', text),
  );
});

it(`update: ${runs()} random PUT and PATCH bodies by every caller: no 5xx, the JSON errors, a refusal writes nothing`, async () => {
  const cases = fc.tuple(caller, fc.constantFrom('PUT', 'PATCH'), id, body);
  await fuzz('PUT/PATCH /item/{id} (pet store)', cases, runs(), ([who, method, i, text]) =>
    send(who, method, `/item/${i}`, text),
  );
});

it(`delete: ${runs(0.5)} random DELETEs by every caller (with stray bodies): no 5xx, a refusal writes nothing`, async () => {
  const cases = fc.tuple(caller, id, fc.option(body, { freq: 4 }));
  await fuzz('DELETE /item/{id} (pet store)', cases, runs(0.5), ([who, i, text]) =>
    send(who, 'DELETE', `/item/${i}`, text ?? undefined),
  );
});

it(`sell: ${runs()} random POST /item/{id}/sell bodies by every caller: no 5xx, the JSON errors, a refusal writes nothing`, async () => {
  const owner = fc.oneof(
    body,
    fc.jsonValue({ maxDepth: 1 }).map((o) => JSON.stringify({ owner: o })),
  );
  await fuzz('POST /item/{id}/sell (pet store)', fc.tuple(caller, id, owner), runs(), ([who, i, text]) =>
    send(who, 'POST', `/item/${i}/sell`, text),
  );
});
