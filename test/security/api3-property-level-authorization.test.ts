// OWASP API3:2023 Broken Object Property Level Authorization. Scoutr's defence: a role's `exclude_fields` are removed
// from every answer (items, lists, searches, distinct values, audit records and history versions, with their query
// and path parameters), and a filter, search, key condition or distinct listing on a hidden path, or a write naming
// one, is 403 before anything is read, whatever the value, so a hidden value can never be probed (docs/reference/permissions.md#hidden-fields,
// docs/reference/audit.md#no-filter-selects-on-what-you-are-not-shown). The reserved attributes `_version` (the ETag) and `_acl` (item grants) are never answered, and a body naming
// them is 400 on every write path: create, update and custom actions (docs/reference/tables.md#reserved-attributes, docs/reference/item-roles.md#who-holds-what).
import petstore from '../../example/petstore/scoutr.config';
import { defineApp } from '../../src/core/define-app';
import { apiKey, expectError, userRecord } from '../factories/http';
import { scanAudit, snapshot } from '../integration/write/support';
import { as, type Harness, startHarness } from '../support/harness';

// Values found nowhere else, so that a leak shows up in any answer text or header.
const COST = 919191;
const NEW_COST = 919192;
const CONTACT = 'hush-contact@example.com';
const LEAKS = [String(COST), String(NEW_COST), CONTACT, 'hush-contact'];
const pet = (id: string, type: string) => ({
  id,
  name: `pet ${id}`,
  type,
  status: 'available',
  price: 10,
  cost: COST,
  supplier: { name: 'Happy Farms', contact: CONTACT },
});

const app = defineApp({
  ...petstore,
  uniqueRoutes: { ...petstore.uniqueRoutes, '/costs': 'cost', '/contacts': 'supplier.contact' },
  customActions: {
    ...petstore.customActions,
    // custom actions that hand the whole body to the write, as a careless app might
    RETAG: { method: 'POST', path: '/item/{id}/retag', run: (ops, req) => ops.update(req.pathParams.id, body(ops)) },
    CLONE: { method: 'POST', path: '/item/{id}/clone', runs: 'create', run: (ops) => ops.create(body(ops)) },
  },
});
const body = (ops: { body(): unknown }) => (ops.body() ?? {}) as Record<string, unknown>;

// GET /audit walks back day by day; bounding it to the last day keeps the file quick.
const AUDIT = `/audit?time__gte=${new Date(Date.now() - 86_400_000).toISOString()}`;
const everything = [{ method: '*', endpoint: '.*' }];
const snoop = { headers: as.user('snoop') };
const admin = { headers: as.key('admin') };

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    app,
    dataTable: {
      partitionKey: { name: 'id', type: 'S' },
      // `cost` as an index sort key: a condition on it could go into a KeyConditionExpression
      indexes: [{ name: 'type-cost', partitionKey: { name: 'type', type: 'S' }, sortKey: { name: 'cost', type: 'N' } }],
    },
    seed: {
      items: [pet('p-1', 'dog'), pet('p-2', 'cat'), pet('p-3', 'dog')],
      authRecords: [
        apiKey('admin', { permitted_endpoints: everything }),
        userRecord('snoop', { permitted_endpoints: everything, exclude_fields: ['cost', 'supplier.contact'] }),
      ],
    },
  });
  // Audit records that carry the hidden values: a change of cost, and a read filtered on cost and contact.
  expect((await h.request('PATCH', '/item/p-1', { ...admin, body: { cost: NEW_COST } })).status).toBe(200);
  const filtered = `/items?cost=${COST}&supplier.contact=${encodeURIComponent(CONTACT)}`;
  expect((await h.request('GET', filtered, admin)).status).toBe(200);
  expect((await h.request('GET', `/items/cost/${COST}`, admin)).status).toBe(200);
});
afterAll(() => h.close());

