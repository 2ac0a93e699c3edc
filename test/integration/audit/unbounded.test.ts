import { AUDIT_LOOKBACK_DAYS } from '../../../src/core/audit-view';
import { as, type Harness, startHarness } from '../../support/harness';

// GET /audit without a time bound walks back AUDIT_LOOKBACK_DAYS days of the day-index (reading days ahead
// concurrently), and a resource_key condition reads the resource-index instead of walking days.

jest.setTimeout(180_000);

// Clocks run in the future: DynamoDB Local deletes records whose expire_time has passed.
let now = Date.parse('2035-03-03T03:03:03.000Z');
let h: Harness;
const sent: Array<{ command: string; index?: string }> = [];

beforeAll(async () => {
  h = await startHarness({
    overrides: { now: () => now },
    // A loaded machine must not cut the walk for time: this test counts the queries of a whole walk.
    env: { AUDIT_SHARDS: '2', READ_BUDGET_MS: '600000' },
    seed: {
      authRecords: [{ id: 'admin', type: 'API_KEY', permitted_endpoints: [{ method: '*', endpoint: '.*' }] }],
    },
  });
  for (const id of ['u-1', 'u-2']) {
    now += 1000; // one second apart: audit ids order by time, so newest first is defined
    const res = await h.request('POST', '/item', { headers: as.key('admin'), body: { id } });
    if (res.status !== 201) throw new Error(res.text);
  }
  h.db.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { IndexName?: string };
      sent.push({ command: context.commandName ?? '', ...(input.IndexName ? { index: input.IndexName } : {}) });
      return next(args);
    },
    { step: 'initialize', name: 'audit-spy' },
  );
});
afterAll(() => h.close());
beforeEach(() => {
  sent.length = 0;
});

it('finds every record without a time bound, newest first, reading only the day-index', async () => {
  const res = await h.request('GET', '/audit?action=CREATE', { headers: as.key('admin') });
  expect(res.status).toBe(200);
  expect((res.body as Array<{ resource_key: string }>).map((r) => r.resource_key)).toEqual(['u-2', 'u-1']);
  const queries = sent.filter((c) => c.command === 'QueryCommand');
  expect(new Set(queries.map((q) => q.index))).toEqual(new Set(['day-index']));
  // one query per shard per day looked back (an empty day answers in one page)
  expect(queries).toHaveLength(AUDIT_LOOKBACK_DAYS * 2);
  expect(sent.some((c) => c.command === 'ScanCommand')).toBe(false);
});

it('reads the resource-index for a resource_key condition instead of walking the days', async () => {
  const res = await h.request('GET', '/audit?resource_key=u-1', { headers: as.key('admin') });
  expect(res.status).toBe(200);
  expect((res.body as Array<{ action: string; resource_key: string }>).map((r) => [r.action, r.resource_key])).toEqual([
    ['CREATE', 'u-1'],
  ]);
  const queries = sent.filter((c) => c.command === 'QueryCommand');
  expect(queries).toEqual([{ command: 'QueryCommand', index: 'resource-index' }]);
});
