import { MAX_AUDIT_QUERIES } from '../../../src/core/audit-view';
import { AUDIT_CONCURRENCY } from '../../../src/engine/read/audit-days';
import { expectInvalidQuery } from '../../factories/http';
import { as, type Harness, startHarness } from '../../support/harness';

// GET /audit makes at most MAX_AUDIT_QUERIES queries, AUDIT_CONCURRENCY at a time (docs/reference/audit.md#get-audit; it made up to 1,464,
// 32 at a time, at the default 4 shards); an explicit `time` lower bound reaches change records of any age within
// that budget (it could never reach past 366 days), and a range that needs more is 400 naming `time`.

jest.setTimeout(120_000);

const DAY = 86_400_000;
// Clocks run in the future: DynamoDB Local deletes records whose expire_time has passed.
const today = Date.parse('2035-06-01T12:00:00.000Z');
const admin = { headers: as.key('admin') };
const seed = {
  authRecords: [{ id: 'admin', type: 'API_KEY', permitted_endpoints: [{ method: '*', endpoint: '.*' }] }],
};

/** Counts the Query calls the server sends, and the most in flight at once. */
function spyQueries(h: Harness, name: string) {
  const spy = { calls: 0, inFlight: 0, maxInFlight: 0 };
  h.db.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'QueryCommand') return next(args);
      spy.calls++;
      spy.inFlight++;
      spy.maxInFlight = Math.max(spy.maxInFlight, spy.inFlight);
      try {
        return await next(args);
      } finally {
        spy.inFlight--;
      }
    },
    { step: 'initialize', name },
  );
  return {
    spy,
    reset: () => Object.assign(spy, { calls: 0, inFlight: 0, maxInFlight: 0 }),
    remove: () => h.db.middlewareStack.remove(name),
  };
}

describe('at the default 4 shards', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ overrides: { now: () => today }, env: { READ_BUDGET_MS: '600000' }, seed });
  });
  afterAll(() => h.close());

  it('walks back without a time bound in at most MAX_AUDIT_QUERIES queries, AUDIT_CONCURRENCY at a time', async () => {
    // Prepare
    const { spy, remove } = spyQueries(h, 'count-walk');
    // Act
    const res = await h.request('GET', '/audit?action=CREATE', admin);
    remove();
    // Assess: 183 days × 4 shards, each answered in one page
    expect(res.status).toBe(200);
    expect(spy.calls).toBe(MAX_AUDIT_QUERIES);
    expect(spy.maxInFlight).toBeLessThanOrEqual(AUDIT_CONCURRENCY);
    expect(spy.maxInFlight).toBeGreaterThan(1);
  });

  it('answers 400 naming time for a range longer than one request may read, before reading anything', async () => {
    const { spy, remove } = spyQueries(h, 'count-refused');
    const res = await h.request('GET', '/audit?time__gte=2034-06-01T00:00:00Z', admin);
    remove();
    expectInvalidQuery(res, 'time');
    expect((res.body as { error: string }).error).toMatch(/at most 183 \(732 queries/);
    expect(spy.calls).toBe(0);
  });

  it('ends a page with a cursor once its queries are spent, on days that never end', async () => {
    // Prepare: every day-index query answers an empty page that says there is more
    const name = 'endless-days';
    h.db.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { IndexName?: string };
        if (context.commandName !== 'QueryCommand' || input.IndexName !== 'day-index') return next(args);
        const more = { id: { S: '2035-06-01T00:00:00.000Z#0' }, day_shard: { S: '2035-06-01#0' } };
        return { output: { Items: [], Count: 0, ScannedCount: 0, LastEvaluatedKey: more }, response: {} } as never;
      },
      { step: 'initialize', name, priority: 'low' },
    );
    const { spy, remove } = spyQueries(h, 'count-endless');
    // Act
    const res = await h.request('GET', '/audit?time__gte=2035-06-01T00:00:00Z', admin);
    remove();
    h.db.middlewareStack.remove(name);
    // Assess
    expect(res.status).toBe(200);
    expect(res.body).toEqual([]);
    expect(res.headers.get('x-next-cursor')).toBeTruthy();
    expect(spy.calls).toBe(MAX_AUDIT_QUERIES);
  });
});

describe('at one shard', () => {
  let clock = today - 500 * DAY;
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ overrides: { now: () => clock }, env: { AUDIT_SHARDS: '1' }, seed });
    // a change 500 days ago, and one today
    expect((await h.request('POST', '/item', { ...admin, body: { id: 'old' } })).status).toBe(201);
    clock = today;
    expect((await h.request('POST', '/item', { ...admin, body: { id: 'new' } })).status).toBe(201);
  });
  afterAll(() => h.close());

  const keys = (body: unknown) => (body as Array<{ resource_key: string }>).map((r) => r.resource_key);

  it('reaches a change record older than 366 days with an explicit time__gte or time__between', async () => {
    const gte = await h.request('GET', '/audit?action=CREATE&time__gte=2034-01-01T00:00:00Z', admin);
    expect(gte.status).toBe(200);
    expect(keys(gte.body)).toEqual(['new', 'old']);
    const between = await h.request(
      'GET',
      '/audit?action=CREATE&time__between=["2034-01-01T00:00:00Z","2034-02-28T00:00:00Z"]',
      admin,
    );
    expect(between.status).toBe(200);
    expect(keys(between.body)).toEqual(['old']);
  });

  it('reads on past an empty page that is not the last (the filter kept nothing of it)', async () => {
    // Prepare: the first query of each shard-day answers nothing but "there is more", as a 1 MB page whose records
    // the FilterExpression all dropped would; the call after it goes to DynamoDB Local from before every record
    const name = 'empty-first-page';
    const faked = new Set<string>();
    h.db.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { IndexName?: string; ExpressionAttributeValues?: Record<string, { S?: string }> };
        const shardDay = JSON.stringify(input.ExpressionAttributeValues);
        if (context.commandName !== 'QueryCommand' || input.IndexName !== 'day-index' || faked.has(shardDay)) {
          return next(args);
        }
        faked.add(shardDay);
        const day = Object.values(input.ExpressionAttributeValues ?? {}).find((v) => v.S?.includes('#'))!;
        const more = { id: { S: '~' }, day_shard: { S: day.S! } };
        return { output: { Items: [], Count: 0, ScannedCount: 0, LastEvaluatedKey: more }, response: {} } as never;
      },
      { step: 'initialize', name },
    );
    // Act
    const res = await h.request('GET', '/audit?action=CREATE&time__gte=2035-06-01T00:00:00Z', admin);
    h.db.middlewareStack.remove(name);
    // Assess
    expect(res.status).toBe(200);
    expect(keys(res.body)).toEqual(['new']);
  });

  it('looks back 366 days without a lower bound, as before', async () => {
    const res = await h.request('GET', '/audit?action=CREATE', admin);
    expect(keys(res.body)).toEqual(['new']);
  });

  it('refuses a range past 732 days at one shard with 400', async () => {
    expectInvalidQuery(await h.request('GET', '/audit?time__gte=2032-01-01T00:00:00Z', admin), 'time');
  });
});
