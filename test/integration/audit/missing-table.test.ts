import { as, type Harness, startHarness } from '../../support/harness';
import { scanData } from '../write/support';

// A change and its audit record are one transaction (docs/reference/audit.md#the-audit-record): with AUDIT_TABLE naming a table that does not
// exist, every change fails with 500 and the data table stays as it was; an unaudited read is not served either.

jest.setTimeout(30_000);

const missing = 'scoutr-missing-audit-table';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    audit: false,
    env: { AUDIT_TABLE: missing },
    seed: {
      items: [{ id: 'kept', n: 1 }],
      authRecords: [{ id: 'admin', type: 'API_KEY', permitted_endpoints: [{ method: '*', endpoint: '.*' }] }],
    },
  });
});
afterAll(() => h.close());

it.each([
  { what: 'a create', method: 'POST', path: '/item', body: { id: 'new', n: 1 } },
  { what: 'an update', method: 'PATCH', path: '/item/kept', body: { n: 2 } },
  { what: 'a replace', method: 'PUT', path: '/item/kept', body: { n: 3 } },
  { what: 'a delete', method: 'DELETE', path: '/item/kept' },
  { what: 'a read', method: 'GET', path: '/item/kept' },
  { what: 'a list', method: 'GET', path: '/items' },
])('$what answers 500 without naming the table, and changes nothing', async ({ method, path, body }) => {
  // Act
  const res = await h.request(method, path, { headers: as.key('admin'), ...(body ? { body } : {}) });
  // Assess
  expect(res.status).toBe(500);
  expect(res.body).toEqual({ error: 'Internal error', code: 'INTERNAL' });
  expect(res.text).not.toMatch(/scoutr-missing|ResourceNotFound|Requested resource/);
  expect(await scanData(h)).toEqual([{ id: 'kept', n: 1 }]);
});