/** The answer's text and every header, with no hidden value in them. */
function expectNoLeak(res: { text: string; headers: Headers }): void {
  const headers = [...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n');
  for (const leak of LEAKS) {
    expect(res.text).not.toContain(leak);
    expect(headers).not.toContain(leak);
  }
}

describe('hidden fields are absent from every answer', () => {
  it('shows them to the admin (the control: the values are there to leak)', async () => {
    const res = await h.request('GET', '/item/p-2', admin);
    expect(res.body).toMatchObject({ cost: COST, supplier: { contact: CONTACT } });
    expect(res.text).not.toContain('_version');
  });

  it.each([
    ['GET', '/item/p-1', undefined],
    ['GET', '/items', undefined],
    ['GET', '/items?_limit=1', undefined],
    ['GET', '/items/type/dog', undefined],
    ['GET', '/items/status/available', undefined],
    ['POST', '/search/id', ['p-1', 'p-2', 'p-3']],
    ['POST', '/search/supplier.name', ['Happy Farms']],
    ['GET', '/types', undefined],
    ['GET', AUDIT, undefined],
    ['GET', `${AUDIT}&_limit=2`, undefined],
    ['GET', '/audit/p-1', undefined],
    ['GET', '/history/p-1', undefined],
    ['GET', '/user', undefined],
    ['POST', '/user/has-permission', { method: 'GET', path: '/item/p-1' }],
    ['PATCH', '/item/p-3', { name: 'renamed' }],
    ['POST', '/item/p-3/sell', { owner: 'snoop' }],
    ['POST', '/item', { name: 'new', type: 'fish', status: 'available', price: 1 }],
    ['DELETE', '/item/p-2', undefined],
  ])('%s %s answers no hidden value, in the body or a header', async (method, path, body) => {
    const res = await h.request(method, path, { ...snoop, body });
    expect(res.status).toBeLessThan(300);
    expectNoLeak(res);
    expect(res.text).not.toMatch(/"_version"|"_acl"/);
  });

  it('leaves the hidden names out of the audit records it answers (query, path and body)', async () => {
    const res = await h.request('GET', AUDIT, snoop);
    const records = res.body as Array<Record<string, unknown>>;
    expect(records.length).toBeGreaterThanOrEqual(3);
    expect(JSON.stringify(records)).not.toMatch(/"cost"|"contact"/);
  });

  it('still holds the hidden values in the stored audit records (the control for the redaction above)', async () => {
    expect(JSON.stringify(await scanAudit(h))).toContain(String(NEW_COST));
  });
});

describe('filtering, sorting, searching or listing on a hidden path is 403, whatever the value', () => {
  it.each([
    ['GET', `/items?cost=${COST}`, `/items?cost=1`],
    ['GET', `/items?cost__gt=${COST - 1}`, `/items?cost__gt=${COST + 1}`],
    ['GET', `/items?type=dog&cost__between=[${COST},${COST}]`, '/items?type=dog&cost__between=[1,2]'],
    ['GET', '/items?supplier__exists=true', '/items?supplier__exists=false'],
    ['GET', `/items?supplier.contact__startswith=hush`, '/items?supplier.contact__startswith=zzz'],
    ['GET', `/items?cost__length=6`, '/items?cost__length=1'],
    ['GET', `/items/cost/${COST}`, '/items/cost/1'],
    ['GET', `/item/p-1?cost=${COST}`, '/item/p-1?cost=1'],
    ['GET', `/types?cost=${COST}`, '/types?cost=1'],
    ['GET', '/costs', '/costs?type=none'],
    ['GET', '/contacts', '/contacts?type=none'],
    ['GET', `/audit?body.cost=${NEW_COST}`, '/audit?body.cost=1'],
    ['GET', `/audit?item.supplier.contact__exists=true`, '/audit?item.supplier.contact__exists=false'],
    ['GET', `/audit?resource.cost=${COST}`, '/audit?resource.cost=1'],
  ])('%s %s answers 403, as the same query with a value that matches nothing', async (method, hit, miss) => {
    const a = await h.request(method, hit, snoop);
    const b = await h.request(method, miss, snoop);
    expectError(a, 403, 'FORBIDDEN');
    expect(a.body).toEqual(b.body);
    expectNoLeak(a);
  });

  it.each([
    ['/search/cost', [COST]],
    ['/search/supplier.contact', [CONTACT]],
    ['/search/supplier', ['x']],
  ])('answers POST %s 403', async (path, values) => {
    expectError(await h.request('POST', path, { ...snoop, body: values }), 403, 'FORBIDDEN');
  });

  it('refuses a _sort parameter (there is no client-chosen ordering to probe with)', async () => {
    expectError(await h.request('GET', '/items?_sort=cost', snoop), 400, 'INVALID_QUERY');
  });

  it('lets the admin filter on cost (the control: the 403 is the exclusion, not the query)', async () => {
    const res = await h.request('GET', `/items?type=dog&cost__gt=${COST - 1}`, admin);
    expect(res.status).toBe(200);
  });
});

describe('a write naming a hidden field is 403, even with the stored value', () => {
  it.each([
    ['PATCH', '/item/p-3', { cost: COST }],
    ['PUT', '/item/p-3', { supplier: { name: 'Happy Farms', contact: CONTACT } }],
    ['PATCH', '/item/p-3', { supplier: null }],
    ['POST', '/item/p-3/retag', { cost: 1 }],
    ['POST', '/item', { name: 'n', type: 'dog', status: 'available', price: 1, cost: 1 }],
  ])('%s %s with a hidden field answers 403 and writes nothing', async (method, path, body) => {
    const before = await snapshot(h);
    const res = await h.request(method, path, { ...snoop, body });
    expectError(res, 403, 'FORBIDDEN');
    expectNoLeak(res);
    expect(await snapshot(h)).toEqual(before);
  });
});

describe('_version and _acl are never writable', () => {
  const create = { id: 'new-1', name: 'n', type: 'dog', status: 'available', price: 1 };
  it.each([
    ['POST', '/item', { ...create, _version: 7 }],
    ['POST', '/item', { ...create, _acl: { own: ['snoop'] } }],
    ['PATCH', '/item/p-3', { _version: 99 }],
    ['PATCH', '/item/p-3', { _version: 1 }], // even the stored value
    ['PATCH', '/item/p-3', { _version: null }],
    ['PUT', '/item/p-3', { name: 'x', _acl: { own: ['admin'] } }],
    ['PATCH', '/item/p-3', { _acl: null }],
    ['POST', '/item/p-3/retag', { _version: 99 }],
    ['POST', '/item/p-3/retag', { _acl: { own: ['admin'] } }],
    ['POST', '/item/p-3/clone', { ...create, _version: 5 }],
    ['POST', '/item/p-3/clone', { ...create, _acl: { own: ['admin'] } }],
  ])('%s %s %j answers 400 and writes nothing', async (method, path, body) => {
    const before = await snapshot(h);
    const res = await h.request(method, path, { ...admin, body });
    expectError(res, 400, 'INVALID_BODY');
    expect(await snapshot(h)).toEqual(before);
  });

  it('accepts the same writes without the reserved attribute (the control)', async () => {
    expect((await h.request('POST', '/item/p-3/retag', { ...admin, body: { name: 'retagged' } })).status).toBe(200);
    expect((await h.request('POST', '/item/p-3/clone', { ...admin, body: { ...create, id: 'c-1' } })).status).toBe(201);
  });
});

// Writes accept any top-level attribute name, dots included, while a hidden path's dots always mean nesting. A name
// is read as the path its dots spell: `supplier.contact` (top level) is hidden where `supplier.contact` is, and
// `cost.note` where `cost` is, in every answer and audit record; writing one is refused like the nested field.
describe('a top-level attribute whose name spells a hidden path', () => {
  const DOTTED = { 'supplier.contact': CONTACT, 'cost.note': `cost was ${COST}`, 'supplier.name': 'Happy Farms' };
  beforeAll(async () => {
    const created = await h.request('POST', '/item', {
      ...admin,
      body: { id: 'p-dot', name: 'dotted', type: 'bird', status: 'available', price: 5, ...DOTTED },
    });
    expect(created.status).toBe(201);
    expect(
      (await h.request('PATCH', '/item/p-dot', { ...admin, body: { 'supplier.contact': `x${CONTACT}` } })).status,
    ).toBe(200);
  });

  it('is stored and shown as written to the admin (the control)', async () => {
    const res = await h.request('GET', '/item/p-dot', admin);
    expect(res.body).toMatchObject({ ...DOTTED, 'supplier.contact': `x${CONTACT}` });
  });

  it.each([
    ['GET', '/item/p-dot', undefined],
    ['GET', '/items?type=bird', undefined],
    ['POST', '/search/id', ['p-dot']],
    ['GET', '/history/p-dot', undefined],
    ['GET', '/audit/p-dot', undefined],
    ['GET', `${AUDIT}&resource_key=p-dot`, undefined],
  ])('%s %s shows it to no caller who may not see the path it spells', async (method, path, body) => {
    const res = await h.request(method, path, { ...snoop, body });
    expect(res.status).toBe(200);
    expectNoLeak(res);
    expect(res.text).not.toMatch(/"supplier\.contact"|"cost\.note"/);
    expect(res.text).toContain('supplier.name'); // a name spelling a visible path stays
  });

  it('leaves it out of the audit records of its changes: body, item and changed', async () => {
    const res = await h.request('GET', '/audit/p-dot', snoop);
    const records = res.body as Array<{ action: string; body: object; item: object; changed: string[] }>;
    const changes = records.filter((r) => r.action === 'CREATE' || r.action === 'UPDATE');
    expect(changes).toHaveLength(2);
    for (const r of changes) {
      expect(Object.keys(r.body)).not.toEqual(expect.arrayContaining(['supplier.contact']));
      expect(r.body).not.toHaveProperty(['cost.note']);
      expect(r.item).not.toHaveProperty(['supplier.contact']);
      expect(r.item).not.toHaveProperty(['cost.note']);
      expect(r.item).toHaveProperty(['supplier.name'], 'Happy Farms');
      expect(r.changed).not.toContain('supplier.contact');
    }
  });

  it.each([
    ['PATCH', '/item/p-dot', { 'supplier.contact': 'new' }],
    ['PATCH', '/item/p-dot', { 'cost.note': null }],
    ['POST', '/item/p-dot/retag', { 'supplier.contact': 'new' }],
    ['POST', '/item', { name: 'n', type: 'dog', status: 'available', price: 1, 'supplier.contact': 'x' }],
    ['POST', '/item', { name: 'n', type: 'dog', status: 'available', price: 1, 'cost.note': 'x' }],
  ])('%s %s writing it answers 403 and writes nothing', async (method, path, body) => {
    const before = await snapshot(h);
    const res = await h.request(method, path, { ...snoop, body });
    expectError(res, 403, 'FORBIDDEN');
    expect(await snapshot(h)).toEqual(before);
  });
});
