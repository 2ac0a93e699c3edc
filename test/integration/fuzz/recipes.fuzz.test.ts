// The recipes example (item roles own/edit/view, docs/reference/item-roles.md#declaring-item-roles and docs/tutorials/recipes.md) fuzzed on DynamoDB Local (issue 13.1): reads,
// writes and grants bodies by users holding different roles on seeded recipes, by users holding none, by an API
// key with no user id, by a user id too long for a key, and anonymously. The expected visible set comes from the
// seed's grants: a list shows only recipes the caller may view, an item the caller cannot view is 404 (never 403),
// a write succeeds only with the role it needs, `_acl` and `_version` never show, and a refusal writes nothing.
import fc from 'fast-check';
import app from '../../../example/recipes/scoutr.config';
import { examplePolicyRecords } from '../../../scripts/examples';
import { dataTableOf } from '../../../src/core/app';
import { startHarness } from '../../support/harness';
import { scanTable } from '../write/support';
import { fuzzServer } from './fixture';
import { expectAnswered, expectNoLeak, FUZZ_TIMEOUT, fuzz, runs } from './tally';
import { type WireHeaders, type WireReply, wire } from './wire';

jest.setTimeout(FUZZ_TIMEOUT);

const RECIPES = [
  { id: 'r-1', title: 'soup', ingredients: ['water', 'salt'] },
  { id: 'r-2', title: 'bread', ingredients: ['flour'] },
  { id: 'r-3', title: 'stew', ingredients: ['beef', 'salt'] },
  { id: 'r-4', title: 'jam' },
  { id: 'r-5', title: 'secret sauce', ingredients: ['?'] },
];
const ALL = ['own', 'edit', 'view'];
const GRANTS = [
  { item: 'r-1', user: 'user1', roles: ALL },
  { item: 'r-2', user: 'user1', roles: ALL },
  { item: 'r-2', user: 'user2', roles: ['view'] },
  { item: 'r-3', user: 'user2', roles: ALL },
  { item: 'r-3', user: 'user3', roles: ['edit', 'view'] },
  { item: 'r-4', user: 'user3', roles: ['view'] }, // an item nobody owns
];
const IDS = RECIPES.map((r) => r.id);
const holds = (user: string | undefined, item: string, role: string) =>
  user !== undefined && GRANTS.some((g) => g.item === item && g.user === user && g.roles.includes(role));
const viewable = (user: string | undefined) => IDS.filter((id) => holds(user, id, 'view'));

const HUGE = 'u'.repeat(2100);
const CALLERS: Record<string, { headers: WireHeaders; user: string | undefined; anonymous?: true }> = {
  user1: { headers: { 'Oidc-Claim-Sub': 'user1' }, user: 'user1' },
  user2: { headers: { 'Oidc-Claim-Sub': 'user2' }, user: 'user2' },
  user3: { headers: { 'Oidc-Claim-Sub': 'user3' }, user: 'user3' },
  user4: { headers: { 'Oidc-Claim-Sub': 'user4', 'Oidc-Claim-Groups': 'own,view' }, user: 'user4' },
  key: { headers: { 'x-api-key': 'svc-key' }, user: 'svc-key' }, // an API key's user.id is its key id: it holds nothing
  huge: { headers: { 'Oidc-Claim-Sub': HUGE }, user: HUGE },
  anonymous: { headers: {}, user: undefined, anonymous: true },
};
const caller = fc.constantFrom(...Object.keys(CALLERS));
const RESERVED = { paths: ['_acl', '_version'], values: [] };

const { h, rec, tables, fromSeed } = fuzzServer(() =>
  startHarness({
    app,
    seed: { items: RECIPES, grants: GRANTS, ...examplePolicyRecords('recipes') },
    dataTable: dataTableOf(app),
  }),
);

