import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import {
  EXAMPLES,
  type ExampleName,
  exampleFiles,
  examplePolicy,
  examplePolicyRecords,
  loadExample,
} from '../../../scripts/examples';
import { loadPolicy, type Policy } from '../../../src';
import { type AppConfig, dataTableOf } from '../../../src/core/app';
import { ACL, aclValue, grantRows } from '../../../src/core/item-roles';
import { fromJson, plainToJson } from '../../../src/core/json';
import { itemsRoute, type Route, routesFor } from '../../../src/core/routes';
import type { Item } from '../../../src/core/values';
import { type Harness, startHarness } from '../../support/harness';
import { type cli, cliOn } from '../cli/support';

// One decision, three ways (issue 19 §6; docs/reference/policy-file.md#decisions-in-code): on random identities,
// methods, paths (every route of the app, custom actions included, and paths of none) and items of every example, the
// server over HTTP, `scoutr check` through the CLI's `run` (roles from the tables) and `loadPolicy(...).can()` (roles
// from the policy file) agree. A denial is the server's status (404 route or row, 401, 403, 400 for a grant body);
// an allowed request is anything else (200, 201, or a 400/409 the action decides after authorization); a list shows
// the item exactly when the decision says it is visible. Each run first puts its item back as seeded.

jest.setTimeout(180_000);

// 60 runs an example in npm test (about 30 s in all on 2 cores), from a seed that reaches writes a body decides; DECIDE_RUNS=500
// DECIDE_SEED=<n> for a longer, other search (DECIDE_VERBOSE=1 lists every case).
const RUNS = Number(process.env.DECIDE_RUNS ?? 60);
const SEED = process.env.DECIDE_SEED === undefined ? 6 : Number(process.env.DECIDE_SEED);

type Plain = Record<string, unknown>;
type Grant = { item: string; user: string; roles: readonly string[] };

/** Items the test adds where an example seeds none (recipes starts empty), with their grants. */
const EXTRA: Partial<Record<ExampleName, { items: Plain[]; grants: Grant[] }>> = {
  recipes: {
    items: [
      { id: 'soup', title: 'Soup', ingredients: ['water', 'salt'] },
      { id: 'cake', title: 'Cake', ingredients: ['flour'] },
    ],
    grants: [
      { item: 'soup', user: 'user1', roles: ['own', 'edit', 'view'] },
      { item: 'soup', user: 'user2', roles: ['view'] },
      { item: 'cake', user: 'user2', roles: ['edit', 'view'] },
    ],
  },
};

/** What each example's custom action changes, so that can() and check decide the change the server makes. */
const CUSTOM_CHANGES: Record<string, (item: Plain, callerId: string | undefined, body: Plain) => Plain> = {
  SELL: (_item, _caller, body) => ({
    status: 'sold',
    ...(typeof body.owner === 'string' ? { owner: body.owner } : {}),
  }),
  COMMENT: (item, caller, body) => ({
    comments: [...(Array.isArray(item.comments) ? item.comments : []), { by: caller, text: body.text }],
  }),
};
const CUSTOM_BODIES: Record<string, Plain[]> = { SELL: [{}, { owner: 'olivia' }], COMMENT: [{ text: 'well said' }] };

interface Example {
  name: ExampleName;
  app: AppConfig;
  appFile: string;
  key: string;
  h: Harness;
  policy: Policy;
  env: Record<string, string>;
  items: Plain[];
  grants: Grant[];
  /** `key:ID`, `user:ID`, `user:ID:GROUP` and `anonymous`, by kind: each kind is drawn as often */
  identities: string[][];
  fields: string[];
  /** fields a path filter or search may name without a 400 for the key schema's type */
  filterFields: string[];
  scoutr: ReturnType<typeof cli>;
}

