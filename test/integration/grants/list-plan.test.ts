// "What may I see" lists served from the caller's grants rows (docs/reference/item-roles.md#planning-what-a-list-costs), through the local server on
// DynamoDB Local: the plan is chosen (by `_explain` and by the DynamoDB calls it makes), its answers equal a Scan's
// with the same filter, it pages with `_limit` and `_cursor`, applies query filters, hides excluded fields, ignores
// stale grants rows, and mixed roles fall back to a Scan.
import { type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { defineApp } from '../../../src/core/define-app';
import { localDb } from '../../support/db';
import { as, type Harness, startHarness } from '../../support/harness';

jest.setTimeout(60_000);

const app = defineApp({
  routes: { items: 'recipes', item: 'recipe' },
  uniqueRoutes: { '/titles': 'title' },
  itemRoles: {
    roles: ['own', 'edit', 'view'],
    implies: { own: ['edit'], edit: ['view'] },
    creator: ['own'],
    grants: [{ requires: 'own', grants: ['own', 'edit', 'view'] }],
  },
});

/** Every DynamoDB command the server sends, with the table it names. */
function recordingDb(): { db: DynamoDBClient; calls: { command: string; table: string }[] } {
  const calls: { command: string; table: string }[] = [];
  const db = localDb();
  db.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { TableName?: string; RequestItems?: Record<string, unknown> };
      const table = input.TableName ?? Object.keys(input.RequestItems ?? {})[0] ?? '';
      calls.push({ command: context.commandName ?? '', table });
      return next(args);
    },
    { step: 'initialize', name: 'recordCalls' },
  );
  return { db, calls };
}

type Recipe = { id: string; title: string; secret?: string; _acl?: unknown };
const ids = (body: unknown) => (body as Recipe[]).map((r) => r.id);
const sorted = (xs: string[]) => [...xs].sort();

