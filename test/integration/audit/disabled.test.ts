import { as, type Harness, startHarness } from '../../support/harness';
import { storedItem } from '../write/support';

// Without AUDIT_TABLE nothing is audited, /audit and /history answer 404 AUDIT_DISABLED, and writes still work
// (docs/reference/tables.md#the-audit-table).

jest.setTimeout(30_000);

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    audit: false,
    seed: {
      items: [{ id: 'a', n: 1 }],
      authRecords: [{ id: 'admin', type: 'API_KEY', permitted_endpoints: [{ method: '*', endpoint: '.*' }] }],
    },
  });
});
afterAll(() => h.close());

it.each(['/audit', '/audit?action=CREATE', '/audit/a', '/history/a'])(
  'GET %s answers 404 AUDIT_DISABLED',
  async (path) => {
    const res = await h.request('GET', path, { headers: as.key('admin') });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: 'AUDIT_DISABLED' });
  },
);

it('creates, updates and deletes, versioned as with auditing', async () => {
  const admin = { headers: as.key('admin') };
  const created = await h.request('POST', '/item', { ...admin, body: { id: 'b', n: 1 } });
  expect(created.status).toBe(201);
  const first = Number(JSON.parse(created.headers.get('etag')!));
  const updated = await h.request('PATCH', '/item/b', { ...admin, body: { n: 2 } });
  expect(updated.status).toBe(200);
  expect(updated.headers.get('etag')).toBe(`"${first + 1}"`);
  expect(await storedItem(h, 'b')).toEqual({ id: 'b', n: 2, _version: first + 1 });
  expect((await h.request('DELETE', '/item/b', admin)).status).toBe(200);
  expect(await storedItem(h, 'b')).toBeUndefined();
});

it('stores 32 levels of nesting, which only an audit record would push past DynamoDB’s limit', async () => {
  const nested = (depth: number): unknown => (depth === 0 ? 'leaf' : { n: nested(depth - 1) });
  const res = await h.request('POST', '/item', { headers: as.key('admin'), body: { id: 'deep', deep: nested(31) } });
  expect(res.status).toBe(201);
  expect((await storedItem(h, 'deep'))?.deep).toEqual(nested(31));
});
