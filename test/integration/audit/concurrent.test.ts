import { as, type Harness, startHarness } from '../../support/harness';
import { scanAudit, scanData } from '../write/support';

// Audit records keyed by a unique id (docs/reference/tables.md#the-audit-table: Scoutr 1.2.1 keyed them by time and lost records written in the
// same instant), change records with AUDIT_WRITE_TTL_DAYS, and a numeric partition key canonicalized (docs/reference/audit.md#the-audit-record).

jest.setTimeout(120_000);

// In the future: DynamoDB Local deletes records whose expire_time has passed, as DynamoDB does.
const now = Date.parse('2035-06-06T06:06:06.606Z');
const writeTtlDays = 3;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    dataTable: { partitionKey: { name: 'n', type: 'N' } },
    overrides: { now: () => now },
    env: { AUDIT_WRITE_TTL_DAYS: String(writeTtlDays) },
    seed: {
      authRecords: [{ id: 'admin', type: 'API_KEY', permitted_endpoints: [{ method: '*', endpoint: '.*' }] }],
    },
  });
});
afterAll(() => h.close());

it('keeps all 500 records of 500 concurrent creates in the same millisecond, each with its own id', async () => {
  // Act: 10 batches of 50 concurrent creates, all at the same `now`
  const statuses: number[] = [];
  for (let batch = 0; batch < 10; batch++) {
    const replies = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        h.request('POST', '/item', { headers: as.key('admin'), body: { n: batch * 50 + i + 1 } }),
      ),
    );
    statuses.push(...replies.map((r) => r.status));
  }
  // Assess
  expect(statuses).toEqual(Array(500).fill(201));
  expect(await scanData(h)).toHaveLength(500);
  const records = await scanAudit(h);
  expect(records).toHaveLength(500);
  expect(new Set(records.map((r) => r.id)).size).toBe(500);
  expect(new Set(records.map((r) => r.resource_key)).size).toBe(500);
  for (const r of records) {
    expect(r).toMatchObject({ action: 'CREATE', time: '2035-06-06T06:06:06.606Z' });
    // the first version is the creation time (ms) × 1000 plus three random digits
    expect(Math.floor((r.version as number) / 1000)).toBe(now);
    expect(r.expire_time).toBe(Math.floor(now / 1000) + writeTtlDays * 86_400);
  }
});

it('names one item by every spelling of its number in /item, /history and /audit', async () => {
  // Prepare
  const admin = { headers: as.key('admin') };
  expect((await h.request('POST', '/item', { ...admin, body: '{"n": 1000.0}' })).status).toBe(201);
  expect((await h.request('PATCH', '/item/1000.0', { ...admin, body: { x: 1 } })).status).toBe(200);
  expect((await h.request('PATCH', '/item/1e3', { ...admin, body: { x: 2 } })).status).toBe(200);
  // Act
  const history = await h.request('GET', '/history/1000.000', admin);
  const audit = await h.request('GET', '/audit/10E2', admin);
  // Assess
  expect(history.status).toBe(200);
  const first = (history.body as Array<{ version: number }>)[2]!.version;
  expect((history.body as Array<{ version: number; item: unknown }>).map((v) => [v.version, v.item])).toEqual([
    [first + 2, { n: 1000, x: 2 }],
    [first + 1, { n: 1000, x: 1 }],
    [first, { n: 1000 }],
  ]);
  expect(audit.status).toBe(200);
  const records = audit.body as Array<{ resource_key: string; action: string }>;
  // every record has the same time here, so their order is not defined
  expect(records.map((r) => r.action).sort()).toEqual(['CREATE', 'HISTORY', 'UPDATE', 'UPDATE']);
  expect(new Set(records.map((r) => r.resource_key))).toEqual(new Set(['1000']));
});