async function setUp(name: ExampleName): Promise<Example> {
  const appFile = exampleFiles(name).app;
  const { app, seed } = await loadExample(name);
  const data = { items: seed?.items ?? [], grants: seed?.grants ?? [] };
  const extra = EXTRA[name] ?? { items: [], grants: [] };
  const items = [...(data.items as Plain[]), ...extra.items];
  const grants = [...(data.grants ?? []), ...extra.grants];
  const env: Record<string, string> = {}; // the example's default and anonymous roles are its app config's
  const h = await startHarness({
    app,
    seed: { items, grants, ...examplePolicyRecords(name) },
    env,
    dataTable: dataTableOf(app),
  });
  const doc = examplePolicy(name);
  const key = dataTableOf(app).partitionKey.name;
  const records = Object.entries(doc.records ?? {});
  const users = new Set([
    ...records.filter(([, r]) => r.type === 'USERNAME').map(([id]) => id),
    ...grants.map((g) => g.user),
    'stranger',
  ]);
  const groups = records.filter(([, r]) => r.type === 'OIDC_GROUP').map(([id]) => id);
  const keys = [...records.filter(([, r]) => r.type === 'API_KEY').map(([id]) => id), 'nobody'];
  const identities = [
    ['anonymous'],
    keys.map((k) => `key:${k}`),
    [...users].map((u) => `user:${u}`),
    [...users].flatMap((u) => groups.map((g) => `user:${u}:${g}`)),
  ].filter((kind) => kind.length > 0);
  const fields = [...new Set(items.flatMap((i) => Object.keys(i)))].filter((f) => f !== key);
  const indexKeys = new Set(
    dataTableOf(app).indexes.flatMap((i) => [i.partitionKey.name, ...(i.sortKey ? [i.sortKey.name] : [])]),
  );
  return {
    name,
    app,
    appFile,
    key,
    h,
    policy: loadPolicy(doc, { app, defaultRole: env.DEFAULT_ROLE, anonymousRole: env.ANONYMOUS_ROLE }),
    env,
    items,
    grants,
    identities,
    fields,
    filterFields: fields.filter((f) => !indexKeys.has(f)),
    scoutr: cliOn(h, env),
  };
}

/** The item as seeded, with its grants: stored again (overwriting any change a run made), and as can() takes it. */
function seeded(x: Example, index: number): { plain: Plain; stored: Item } {
  const plain = x.items[index]!;
  const id = String(plain[x.key]);
  const acl: Record<string, string[]> = {};
  for (const g of x.grants.filter((g) => g.item === id)) for (const r of g.roles) acl[r] = [...(acl[r] ?? []), g.user];
  const item = (fromJson(plainToJson(plain)) as { M: Item }).M;
  const hasAcl = Object.keys(acl).length > 0;
  return {
    plain: hasAcl ? { ...plain, [ACL]: acl } : plain,
    stored: hasAcl ? { ...item, [ACL]: aclValue(acl) } : item,
  };
}

async function restore(x: Example, index: number): Promise<void> {
  const { plain, stored } = seeded(x, index);
  await x.h.db.send(new PutItemCommand({ TableName: x.h.tables.data, Item: stored as never }));
  const acl = (plain[ACL] ?? {}) as Record<string, string[]>;
  for (const [user, roles] of grantRows(acl)) {
    await x.h.db.send(
      new PutItemCommand({
        TableName: x.h.tables.grants!,
        Item: { principal: { S: user }, item_key: { S: String(plain[x.key]) }, roles: { SS: roles } },
      }),
    );
  }
}

const callerId = (identity: string) => (identity === 'anonymous' ? undefined : identity.split(':')[1]);
function headersOf(identity: string): Record<string, string> {
  const [kind, id, groups] = identity.split(':');
  if (kind === 'key') return { 'x-api-key': id! };
  if (kind === 'user') return { 'Oidc-Claim-Sub': id!, ...(groups ? { 'Oidc-Claim-Groups': groups } : {}) };
  return {};
}

interface Case {
  identity: string;
  /** a route of the app, or a path of none */
  route: Route | { method: string; path: string; verb: 'none' };
  itemIndex: number;
  /** the id names no item */
  absent: boolean;
  pick: number;
}

