import {
  type AttributeValue,
  BatchGetItemCommand,
  type BatchGetItemCommandInput,
  DynamoDBClient,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { ScoutrError } from '../../../src/core/errors';
import type { Item } from '../../../src/core/values';
import { batchGet, batchGetTables, newStats } from '../../../src/dynamo/read';
import { answered } from '../../support/errors';

// BatchGetItem (src/dynamo/read.ts): calls of at most 100 keys, and the UnprocessedKeys DynamoDB hands back under
// load are asked again, with growing backoff, until none remain; after 8 rounds the request is 429 THROTTLED.

const ddb = mockClient(DynamoDBClient);
const db = new DynamoDBClient({ region: 'us-east-1' });
afterAll(() => ddb.restore());

const key = (i: number): Item => ({ id: { S: `k${i}` } });
const keys = (n: number) => Array.from({ length: n }, (_, i) => key(i));
const item = (k: Record<string, AttributeValue>) => ({ ...k, name: { S: `item ${k.id!.S}` } });
const sentKeys = () =>
  ddb
    .commandCalls(BatchGetItemCommand)
    .map((c) => (c.args[0].input as BatchGetItemCommandInput).RequestItems!.t!.Keys!.map((k) => k.id!.S));

/** Answers each call with its first `take` keys and hands the rest back as UnprocessedKeys. */
const answerPart = (take: (call: number) => number) => {
  let call = 0;
  ddb.on(BatchGetItemCommand).callsFake((input: BatchGetItemCommandInput) => {
    const asked = input.RequestItems!.t!.Keys!;
    const n = take(call++);
    const rest = asked.slice(n);
    return {
      Responses: { t: asked.slice(0, n).map(item) },
      ...(rest.length > 0 ? { UnprocessedKeys: { t: { Keys: rest } } } : {}),
      ConsumedCapacity: [{ TableName: 't', CapacityUnits: n * 0.5 }],
    };
  });
};

let delays: number[];
beforeEach(() => {
  ddb.reset();
  delays = [];
  jest.spyOn(Math, 'random').mockReturnValue(0.5);
  // Record each backoff, then run it at once: the test waits for nothing.
  jest.spyOn(global, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
    delays.push(ms ?? 0);
    fn();
    return 0 as unknown as NodeJS.Timeout;
  }) as typeof setTimeout);
});
afterEach(() => jest.restoreAllMocks());

it('asks again for exactly the unprocessed keys until none remain, and returns every item once', async () => {
  // Prepare: 2 of 5 keys, then 2 of the other 3, then the last
  answerPart(() => 2);
  const stats = newStats();
  // Act
  const got = await batchGet(db, { table: 't', keys: keys(5) }, stats);
  // Assess
  expect(sentKeys()).toEqual([['k0', 'k1', 'k2', 'k3', 'k4'], ['k2', 'k3', 'k4'], ['k4']]);
  expect(got.map((i) => i.id)).toEqual(keys(5).map((k) => k.id));
  expect(stats).toEqual({ calls: 3, scanned: 5, capacity: 3 }); // 1 unit per call: 2 keys × 0.5
});

it('waits before each retry, longer each round (exponential backoff with jitter)', async () => {
  // Prepare: one key per call
  answerPart(() => 1);
  // Act
  await batchGet(db, { table: 't', keys: keys(4) });
  // Assess: Math.random() = 0.5 → half of 25 ms × 2^round; no wait before the first call
  expect(delays).toEqual([25, 50, 100]);
});

it('gives up after 8 rounds that leave keys unprocessed: 429 THROTTLED with Retry-After', async () => {
  // Prepare: DynamoDB processes nothing
  answerPart(() => 0);
  // Act
  const err = await batchGet(db, { table: 't', keys: keys(3) }).catch((e: unknown) => e);
  // Assess
  expect(err).toBeInstanceOf(ScoutrError);
  expect(answered(err)).toMatchObject({ code: 'THROTTLED', status: 429, headers: { 'Retry-After': '1' } });
  expect(ddb.commandCalls(BatchGetItemCommand)).toHaveLength(8);
});

