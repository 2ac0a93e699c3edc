// DynamoDB throttling through HTTP, on DynamoDB Local (docs/reference/errors.md#throttled): the SDK retries it (4 attempts in all), then the
// API answers 429 THROTTLED with Retry-After and a JSON body, and nothing is written; a throttle that clears within
// the SDK's retries is invisible to the caller. The faults are thrown inside the SDK's retry loop (support.ts).
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SDK_MAX_ATTEMPTS } from '../../../src/dynamo/client';
import { localDb } from '../../support/db';
import { as, type Harness, type Reply, startHarness } from '../../support/harness';
import { scanAudit, snapshot, storedItem } from '../write/support';
import { type Injected, injectFault, THROTTLING } from './support';

jest.setTimeout(60_000);

let h: Harness;
let db: DynamoDBClient; // the runtime's own client: the faults never touch the test's reads of the tables
let fault: Injected | undefined;
beforeAll(async () => {
  db = localDb();
  h = await startHarness({
    seed: {
      items: [{ id: 'a', name: 'first' }],
      authRecords: [{ id: 'k', type: 'API_KEY', permitted_endpoints: [{ method: '*', endpoint: '.*' }] }],
    },
    overrides: { db },
  });
});
afterEach(() => fault?.remove());
afterAll(async () => {
  await h.close();
  db.destroy();
});

const call = (method: string, path: string, body?: unknown) => h.request(method, path, { headers: as.key('k'), body });
const onData = (input: Record<string, unknown>) => input.TableName === h.tables.data;

function expectThrottled(res: Reply): void {
  expect(res.status).toBe(429);
  expect(res.headers.get('retry-after')).toBe('1');
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(res.body).toEqual({ error: 'Too many requests; retry later', code: 'THROTTLED' });
}

const OPERATIONS = [
  { what: 'GET /item/a', command: 'GetItemCommand', matches: onData, run: () => call('GET', '/item/a') },
  { what: 'GET /items', command: 'ScanCommand', matches: onData, run: () => call('GET', '/items') },
  {
    what: 'POST /item',
    command: 'TransactWriteItemsCommand',
    run: () => call('POST', '/item', { id: 'new', name: 'x' }),
  },
  {
    what: 'PUT /item/a',
    command: 'TransactWriteItemsCommand',
    run: () => call('PUT', '/item/a', { name: 'changed' }),
  },
  {
    what: 'DELETE /item/a',
    command: 'TransactWriteItemsCommand',
    run: () => call('DELETE', '/item/a'),
  },
];

it.each(OPERATIONS)('answers $what 429 THROTTLED after the SDK’s retries, and writes nothing', async (op) => {
  // Prepare
  const before = await snapshot(h);
  fault = injectFault(db, { command: op.command, matches: op.matches, error: THROTTLING[0]!.error });
  // Act
  const res = await op.run();
  // Assess
  expectThrottled(res);
  expect(fault.attempts).toBe(SDK_MAX_ATTEMPTS);
  expect(await snapshot(h)).toEqual(before); // no item change, no audit record (not even the read's)
});

// The operations above are throttled with ProvisionedThroughputExceededException; the other two, on a read and a write
// (the SDK backs off up to 3.5 s per throttled call, so the matrix is not crossed).
it.each([
  { ...THROTTLING[1]!, what: 'GET /item/a', command: 'GetItemCommand', run: () => call('GET', '/item/a') },
  {
    ...THROTTLING[2]!,
    what: 'PATCH /item/a',
    command: 'TransactWriteItemsCommand',
    run: () => call('PATCH', '/item/a', { name: 'changed' }),
  },
])('answers $name on $what 429 THROTTLED too, and writes nothing', async ({ error, command, run }) => {
  // Prepare
  const before = await snapshot(h);
  fault = injectFault(db, { command, matches: (input) => !input.TableName || onData(input), error });
  // Act
  const res = await run();
  // Assess
  expectThrottled(res);
  expect(fault.attempts).toBe(SDK_MAX_ATTEMPTS);
  expect(await snapshot(h)).toEqual(before);
});

it('does not serve a read whose audit record was throttled (docs/reference/audit.md#the-audit-record): 429, and nothing is written', async () => {
  // Prepare
  const before = await snapshot(h);
  fault = injectFault(db, {
    command: 'PutItemCommand',
    matches: (input) => input.TableName === h.tables.audit,
    error: THROTTLING[1]!.error,
  });
  // Act
  const res = await call('GET', '/item/a');
  // Assess
  expectThrottled(res);
  expect(res.text).not.toContain('first'); // the item read is not answered
  expect(await snapshot(h)).toEqual(before);
});

it('serves a read whose throttling clears within the SDK’s retries', async () => {
  // Prepare
  fault = injectFault(db, { command: 'GetItemCommand', matches: onData, times: 2, error: THROTTLING[2]!.error });
  // Act
  const res = await call('GET', '/item/a');
  // Assess
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ id: 'a', name: 'first' });
  expect(fault.attempts).toBe(3);
});

it('commits a write whose throttling clears within the SDK’s retries exactly once, with one audit record', async () => {
  // Prepare
  const audit = (await scanAudit(h)).length;
  fault = injectFault(db, { command: 'TransactWriteItemsCommand', times: 3, error: THROTTLING[0]!.error });
  // Act
  const res = await call('POST', '/item', { id: 'b', name: 'second' });
  // Assess
  expect(res.status).toBe(201);
  expect(fault.attempts).toBe(SDK_MAX_ATTEMPTS);
  expect(await storedItem(h, 'b')).toEqual({ id: 'b', name: 'second', _version: expect.any(Number) });
  const records = (await scanAudit(h)).filter((r) => r.action === 'CREATE' && r.resource_key === 'b');
  expect(records).toHaveLength(1);
  expect((await scanAudit(h)).length).toBe(audit + 1);
});