const WRITES = new Set(['create', 'update', 'delete', 'custom', 'grants']);

let created = 0;
/** The request a case makes, and what the decisions are given: the item and the body (a custom action's change). */
function requestOf(x: Example, c: Case) {
  const { plain } = seeded(x, c.itemIndex);
  const id = c.absent ? 'no-such-item' : String(plain[x.key]);
  const field = x.filterFields[c.pick % x.filterFields.length]!;
  const params: Record<string, string> = { id, item: id, search_key: field, search_value: '1', status: '1' };
  const path = c.route.path.replace(/\{([^}]+)\}/g, (_, p: string) => params[p] ?? 'x');
  const about = /\{(id|item)\}/.test(c.route.path) && !c.absent ? plain : undefined;
  const route = c.route as Route;
  let body: unknown;
  let decided: Plain | undefined;
  if (route.verb === 'update') {
    // one or two fields, each set to what some item holds there (so types fit the key schema), or removed
    const chosen = [...new Set([x.fields[c.pick % x.fields.length]!, x.fields[(c.pick >> 3) % x.fields.length]!])];
    const change: Plain = {};
    for (const [i, f] of chosen.entries()) {
      const donor = x.items[(c.pick + i) % x.items.length]!;
      change[f] = Object.hasOwn(donor, f) ? donor[f] : null;
    }
    body = change;
    decided = change;
  } else if (route.verb === 'create') {
    const { [x.key]: _, ...template } = x.items[c.pick % x.items.length]!;
    const made = x.app.generateId ? template : { ...template, [x.key]: `new-${process.pid}-${++created}` };
    body = made;
    decided = made;
  } else if (route.verb === 'custom') {
    const bodies = CUSTOM_BODIES[route.action!] ?? [];
    const sent = bodies[c.pick % bodies.length] ?? {};
    const model = CUSTOM_CHANGES[route.action!];
    if (!model) throw new Error(`no model of what custom action ${route.action} changes: add one to CUSTOM_CHANGES`);
    body = sent;
    decided = about ? model(about, callerId(c.identity), sent) : undefined;
  } else if (route.verb === 'grants' && route.method === 'POST') {
    const roles = x.app.itemRoles!.roles;
    body = { user: `someone-${c.pick % 3}`, grants: [roles[c.pick % roles.length]!] };
    decided = body as Plain;
  } else if (route.verb === 'search') {
    body = ['1'];
  } else if (route.verb === 'hasPermission') {
    body = { method: 'GET', path: '/' };
  } else if (route.method !== 'GET' && route.method !== 'DELETE') {
    body = {};
  }
  return { method: c.route.method, path, about, body, decided };
}