/** Sends one request, checks what every answer owes, and undoes a successful write so each case starts seeded. */
async function send(
  who: string,
  method: string,
  path: string,
  body?: string,
  after?: (res: WireReply) => Promise<void>,
) {
  return fromSeed(
    async () => {
      const res = await wire(h.url, method, path, CALLERS[who]!.headers, body);
      expectAnswered(res, method);
      if (CALLERS[who]!.anonymous) expect(res.status).toBe(401);
      if (!path.endsWith('/grants')) expectNoLeak(res, RESERVED, `${path}${body ?? ''}`);
      if (res.status >= 400) {
        expect({ status: res.status, writes: rec.writes }).toEqual({ status: res.status, writes: [] });
        if (method !== 'GET') expect(await tables.changes()).toEqual([]);
      }
      await after?.(res);
      return res;
    },
    () => method === 'GET',
  );
}

/** The id the server sees: the path segment decoded once (a broken encoding stays as it is). */
const decoded = (segment: string) => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};
/** Refusals that confirm nothing about an item; an id holding '/' fails the `[^/]+` endpoint rule first (403). */
const blind = (i: string) => [400, 404, 413, 414, ...(decoded(i).includes('/') ? [403] : [])];
const byId = (rows: unknown) => (rows as { id: string }[]).map((r) => r.id).sort();
const recipe = (id: string) => RECIPES.find((r) => r.id === id)!;
const id = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...IDS) },
  { weight: 1, arbitrary: fc.constantFrom('r-404', 'r%2D1', '%2F', '__proto__', 'r'.repeat(2100)) },
);
const query = fc.oneof(
  fc.constant(''),
  fc.constantFrom('?title=soup', '?_limit=1', '?ingredients__contains=salt', '?_acl.own__contains=user1', '?x__y=1'),
  fc
    .tuple(fc.constantFrom('title', 'id', 'ingredients', '_acl', 'view'), fc.string({ maxLength: 6 }))
    .map(([k, v]) => `?${k}=${encodeURIComponent(v)}`),
);

it(`recipe reads: ${runs(1.5)} lists, items and grants by every caller: exactly what their item roles show`, async () => {
  const cases = fc.tuple(caller, fc.constantFrom('list', 'item', 'grants'), id, query);
  await fuzz('reads (recipes)', cases, runs(1.5), async ([who, op, i, q]) => {
    const user = CALLERS[who]!.user;
    const path = op === 'list' ? `/recipes${q}` : op === 'item' ? `/recipe/${i}` : `/recipe/${i}/grants`;
    const res = await send(who, 'GET', path);
    if (CALLERS[who]!.anonymous) return res.status;
    const sees = IDS.includes(decoded(i)) && holds(user, decoded(i), 'view');
    if (op === 'list') {
      if (res.status !== 200) expect(q).not.toBe('');
      else if (q === '' || q === '?x__y=1') expect(byId(res.body)).toEqual(viewable(user));
      else for (const got of byId(res.body)) expect(viewable(user)).toContain(got);
    } else if (op === 'item') {
      if (!sees) expect(blind(i).filter((s) => s !== 400)).toContain(res.status);
      else expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: recipe(decoded(i)) });
    } else {
      const grants = sees && (holds(user, decoded(i), 'own') || holds(user, decoded(i), 'edit'));
      if (sees) expect(res.status).toBe(grants ? 200 : 403);
      else expect(blind(i).filter((s) => s !== 400)).toContain(res.status);
      if (grants) {
        const acl: Record<string, string[]> = {};
        for (const g of GRANTS.filter((x) => x.item === decoded(i))) {
          for (const r of g.roles) acl[r] = [...(acl[r] ?? []), g.user];
        }
        expect(res.body).toEqual(acl);
      }
    }
    return res.status;
  });
});

const value = fc.oneof(
  fc.constantFrom('pie', '', ' ', 'x'.repeat(201), ['a', 'b'], [1], null, 0, true, {}, { own: ['user4'] }),
  fc.jsonValue({ maxDepth: 2 }),
);
const body = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .dictionary(fc.constantFrom('title', 'ingredients', 'id', '_acl', '_version', 'owner', ''), value, {
        maxKeys: 3,
      })
      .map((o) => JSON.stringify(o)),
  },
  { weight: 2, arbitrary: fc.constantFrom('{"title":"pie"}', '{"ingredients":["egg"]}', '{"title":"pie","id":"r-1"}') },
  { weight: 1, arbitrary: fc.constantFrom('', '{', 'null', '[]', '"x"', '{"_acl":{"own":["user4"]}}') },
);

