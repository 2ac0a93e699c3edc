import {
  BatchGetItemCommand,
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

/** BatchGetItem in calls of 100 keys, retrying UnprocessedKeys with exponential backoff and jitter. */
export async function batchGet(
  db: DynamoDBClient,
  input: {
    table: string;
    keys: readonly Item[];
    consistent?: boolean;
    projection?: Pick<ScanCommandInput, 'ProjectionExpression' | 'ExpressionAttributeNames'>;
  },
  stats: ReadStats = newStats(),
): Promise<Item[]> {
  const out: Item[] = [];
  for (let i = 0; i < input.keys.length; i += BATCH_SIZE) {
    let pending: Record<string, SdkValue>[] = input.keys.slice(i, i + BATCH_SIZE).map(asSdk);
    for (let round = 0; pending.length > 0; round++) {
      if (round >= MAX_UNPROCESSED_ROUNDS) throw throttled();
      if (round > 0) await sleep(Math.random() * 25 * 2 ** round);
      const res = await send(() =>
        db.send(
          new BatchGetItemCommand({
            RequestItems: {
              [input.table]: { Keys: pending, ConsistentRead: input.consistent ?? false, ...input.projection },
            },
            ReturnConsumedCapacity: 'TOTAL',
          }),
        ),
      );
      stats.calls++;
      stats.capacity += capacityOf(res.ConsumedCapacity);
      const got = res.Responses?.[input.table] ?? [];
      stats.scanned += got.length;
      for (const item of got) out.push(item as unknown as Item);
      pending = res.UnprocessedKeys?.[input.table]?.Keys ?? [];
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