describe.each([...EXAMPLES])('the %s example', (name) => {
  let x: Example;
  beforeAll(async () => {
    x = await setUp(name);
  });
  afterAll(() => x.h.close());

  it('decides alike over HTTP, through scoutr check and through loadPolicy().can()', async () => {
    const routes = routesFor(x.app);
    // paths no route has: a method a route path lacks, and a path under none
    const none = [
      { method: 'DELETE', path: itemsRoute(x.app), verb: 'none' as const },
      { method: 'GET', path: '/nothing/here', verb: 'none' as const },
    ];
    // Half the runs take an identity some rule permits the route to (found by can() on the endpoint alone: a
    // sampling bias only), so that every route is reached by callers who may call it, not only by refusals.
    const all = x.identities.flat();
    const permitted = new Map(
      [...routes, ...none].map((route) => {
        const path = requestOf(x, { identity: 'anonymous', route, itemIndex: 0, absent: false, pick: 0 }).path;
        return [route, all.filter((id) => x.policy.can(id, route.method, path).allowed)];
      }),
    );
    const arbitrary = fc
      .record({
        // writes, whose item and body decide the most, are drawn as often as every other route together
        route: fc.oneof(
          fc.constantFrom<Case['route']>(...routes.filter((r) => WRITES.has(r.verb))),
          fc.constantFrom<Case['route']>(...routes.filter((r) => !WRITES.has(r.verb)), ...none),
        ),
        any: fc.oneof(...x.identities.map((kind) => fc.constantFrom(...kind))),
        favour: fc.boolean(),
        who: fc.nat({ max: 1023 }),
        itemIndex: fc.nat({ max: x.items.length - 1 }),
        absent: fc.nat({ max: 9 }).map((n) => n < 2),
        pick: fc.nat({ max: 1023 }),
      })
      .map(({ any, favour, who, ...rest }): Case => {
        const allowed = permitted.get(rest.route) ?? [];
        const identity = favour && allowed.length > 0 ? allowed[who % allowed.length]! : any;
        if (!favour || rest.absent) return { identity, ...rest };
        // and then an item whose stored row it may act on, so that the body is what decides
        const usable = x.items
          .map((_, i) => i)
          .filter((i) => {
            const r = requestOf(x, { identity, ...rest, itemIndex: i });
            return x.policy.can(identity, r.method, r.path, r.about).allowed;
          });
        return { identity, ...rest, itemIndex: usable.length > 0 ? usable[who % usable.length]! : rest.itemIndex };
      });
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(arbitrary, async (c) => {
        await restore(x, c.itemIndex);
        const r = requestOf(x, c);
        // Act: the three (the decisions first: the request may delete the item check reads)
        const can = x.policy.can(c.identity, r.method, r.path, r.about, r.decided);
        const args = ['check', '--as', c.identity, r.method, r.path, '--app', x.appFile, '--json'];
        if (r.about) args.push('--item', String(r.about[x.key]));
        if (r.decided) args.push('--body', JSON.stringify(r.decided));
        const out = await x.scoutr(args);
        expect({ args, err: out.err }).toEqual({ args, err: '' });
        const check = JSON.parse(out.out) as { allowed: boolean; status?: number; item?: { visible: boolean } };
        // GET /audit reads day after day back a year until it has a page: one record is enough here.
        const query = r.method === 'GET' && r.path === '/audit' ? '?_limit=1' : '';
        const res = await x.h.request(r.method, `${r.path}${query}`, {
          headers: headersOf(c.identity),
          ...(r.body === undefined ? {} : { body: r.body }),
        });
        // Assess
        const what = { case: `${c.identity} ${r.method} ${r.path}`, sent: r.decided ?? null, reason: can.reason };
        expect({ ...what, allowed: check.allowed, status: check.status }).toEqual({
          ...what,
          allowed: can.allowed,
          status: can.status,
        });
        if (!can.allowed) {
          expect({ ...what, server: res.status, answer: res.body }).toMatchObject({ ...what, server: can.status });
        } else {
          const denials = r.about || !/\{(id|item)\}/.test(c.route.path) ? [401, 403, 404] : [401, 403];
          expect({ ...what, server: res.status, denied: denials.includes(res.status), answer: res.body }).toMatchObject(
            {
              ...what,
              denied: false,
            },
          );
        }
        if (can.allowed && r.about && r.method === 'GET' && r.path === itemsRoute(x.app)) {
          const listed = (res.body as Plain[]).some((i) => i[x.key] === r.about![x.key]);
          expect({ ...what, listed }).toEqual({ ...what, listed: can.item!.visible });
        }
        seen.add(`${can.allowed ? 'allowed' : can.status} ${c.route.method} ${c.route.path}`);
        if (process.env.DECIDE_VERBOSE)
          console.log(
            `CASE ${c.identity} ${r.method} ${r.path} ${JSON.stringify(r.decided ?? null)} ${can.allowed} ${res.status}`,
          );
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    if (process.env.DECIDE_VERBOSE) console.log([...seen].sort().join('\n'));
    // The runs reached allowed and denied answers alike.
    const outcomes = new Set([...seen].map((s) => s.split(' ')[0]));
    expect(outcomes.has('allowed') && [...outcomes].some((o) => o !== 'allowed')).toBe(true);
  });
});
