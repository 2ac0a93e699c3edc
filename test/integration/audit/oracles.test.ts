import { expectError } from '../../factories/http';
import { as, type Harness, startHarness } from '../../support/harness';

// No filter on /audit or /history selects records on what the caller is not shown of them (docs/reference/audit.md#no-filter-selects-on-what-you-are-not-shown, docs/reference/item-roles.md#history
// *History*): a filter that could spell out a hidden value is 403, and every other filter on a part the answer may
// redact is decided on the record as shown. Each attack below read a hidden value before, by counting results.

jest.setTimeout(30_000);

// Clocks run in the future: DynamoDB Local, like DynamoDB, deletes records whose expire_time has passed.
let clock = Date.parse('2035-05-01T08:00:00Z');
const today = 'time__gte=2035-05-01T00:00:00Z';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    overrides: { now: () => clock },
    app: { filterRoutes: ['/pricey/{cost}'] },
    seed: {
      authRecords: [
        { id: 'admin', type: 'API_KEY', permitted_endpoints: [{ method: '*', endpoint: '.*' }] },
        {
          id: 'auditor',
          type: 'API_KEY',
          permitted_endpoints: [
            { method: 'GET', endpoint: '/audit(/[^/]+)?' },
            { method: 'GET', endpoint: '/history/[^/]+' },
          ],
          read_filters: [{ field: 'team', value: 'a' }],
          exclude_fields: ['cost'],
        },
      ],
    },
  });
  const steps: Array<[string, string, unknown?]> = [
    ['POST', '/item', { id: 'i-1', team: 'a', cost: 'vip-23' }],
    ['GET', '/items/cost/vip-23'],
    ['GET', '/items/cost/vip%2F23'],
    ['GET', '/items/team/a'],
    ['GET', '/pricey/vip-23'],
    ['POST', '/search/cost', ['vip-23']],
    ['GET', '/items?cost=vip-23&team=a'],
    ['PATCH', '/item/i-1', { cost: 'vip-24' }],
    // a version outside the auditor's read filters, then back inside
    ['POST', '/item', { id: 'h-1', team: 'b', code: 'abc', note: 'secret' }],
    ['PATCH', '/item/h-1', { team: 'a', code: 'zzz', note: 'open' }],
  ];
  for (const [method, path, body] of steps) {
    clock += 1000;
    const res = await h.request(method, path, { headers: as.key('admin'), ...(body === undefined ? {} : { body }) });
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.text}`);
  }
  clock += 1000;
});
afterAll(() => h.close());

const auditor = (path: string) => h.request('GET', path, { headers: as.key('auditor') });
type Rec = Record<string, unknown>;

describe('GET /audit refuses every filter that could spell out a redacted value (403)', () => {
  it.each([
    // the two examples
    'path_params.search_value__contains=vip',
    'path__startswith=/items/cos&path__contains=t/23',
    // a search value by any operator, unless the key is pinned to visible fields
    'path_params.search_value=vip-23',
    'path_params.search_value__startswith=v',
    'path_params.search_value__gt=a',
    'path_params.search_value__length=6',
    'path_params.search_value=vip-23&path_params.search_key__in=["team","cost"]',
    'path_params.search_value=vip-23&path_params.search_key__ne=team',
    // the hidden key's name, partly or by order
    'path_params.search_key=cost',
    'path_params.search_key__startswith=co',
    'path_params.search_key__gt=b',
    'path_params.search_key__exists=true',
    'path_params.cost=vip-23',
    'path_params__exists=true',
    // the path: by its parts, its order, its length, or a filter route's parameter
    'path=/items/cost/vip-23',
    'path__startswith=/items/cos',
    'path__startswith=/items/c',
    'path__startswith=/search/c',
    'path__contains=vip',
    'path__notcontains=vip',
    'path__gt=/items/cost/a',
    'path__between=["/items/cost/a","/items/cost/z"]',
    'path__length=18',
    'path=/pricey/vip-23',
    'path__in=["/pricey/vip-23","/items"]',
    'path__startswith=/pricey/v',
    'path__ne=/pricey/vip-23',
    // query parameters, changed fields and the item parts
    'query_params.cost=vip-23',
    'query_params__exists=true',
    'changed__contains=cost',
    'changed__length=2',
    'body.cost=vip-23',
    'body__exists=true',
    'item.cost__startswith=v',
    'resource.cost__exists=true',
  ])('?%s', async (condition) => {
    const res = await auditor(`/audit?${condition}&${today}`);
    expectError(res, 403, 'FORBIDDEN');
  });
});

describe('GET /audit still answers filters on what the caller is shown', () => {
  it('shows the paths of hidden-key reads as /items/*/*, a search value spanning segments included', async () => {
    const res = await auditor(`/audit?action=LIST&path__startswith=/items/&${today}`);
    expect(res.status).toBe(200);
    const paths = (res.body as Rec[]).map((r) => r.path);
    expect(paths).toEqual(['/items/team/a', '/items/*/*', '/items/*/*']);
    expect(JSON.stringify(res.body)).not.toMatch(/vip|cost/);
  });

  it('selects search values once the key is pinned to visible fields', async () => {
    const res = await auditor(`/audit?path_params.search_key=team&path_params.search_value__contains=a&${today}`);
    expect(res.status).toBe(200);
    expect((res.body as Rec[]).map((r) => r.path)).toEqual(['/items/team/a']);
  });

  it('decides changed on the names shown: the hidden one is never there', async () => {
    const res = await auditor(`/audit?action=UPDATE&changed__contains=team&${today}`);
    expect(res.status).toBe(200);
    expect((res.body as Rec[]).map((r) => r.resource_key)).toEqual(['h-1']);
  });
});

describe('GET /history/{id} selects versions only on what the caller is shown', () => {
  it('never selects a version answered as redacted by its content', async () => {
    // Prepare: h-1's CREATE (team b) is outside the auditor's read filters; its code was 'abc'
    const all = await auditor('/history/h-1');
    expect(all.status).toBe(200);
    expect((all.body as Rec[]).map((v) => v.redacted ?? false)).toEqual([false, true]);
    // Act / Assess: every probe of the redacted version's content finds nothing
    for (const probe of ['item.code__contains=ab', 'item.code=abc', 'item.team=b', 'item.note__startswith=s']) {
      const res = await auditor(`/history/h-1?${probe}`);
      expect({ probe, status: res.status, body: res.body }).toEqual({ probe, status: 200, body: [] });
    }
    // nor by who made it: a redacted version shows no user
    const byUser = await auditor('/history/h-1?user.api_key_id=admin');
    expect((byUser.body as Rec[]).map((v) => v.action)).toEqual(['UPDATE']);
  });

  it('selects the versions shown, on their content', async () => {
    const res = await auditor('/history/h-1?item.code=zzz');
    expect((res.body as Rec[]).map((v) => v.action)).toEqual(['UPDATE']);
    const redacted = await auditor('/history/h-1?action=CREATE');
    expect(redacted.body).toEqual([expect.objectContaining({ action: 'CREATE', redacted: true, item: null })]);
  });

  it('refuses a filter on a hidden field with 403, as everywhere', async () => {
    expectError(await auditor('/history/i-1?item.cost__startswith=v'), 403, 'FORBIDDEN');
  });
});

describe('GET /audit/{id} shows changes outside the read filters as redacted stubs, and filters on what it shows', () => {
  it('answers the change the caller may not read as a stub, without its body, path or user', async () => {
    const res = await auditor('/audit/h-1?action=CREATE');
    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      { time: expect.any(String), action: 'CREATE', version: expect.any(Number), item: null, redacted: true },
    ]);
    expect(JSON.stringify(res.body)).not.toMatch(/abc|secret|"b"/);
    const update = await auditor('/audit/h-1?action=UPDATE');
    expect(update.body).toEqual([
      expect.objectContaining({ action: 'UPDATE', item: { id: 'h-1', team: 'a', code: 'zzz', note: 'open' } }),
    ]);
  });

  it('never selects a stub by what it hides', async () => {
    for (const probe of [
      'body.code=abc',
      'item.team=b',
      'body.note__startswith=s',
      'user.api_key_id=admin&action=CREATE',
    ]) {
      const res = await auditor(`/audit/h-1?${probe}`);
      expect({ probe, status: res.status, body: res.body }).toEqual({ probe, status: 200, body: [] });
    }
  });
});