it('succeeds when the last keys come back in the 8th round', async () => {
  // Prepare: nothing for 7 calls, then everything
  answerPart((call) => (call < 7 ? 0 : 100));
  // Act
  const got = await batchGet(db, { table: 't', keys: keys(3) });
  // Assess
  expect(got).toHaveLength(3);
  expect(ddb.commandCalls(BatchGetItemCommand)).toHaveLength(8);
});

it('sends at most 100 keys a call, and retries each batch on its own', async () => {
  // Prepare: every call leaves its last key unprocessed once
  const seen = new Set<string>();
  ddb.on(BatchGetItemCommand).callsFake((input: BatchGetItemCommandInput) => {
    const asked = input.RequestItems!.t!.Keys!;
    const last = asked[asked.length - 1]!;
    const defer = asked.length > 1 && !seen.has(last.id!.S!);
    seen.add(last.id!.S!);
    const done = defer ? asked.slice(0, -1) : asked;
    return { Responses: { t: done.map(item) }, ...(defer ? { UnprocessedKeys: { t: { Keys: [last] } } } : {}) };
  });
  // Act
  const got = await batchGet(db, { table: 't', keys: keys(250) });
  // Assess
  expect(sentKeys().map((ks) => ks.length)).toEqual([100, 1, 100, 1, 50, 1]);
  expect(sentKeys()[1]).toEqual(['k99']);
  expect(new Set(got.map((i) => JSON.stringify(i.id))).size).toBe(250);
});

it('passes the consistency and the projection on every call, retries included', async () => {
  // Prepare
  answerPart(() => 1);
  const projection = { ProjectionExpression: '#pn0', ExpressionAttributeNames: { '#pn0': 'name' } };
  // Act
  await batchGet(db, { table: 't', keys: keys(2), consistent: true, projection });
  // Assess
  for (const c of ddb.commandCalls(BatchGetItemCommand)) {
    expect(c.args[0].input.RequestItems!.t).toMatchObject({ ConsistentRead: true, ...projection });
  }
  expect(ddb.commandCalls(BatchGetItemCommand)).toHaveLength(2);
});

it('turns a throttled call (after the SDK retries) into 429 THROTTLED', async () => {
  // Prepare
  ddb.on(BatchGetItemCommand).rejects(new ProvisionedThroughputExceededException({ message: 'slow', $metadata: {} }));
  // Act
  const err = await batchGet(db, { table: 't', keys: keys(1) }).catch((e: unknown) => e);
  // Assess
  expect(answered(err)).toMatchObject({ code: 'THROTTLED', status: 429 });
});

it('sends nothing for no keys', async () => {
  expect(await batchGet(db, { table: 't', keys: [] })).toEqual([]);
  expect(ddb.commandCalls(BatchGetItemCommand)).toHaveLength(0);
});

it('reads two tables in one call, and asks again for what one of them left unprocessed', async () => {
  // Prepare: the first call leaves g1 of table g unprocessed
  let call = 0;
  ddb.on(BatchGetItemCommand).callsFake((input: BatchGetItemCommandInput) => {
    const asked = input.RequestItems!;
    const first = call++ === 0;
    return {
      Responses: {
        t: (asked.t?.Keys ?? []).map(item),
        g: (asked.g?.Keys ?? []).filter((k) => !first || k.id!.S !== 'k1').map(item),
      },
      ...(first ? { UnprocessedKeys: { g: { Keys: [key(1)] } } } : {}),
    };
  });
  const stats = newStats();
  // Act
  const got = await batchGetTables(
    db,
    [
      { table: 't', keys: keys(2) },
      { table: 'g', keys: keys(2), consistent: true },
    ],
    stats,
  );
  // Assess
  expect(ddb.commandCalls(BatchGetItemCommand).map((c) => c.args[0].input.RequestItems)).toEqual([
    {
      t: { ConsistentRead: false, Keys: keys(2) },
      g: { ConsistentRead: true, Keys: keys(2) },
    },
    { g: { ConsistentRead: true, Keys: [key(1)] } },
  ]);
  expect([...got].map(([table, items]) => [table, items.map((i) => (i.id as { S: string }).S)])).toEqual([
    ['t', ['k0', 'k1']],
    ['g', ['k0', 'k1']],
  ]);
  expect(stats).toMatchObject({ calls: 2, scanned: 4 });
});