describe('a list by item role, string keys', () => {
  let h: Harness;
  const rec = recordingDb();
  const items = Array.from({ length: 40 }, (_, i) => ({
    id: `r${String(i).padStart(2, '0')}`,
    title: i % 3 === 0 ? 'soup' : 'cake',
    secret: `s${i}`,
  }));
  // u1 holds view on 18 items, directly or through own/edit; u2 on a few; r39 has nobody.
  const grants = [
    ...items.slice(0, 18).map((it, i) => ({ item: it.id, user: 'u1', roles: [['view', 'edit', 'own'][i % 3]!] })),
    ...items.slice(15, 25).map((it) => ({ item: it.id, user: 'u2', roles: ['own'] })),
  ];
  const u1Items = items.slice(0, 18).map((it) => it.id);
  const cooks = {
    group_id: 'cooks',
    permitted_endpoints: [
      { method: 'GET', endpoint: '/recipes|/titles' },
      { method: 'POST', endpoint: '/search/[^/]+' },
    ],
    read_filters: [{ item_role: 'view' }],
    exclude_fields: ['secret'],
    explain: true,
  };
  beforeAll(async () => {
    h = await startHarness({
      app,
      overrides: { db: rec.db },
      seed: {
        items,
        grants,
        groups: [cooks],
        authRecords: [
          ...['u1', 'u2', 'u3'].map((id) => ({ id, type: 'USERNAME', groups: ['cooks'] })),
          // A second counting role whose rows need no item role: the list must Scan. It matches no item, so the
          // visible rows are the same as through `cooks` alone: the Scan is the baseline for the same filter.
          {
            id: 'by-title',
            type: 'OIDC_GROUP',
            permitted_endpoints: [
              { method: 'GET', endpoint: '/recipes|/titles' },
              { method: 'POST', endpoint: '/search/[^/]+' },
            ],
            read_filters: [{ field: 'title', value: 'no such title' }],
            exclude_fields: ['secret'],
            explain: true,
          },
        ],
      },
    });
    // A stale grants row: the row says u1 may view r39, the item's _acl (the truth) says nobody may.
    await rec.db.send(
      new PutItemCommand({
        TableName: h.tables.grants!,
        Item: { principal: { S: 'u1' }, item_key: { S: 'r39' }, roles: { SS: ['view'] } },
      }),
    );
  });
  afterAll(async () => {
    await h.close();
  });

  const list = (who: string, query = '', groups?: string[]) =>
    h.request('GET', `/recipes${query}`, { headers: as.user(who, groups) });
  /** The commands one request sends to the data and grants tables (auth and audit calls left out). */
  async function commandsOf(act: () => Promise<unknown>): Promise<string[]> {
    rec.calls.length = 0;
    await act();
    return rec.calls
      .filter((c) => c.table === h.tables.data || c.table === h.tables.grants)
      .map((c) => `${c.command.replace(/Command$/, '')} ${c.table === h.tables.grants ? 'grants' : 'data'}`);
  }
  async function allPages(who: string, query: string, groups?: string[]): Promise<{ pages: string[][] }> {
    const pages: string[][] = [];
    let next: string | null = `/recipes${query}`;
    while (next) {
      const res = await h.request('GET', next, { headers: as.user(who, groups) });
      expect(res.status).toBe(200);
      pages.push(ids(res.body));
      const cursor = res.headers.get('x-next-cursor');
      next = cursor ? `/recipes${query}${query ? '&' : '?'}_cursor=${cursor}` : null;
    }
    return { pages };
  }

  it('names the grants plan in _explain, and a Scan for mixed roles', async () => {
    // Act
    const grantsPlan = await list('u1', '?_explain=true');
    const scanPlan = await list('u1', '?_explain=true', ['by-title']);
    // Assess
    expect(grantsPlan.body).toEqual({
      plan: {
        operation: 'GrantsQuery+BatchGetItem',
        keyCondition: ['principal eq'],
        inMemory: ['_acl.edit', '_acl.own', '_acl.view'],
      },
    });
    expect(scanPlan.body).toEqual({ plan: expect.objectContaining({ operation: 'Scan' }) });
  });

  it("reads the caller's grants rows and their items, never scanning, and answers what the Scan answers", async () => {
    // Act
    let grantsAnswer: unknown;
    let scanAnswer: unknown;
    const grantsCalls = await commandsOf(async () => {
      grantsAnswer = (await list('u1')).body;
    });
    const scanCalls = await commandsOf(async () => {
      scanAnswer = (await list('u1', '', ['by-title'])).body;
    });
    // Assess
    expect(grantsCalls).toEqual(['Query grants', 'BatchGetItem data']);
    expect(scanCalls).toEqual(['Scan data']);
    expect(sorted(ids(grantsAnswer))).toEqual(u1Items);
    expect(sorted(ids(grantsAnswer))).toEqual(sorted(ids(scanAnswer)));
  });

  it('serves unique routes and searches from the grants rows too, answering what the Scan answers', async () => {
    // Prepare
    const titles = (who: string, groups?: string[]) => h.request('GET', '/titles', { headers: as.user(who, groups) });
    const search = (groups?: string[]) =>
      h.request('POST', '/search/title', { headers: as.user('u2', groups), body: ['soup', 'pie'] });
    const u2Soups = items.filter((it, i) => i >= 15 && i < 25 && it.title === 'soup').map((it) => it.id);
    // Act
    let viaGrants: unknown;
    let viaScan: unknown;
    const uniqueCalls = await commandsOf(async () => {
      viaGrants = (await titles('u1')).body;
    });
    const uniqueScan = await commandsOf(async () => {
      viaScan = (await titles('u1', ['by-title'])).body;
    });
    let found: unknown;
    let foundByScan: unknown;
    const searchCalls = await commandsOf(async () => {
      found = (await search()).body;
    });
    const searchScan = await commandsOf(async () => {
      foundByScan = (await search(['by-title'])).body;
    });
    // Assess
    expect(uniqueCalls).toEqual(['Query grants', 'BatchGetItem data']);
    expect(uniqueScan).toEqual(['Scan data']);
    expect(viaGrants).toEqual(['cake', 'soup']);
    expect(viaScan).toEqual(viaGrants);
    expect(searchCalls).toEqual(['Query grants', 'BatchGetItem data']);
    expect(searchScan).toEqual(['Scan data']);
    expect(sorted(ids(found))).toEqual(u2Soups);
    expect(sorted(ids(foundByScan))).toEqual(u2Soups);
    expect(u2Soups.length).toBeGreaterThan(0);
    const explained = await h.request('GET', '/titles?_explain=true', { headers: as.user('u3') });
    expect(explained.body).toMatchObject({ plan: { operation: 'GrantsQuery+BatchGetItem' } });
  });

  it('hides excluded fields and _acl, like every list', async () => {
    const res = await list('u1');
    expect(res.status).toBe(200);
    for (const r of res.body as Recipe[]) {
      expect(Object.keys(r).sort()).toEqual(['id', 'title']);
    }
  });

  it('shows nothing through a stale grants row: the item _acl is the truth', async () => {
    const res = await list('u1');
    expect(ids(res.body)).not.toContain('r39');
  });

  it('applies the query filters to the items read', async () => {
    // Act
    const grantsAnswer = await list('u1', '?title=soup');
    const scanAnswer = await list('u1', '?title=soup', ['by-title']);
    const explain = await list('u1', '?title=soup&_explain=true');
    // Assess
    const soups = items.filter((it, i) => i < 18 && it.title === 'soup').map((it) => it.id);
    expect(sorted(ids(grantsAnswer.body))).toEqual(soups);
    expect(sorted(ids(scanAnswer.body))).toEqual(soups);
    expect((explain.body as { plan: { inMemory: string[] } }).plan.inMemory).toContain('title');
  });

  it.each([1, 5, 7, 100])('pages with _limit=%i and _cursor, each item once', async (limit) => {
    // Act
    const { pages } = await allPages('u1', `?_limit=${limit}`);
    // Assess
    const flat = pages.flat();
    expect(flat).toEqual(u1Items); // grants rows are read in item_key order
    for (const page of pages) expect(page.length).toBeLessThanOrEqual(limit);
  });

  it('pages a filtered list across grants rows', async () => {
    const { pages } = await allPages('u1', '?title=cake&_limit=4');
    expect(pages.flat()).toEqual(items.filter((it, i) => i < 18 && it.title === 'cake').map((it) => it.id));
  });

  it('refuses a cursor of the Scan plan on the grants plan', async () => {
    // Prepare: same caller, route and query; only the plan differs
    const scan = await list('u1', '?_limit=2', ['by-title']);
    const cursor = scan.headers.get('x-next-cursor');
    expect(cursor).not.toBeNull();
    // Act
    const res = await h.request('GET', `/recipes?_limit=2&_cursor=${cursor}`, { headers: as.user('u1') });
    // Assess: the binding (caller id, route, query) matches; the plan recorded in the cursor does not
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'INVALID_CURSOR' });
  });

  it('answers an empty list to a caller holding nothing, after reading only their (absent) grants rows', async () => {
    let res: Awaited<ReturnType<typeof list>> | undefined;
    const calls = await commandsOf(async () => {
      res = await list('u3');
    });
    expect(res?.status).toBe(200);
    expect(res?.body).toEqual([]);
    expect(calls).toEqual(['Query grants']);
    expect(res?.headers.get('x-next-cursor')).toBeNull();
  });

  it("shows another holder only their own items: u2's grants, not u1's", async () => {
    const res = await list('u2');
    expect(sorted(ids(res.body))).toEqual(items.slice(15, 25).map((it) => it.id));
  });
});

describe('a list by item role, number keys', () => {
  let h: Harness;
  const items = [3, 10, 42, 7].map((id) => ({ id, title: `t${id}` }));
  beforeAll(async () => {
    h = await startHarness({
      app,
      dataTable: { partitionKey: { name: 'id', type: 'N' } },
      seed: {
        items,
        grants: [10, 42, 7].map((id) => ({ item: String(id), user: 'u1', roles: ['view'] })),
        groups: [
          {
            group_id: 'cooks',
            permitted_endpoints: [{ method: 'GET', endpoint: '/recipes' }],
            read_filters: [{ item_role: 'view' }],
          },
        ],
        authRecords: [{ id: 'u1', type: 'USERNAME', groups: ['cooks'] }],
      },
    });
  });
  afterAll(() => h.close());

  it('maps each grants row back to the number key it names', async () => {
    const res = await h.request('GET', '/recipes', { headers: as.user('u1') });
    expect(res.status).toBe(200);
    // item_key is the key's text: rows come in text order
    expect((res.body as { id: number }[]).map((r) => r.id)).toEqual([10, 42, 7]);
  });
});
