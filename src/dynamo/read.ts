import {
  BatchGetItemCommand,
  type BatchGetItemCommandInput,
  type ConsumedCapacity,
  type DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
  type ScanCommandInput,
  type AttributeValue as SdkValue,
} from '@aws-sdk/client-dynamodb';
import { throttled } from '../core/errors';
import type { Item } from '../core/values';
import { translateError } from './errors';

/** What one request read, for its log line and for the benchmarks. */
export interface ReadStats {
  calls: number;
  scanned: number;
  capacity: number;
}
export const newStats = (): ReadStats => ({ calls: 0, scanned: 0, capacity: 0 });

const capacityOf = (c: ConsumedCapacity | ConsumedCapacity[] | undefined): number =>
  Array.isArray(c) ? c.reduce((s, x) => s + (x.CapacityUnits ?? 0), 0) : (c?.CapacityUnits ?? 0);

export const asItem = (m: Record<string, SdkValue> | undefined) => m as unknown as Item | undefined;
export const asSdk = (m: Item) => m as unknown as Record<string, SdkValue>;

export async function send<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw translateError(err);
  }
}

export async function getItem(
  db: DynamoDBClient,
  input: {
    table: string;
    key: Item;
    consistent?: boolean;
    projection?: Pick<ScanCommandInput, 'ProjectionExpression' | 'ExpressionAttributeNames'>;
  },
  stats: ReadStats = newStats(),
): Promise<Item | undefined> {
  const out = await send(() =>
    db.send(
      new GetItemCommand({
        TableName: input.table,
        Key: asSdk(input.key),
        ConsistentRead: input.consistent ?? false,
        ReturnConsumedCapacity: 'TOTAL',
        ...input.projection,
      }),
    ),
  );
  stats.calls++;
  stats.scanned += out.Item ? 1 : 0;
  stats.capacity += capacityOf(out.ConsumedCapacity);
  return asItem(out.Item);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const BATCH_SIZE = 100; // DynamoDB's BatchGetItem limit
const MAX_UNPROCESSED_ROUNDS = 8;

export interface BatchRequest {
  table: string;
  keys: readonly Item[];
  consistent?: boolean;
  projection?: Pick<ScanCommandInput, 'ProjectionExpression' | 'ExpressionAttributeNames'>;
}

/** BatchGetItem in calls of 100 keys, retrying UnprocessedKeys with exponential backoff and jitter. */
export async function batchGet(
  db: DynamoDBClient,
  input: BatchRequest,
  stats: ReadStats = newStats(),
): Promise<Item[]> {
  return (await batchGetTables(db, [input], stats)).get(input.table) ?? [];
}

type RequestItems = NonNullable<BatchGetItemCommandInput['RequestItems']>;

/**
 * batchGet over several tables (one request each) at once: one call carries up to 100 keys of any of them, so
 * records of two tables cost one round trip. The items found, by table.
 */
export async function batchGetTables(
  db: DynamoDBClient,
  requests: readonly BatchRequest[],
  stats: ReadStats = newStats(),
): Promise<Map<string, Item[]>> {
  const out = new Map(requests.map((r) => [r.table, [] as Item[]]));
  const byTable = new Map(requests.map((r) => [r.table, r]));
  // Retries carry each table's consistency and projection again, whatever DynamoDB hands back with the keys.
  const settings = (r: BatchRequest) => ({ ConsistentRead: r.consistent ?? false, ...r.projection });
  const all = requests.flatMap((r) => r.keys.map((key) => ({ r, key: asSdk(key) })));
  for (let i = 0; i < all.length; i += BATCH_SIZE) {
    let pending: RequestItems = {};
    for (const { r, key } of all.slice(i, i + BATCH_SIZE)) {
      pending[r.table] ??= { ...settings(r), Keys: [] };
      pending[r.table]!.Keys!.push(key);
    }
    for (let round = 0; Object.keys(pending).length > 0; round++) {
      if (round >= MAX_UNPROCESSED_ROUNDS) throw throttled();
      if (round > 0) await sleep(Math.random() * 25 * 2 ** round);
      const asked = pending;
      const res = await send(() =>
        db.send(new BatchGetItemCommand({ RequestItems: asked, ReturnConsumedCapacity: 'TOTAL' })),
      );
      stats.calls++;
      stats.capacity += capacityOf(res.ConsumedCapacity);
      pending = {};
      for (const r of byTable.values()) {
        const got = res.Responses?.[r.table] ?? [];
        stats.scanned += got.length;
        for (const item of got) out.get(r.table)!.push(item as unknown as Item);
        const left = res.UnprocessedKeys?.[r.table]?.Keys ?? [];
        if (left.length > 0 && asked[r.table]) pending[r.table] = { ...settings(r), Keys: left };
      }
    }
  }
  return out;
}

export interface Page {
  items: Item[];
  lastKey: Item | undefined;
  /** items DynamoDB examined for this page (before its filter) */
  scanned: number;
}

type PagedInput = { operation: 'Query'; input: QueryCommandInput } | { operation: 'Scan'; input: ScanCommandInput };

/**
 * One DynamoDB page per iteration, starting after `startKey`. Consumers stop early with `break`, which ends the
 * generator: no further page is read.
 */
export async function* readPages(
  db: DynamoDBClient,
  request: PagedInput,
  startKey: Item | undefined,
  stats: ReadStats = newStats(),
  /** the Limit of the next call, asked before each one (undefined: DynamoDB's 1 MB pages) */
  limit: () => number | undefined = () => undefined,
): AsyncGenerator<Page> {
  let exclusiveStartKey = startKey;
  do {
    // Copy, don't mutate: the caller's input is reused for the explain plan and the next request.
    const n = limit();
    const common = {
      ...(exclusiveStartKey ? { ExclusiveStartKey: asSdk(exclusiveStartKey) } : {}),
      ...(n === undefined ? {} : { Limit: n }),
      ReturnConsumedCapacity: 'TOTAL' as const,
    };
    const res = await send(() =>
      request.operation === 'Query'
        ? db.send(new QueryCommand({ ...request.input, ...common }))
        : db.send(new ScanCommand({ ...request.input, ...common })),
    );
    stats.calls++;
    stats.scanned += res.ScannedCount ?? 0;
    stats.capacity += capacityOf(res.ConsumedCapacity);
    exclusiveStartKey = asItem(res.LastEvaluatedKey);
    yield { items: (res.Items ?? []) as unknown as Item[], lastKey: exclusiveStartKey, scanned: res.ScannedCount ?? 0 };
  } while (exclusiveStartKey);
}
