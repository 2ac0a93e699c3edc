// DynamoDB not answering, through HTTP, on DynamoDB Local (docs/reference/pagination.md#size-and-time-limits, docs/reference/errors.md#throttled): timeouts and dropped connections are
// retried by the SDK, then answered 503 THROTTLED with Retry-After and a JSON body, and nothing is written; one that
// clears within the retries is invisible. A stalled connection (a proxy that stops forwarding) is cut by the client's
// own per-attempt timeout (src/dynamo/client.ts), so the 503 comes within READ_BUDGET_MS, not after minutes.

import { connect, createServer, type Server, type Socket } from 'node:net';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { attemptTimeoutMs, createClient, SDK_MAX_ATTEMPTS } from '../../../src/dynamo/client';
import { testCredentials } from '../../support/db';
import { as, type Harness, type Reply, startHarness } from '../../support/harness';
import { scanAudit, snapshot, storedItem } from '../write/support';
import { type Injected, injectFault, TIMEOUTS } from './support';

jest.setTimeout(60_000);

const READ_BUDGET_MS = 5000;

/** A TCP proxy to DynamoDB Local that can stall: it keeps every connection open and forwards nothing. */
async function stallingProxy(target: string) {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  let stalled = false;
  const server: Server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => {
        sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (d) => stalled || upstream.write(d));
    upstream.on('data', (d) => stalled || client.write(d));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    stall: (on: boolean) => {
      stalled = on;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

let h: Harness;
let db: DynamoDBClient;
let proxy: Awaited<ReturnType<typeof stallingProxy>>;
let fault: Injected | undefined;
beforeAll(async () => {
  proxy = await stallingProxy(process.env.DYNAMODB_ENDPOINT!);
  // The runtime's client as production builds it (READ_BUDGET_MS bounds each attempt), through the proxy.
  db = createClient({ endpoint: proxy.url, credentials: testCredentials(), readBudgetMs: READ_BUDGET_MS });
  h = await startHarness({
    seed: {
      items: [{ id: 'a', name: 'first' }],
      authRecords: [{ id: 'k', type: 'API_KEY', permitted_endpoints: [{ method: '*', endpoint: '.*' }] }],
    },
    env: { READ_BUDGET_MS: String(READ_BUDGET_MS) },
    overrides: { db },
  });
});
afterEach(() => {
  fault?.remove();
  proxy.stall(false);
});
afterAll(async () => {
  await h.close();
  db.destroy();
  await proxy.close();
});

const call = (method: string, path: string, body?: unknown) => h.request(method, path, { headers: as.key('k'), body });
const onData = (input: Record<string, unknown>) => input.TableName === h.tables.data;

function expectUnavailable(res: Reply): void {
  expect(res.status).toBe(503);
  expect(res.headers.get('retry-after')).toBe('2');
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(res.body).toEqual({ error: 'Service temporarily unavailable; retry later', code: 'THROTTLED' });
}

describe.each(TIMEOUTS)('$name', ({ error }) => {
  it('on a read is 503 THROTTLED after the SDK’s retries, and nothing is written', async () => {
    // Prepare
    const before = await snapshot(h);
    fault = injectFault(db, { command: 'GetItemCommand', matches: onData, error });
    // Act
    const res = await call('GET', '/item/a');
    // Assess
    expectUnavailable(res);
    expect(fault.attempts).toBe(SDK_MAX_ATTEMPTS);
    expect(await snapshot(h)).toEqual(before);
  });

  it('on a write is 503 THROTTLED after the SDK’s retries, with item and audit unchanged', async () => {
    // Prepare
    const before = await snapshot(h);
    fault = injectFault(db, { command: 'TransactWriteItemsCommand', error });
    // Act
    const res = await call('PUT', '/item/a', { name: 'changed' });
    // Assess
    expectUnavailable(res);
    expect(fault.attempts).toBe(SDK_MAX_ATTEMPTS);
    expect(await snapshot(h)).toEqual(before);
  });
});

it('answers an aborted call 503 THROTTLED at once: the SDK does not retry an abort', async () => {
  // Prepare
  const before = await snapshot(h);
  const abort = () => Object.assign(new Error('Request aborted'), { name: 'AbortError' });
  fault = injectFault(db, { command: 'TransactWriteItemsCommand', error: abort });
  // Act
  const res = await call('POST', '/item', { id: 'c', name: 'x' });
  // Assess
  expectUnavailable(res);
  expect(fault.attempts).toBe(1);
  expect(await snapshot(h)).toEqual(before);
});

it('serves a read, and commits a write once, when a timeout clears within the SDK’s retries', async () => {
  // Prepare
  const audit = (await scanAudit(h)).length;
  fault = injectFault(db, { command: 'TransactWriteItemsCommand', times: 1, error: TIMEOUTS[0]!.error });
  const read = injectFault(db, { command: 'GetItemCommand', matches: onData, times: 2, error: TIMEOUTS[1]!.error });
  // Act
  const got = await call('GET', '/item/a');
  const created = await call('POST', '/item', { id: 'b', name: 'second' });
  read.remove();
  // Assess
  expect(got.status).toBe(200);
  expect(read.attempts).toBe(3);
  expect(created.status).toBe(201);
  expect(fault.attempts).toBe(2);
  expect(await storedItem(h, 'b')).toEqual({ id: 'b', name: 'second', _version: expect.any(Number) });
  const records = await scanAudit(h);
  expect(records.filter((r) => r.action === 'CREATE' && r.resource_key === 'b')).toHaveLength(1);
  expect(records).toHaveLength(audit + 2); // the GET's record and the CREATE's
});

it('cuts a stalled DynamoDB connection within READ_BUDGET_MS: 503, then serves again once it answers', async () => {
  // Prepare
  const before = await snapshot(h);
  const auth = injectFault(db, { command: 'BatchGetItemCommand', times: 0, error: TIMEOUTS[0]!.error }); // counts
  proxy.stall(true);
  // Act
  const started = Date.now();
  const res = await call('GET', '/item/a');
  const ms = Date.now() - started;
  proxy.stall(false);
  auth.remove();
  const again = await call('GET', '/item/a');
  // Assess
  expectUnavailable(res);
  expect(auth.attempts).toBe(SDK_MAX_ATTEMPTS); // the caller's auth records, the request's first read
  // Not a benchmark: the bound is the behaviour (a Lambda would otherwise time out with no answer at all).
  expect(ms).toBeGreaterThanOrEqual(SDK_MAX_ATTEMPTS * attemptTimeoutMs(READ_BUDGET_MS) - 50); // every attempt waited
  expect(ms).toBeLessThan(READ_BUDGET_MS + 1000);
  process.stdout.write(`stalled GET answered ${res.status} after ${ms} ms (READ_BUDGET_MS ${READ_BUDGET_MS})\n`);
  expect(again.status).toBe(200);
  expect((await snapshot(h)).data).toEqual(before.data);
});
