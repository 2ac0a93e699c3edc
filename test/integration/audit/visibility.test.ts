import { as, type Harness, startHarness } from '../../support/harness';

// Who sees which audit records and versions, and what of them (docs/reference/audit.md#what-a-caller-with-hidden-fields-sees).

jest.setTimeout(30_000);

// Clocks run in the future: DynamoDB Local, like DynamoDB, deletes records whose expire_time has passed.
let clock = Date.parse('2035-04-01T08:00:00Z');

const auditRoutes = [
  { method: 'GET', endpoint: '/audit(/[^/]+)?' },
  { method: 'GET', endpoint: '/history/[^/]+' },
];

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    overrides: { now: () => clock },
    seed: {
      authRecords: [
        { id: 'admin', type: 'API_KEY', username: 'root', permitted_endpoints: [{ method: '*', endpoint: '.*' }] },
        {
          id: 'auditor-a',
          type: 'API_KEY',
          permitted_endpoints: auditRoutes,
          read_filters: [{ field: 'team', value: 'a' }],
          exclude_fields: ['cost', 'meta.secret'],
        },
      ],
    },
  });
  const steps: Array<[string, string, unknown?]> = [
    ['POST', '/item', { id: 'a-1', team: 'a', cost: 5, meta: { secret: 's', open: 'o' } }],
    ['PATCH', '/item/a-1', { team: 'b', cost: 6 }],
    ['PATCH', '/item/a-1', { team: 'a' }],
    ['POST', '/item', { id: 'b-1', team: 'b' }],
    ['POST', '/item', { id: 'moved', team: 'a' }],
    ['PATCH', '/item/moved', { team: 'b' }],
    ['POST', '/item', { id: 'deleted-a', team: 'a', cost: 1 }],
    ['DELETE', '/item/deleted-a'],
    ['POST', '/item', { id: 'deleted-b', team: 'a' }],
    ['PATCH', '/item/deleted-b', { team: 'b' }],
    ['DELETE', '/item/deleted-b'],
    ['GET', '/items?cost__gt=1&team=a&meta.secret=x&meta.open=y'],
    ['GET', '/items/cost/5'],
    ['POST', '/search/cost', [5, 6]],
  ];
  for (const [method, path, body] of steps) {
    clock += 1000;
    const res = await h.request(method, path, { headers: as.key('admin'), ...(body === undefined ? {} : { body }) });
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.text}`);
  }
  clock += 1000;
});
afterAll(() => h.close());

const auditor = (path: string) => h.request('GET', path, { headers: as.key('auditor-a') });
// GET /audit reads day by day back a year unless `time` bounds it; these records are all from this day.
const today = 'time__gte=2035-04-01T00:00:00Z';
type Rec = Record<string, unknown>;

describe('/history/{item} and /audit/{item}', () => {
  it('show versions outside the read filters only as redacted stubs', async () => {
    const res = await auditor('/history/a-1');
    expect(res.status).toBe(200);
    const v = (res.body as Array<{ version: number }>)[2]!.version; // the first version: time-based
    expect(res.body).toEqual([
      expect.objectContaining({
        action: 'UPDATE',
        version: v + 2,
        item: { id: 'a-1', team: 'a', meta: { open: 'o' } },
      }),
      { time: expect.any(String), action: 'UPDATE', version: v + 1, item: null, redacted: true },
      expect.objectContaining({ action: 'CREATE', version: v, item: { id: 'a-1', team: 'a', meta: { open: 'o' } } }),
    ]);
  });

  it.each(['b-1', 'moved', 'deleted-b'])(
    'answer 404 when the latest existing version of %s is outside the read filters',
    async (id) => {
      for (const path of [`/history/${id}`, `/audit/${id}`]) {
        const res = await auditor(path);
        expect(res.status).toBe(404);
        expect(res.body).toMatchObject({ code: 'NOT_FOUND' });
      }
    },
  );

  it('answer for a deleted item whose last version was inside the read filters', async () => {
    const res = await auditor('/history/deleted-a');
    expect(res.status).toBe(200);
    const v = (res.body as Array<{ version: number }>)[1]!.version;
    expect(res.body).toEqual([
      expect.objectContaining({ action: 'DELETE', version: v + 1, item: null }),
      expect.objectContaining({ action: 'CREATE', version: v, item: { id: 'deleted-a', team: 'a' } }),
    ]);
  });

  it('remove hidden fields from body, item and changed of every record', async () => {
    const res = await auditor('/audit/a-1?action=CREATE');
    expect(res.status).toBe(200);
    const [record] = res.body as Rec[];
    expect(record).toMatchObject({
      action: 'CREATE',
      body: { id: 'a-1', team: 'a', meta: { open: 'o' } },
      item: { id: 'a-1', team: 'a', meta: { open: 'o' } },
      resource: { id: 'a-1' },
    });
    // `meta` goes too: naming it would tell that meta.secret may have changed
    expect(record!.changed).toEqual(['id', 'team']);
    expect(JSON.stringify(res.body)).not.toMatch(/cost|secret|"s"/);
  });
});

describe('GET /audit', () => {
  it('shows every record, including rows outside the read filters, with hidden fields removed', async () => {
    const res = await auditor(`/audit?resource_key=b-1&${today}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual([expect.objectContaining({ action: 'CREATE', resource_key: 'b-1' })]);
    const all = await auditor(`/audit?user.username=root&${today}`);
    expect(JSON.stringify(all.body)).not.toMatch(/cost|secret/);
  });

  it('removes hidden query parameters, names and values', async () => {
    const res = await auditor(`/audit?action=LIST&path=/items&${today}`);
    const [record] = res.body as Rec[];
    expect(record).toMatchObject({ action: 'LIST', query_params: { team: 'a', 'meta.open': 'y' } });
    expect(Object.keys(record!.query_params as Rec).sort()).toEqual(['meta.open', 'team']);
  });

  it('removes hidden fields from path and path parameters', async () => {
    const res = await auditor(`/audit?action=LIST&path__startswith=/items/&${today}`);
    const [record] = res.body as Rec[];
    expect(record).toMatchObject({ action: 'LIST', path: '/items/*/*', path_params: {} });
    expect(JSON.stringify(record)).not.toMatch(/cost/);
  });

  it('removes the searched values of a hidden search key', async () => {
    const res = await auditor(`/audit?action=SEARCH&${today}`);
    const [record] = res.body as Rec[];
    expect(record).toMatchObject({ action: 'SEARCH', path: '/search/*', path_params: {} });
    expect(JSON.stringify(record)).not.toMatch(/cost|\[5,6\]/);
  });

  it.each(['body.cost', 'item.cost', 'resource.cost', 'item.meta.secret', 'item.meta', 'body.cost__exists'])(
    'answers 403 for a filter on %s, which the caller cannot see',
    async (param) => {
      const [name, op] = param.split('__');
      const res = await auditor(`/audit?${name}${op ? `__${op}=true` : '=1'}&${today}`);
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ code: 'FORBIDDEN' });
    },
  );

  it.each(['changed__contains=cost', 'path__contains=cost', 'path_params.search_key=meta.secret', 'changed=meta'])(
    'answers 403 for %s, which names a field the caller cannot see',
    async (condition) => {
      const res = await auditor(`/audit?${condition}&${today}`);
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ code: 'FORBIDDEN' });
    },
  );

  it('accepts a filter on a visible field of the body', async () => {
    const res = await auditor(`/audit?body.team=b&action=CREATE&${today}`);
    expect(res.status).toBe(200);
    expect((res.body as Rec[]).map((r) => r.resource_key).sort()).toEqual(['b-1']);
  });
});