it(`recipe writes: ${runs(1.5)} creates, PATCHes and DELETEs by every caller: only with the role each needs`, async () => {
  const cases = fc.tuple(caller, fc.constantFrom('POST', 'PATCH', 'DELETE'), id, body);
  await fuzz('creates, updates, deletes (recipes)', cases, runs(1.5), async ([who, method, i, b]) => {
    const user = CALLERS[who]!.user;
    const path = method === 'POST' ? '/recipe' : `/recipe/${i}`;
    const res = await send(who, method, path, method === 'DELETE' ? undefined : b);
    if (CALLERS[who]!.anonymous || method === 'POST') return res.status;
    const sees = IDS.includes(decoded(i)) && holds(user, decoded(i), 'view');
    // An item the caller cannot view is 404, never 403: no write confirms that it exists.
    if (!sees) expect(blind(i)).toContain(res.status);
    if (res.status < 300) expect(holds(user, decoded(i), method === 'PATCH' ? 'edit' : 'own')).toBe(true);
    return res.status;
  });
});

const grantUser = fc.oneof(
  fc.constantFrom('user1', 'user2', 'user3', 'user4', '', ' ', 'é', 'u'.repeat(1025), HUGE),
  fc.constantFrom(1, null, true, ['user2'], {}),
  fc.string({ maxLength: 6 }),
);
const role = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...ALL) },
  { weight: 1, arbitrary: fc.constantFrom('admin', 'OWN', '', 'constructor', '__proto__', 1, null) },
);
const grantBody = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .record(
        {
          user: grantUser,
          grants: fc.oneof(fc.array(role, { maxLength: 4 }), fc.constantFrom('view', null, {})),
          requires: role,
          revoke: fc.oneof(fc.boolean(), fc.constantFrom('true', 1, null)),
          extra: fc.constantFrom(1, 'x'),
        },
        { requiredKeys: [] },
      )
      .map((o) => JSON.stringify(o)),
  },
  {
    weight: 3,
    arbitrary: fc
      .record({
        user: fc.constantFrom('user1', 'user2', 'user3', 'user4'),
        grants: fc.subarray(ALL, { minLength: 1 }),
        revoke: fc.boolean(),
      })
      .map((o) => JSON.stringify(o)),
  },
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc.constantFrom('', '{', '[]', 'null'),
      fc.jsonValue().map((v) => JSON.stringify(v)),
    ),
  },
);

it(`recipe grants: ${runs(2)} random grants bodies by every caller: 404 unseen, the rules, _acl and rows agree`, async () => {
  const cases = fc.tuple(caller, id, grantBody);
  await fuzz('POST /recipe/{id}/grants (recipes)', cases, runs(2), async ([who, i, b]) => {
    const user = CALLERS[who]!.user;
    const item = decoded(i);
    const res = await send(who, 'POST', `/recipe/${i}/grants`, b, async (res) => {
      if (res.status !== 200 || rec.writes.length === 0) return;
      // The grants table holds exactly the item's direct grants, a row per user, as the answer says.
      const rows = (await scanTable(h, h.tables.grants!, 'principal')).filter((r) => r.item_key === item);
      const acl = res.body as Record<string, string[]>;
      expect(rows.map((r) => r.principal).sort()).toEqual([...new Set(Object.values(acl).flat())].sort());
      for (const r of rows) {
        const direct = Object.keys(acl).filter((k) => acl[k]!.includes(r.principal as string));
        expect([...(r.roles as string[])].sort()).toEqual(direct.sort());
      }
    });
    if (CALLERS[who]!.anonymous) return res.status;
    const sees = IDS.includes(item) && holds(user, item, 'view');
    if (!sees) expect(blind(i)).toContain(res.status);
    if (res.status === 200) expect(holds(user, item, 'own') || holds(user, item, 'edit')).toBe(true);
    return res.status;
  });
});
