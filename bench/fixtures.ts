// Shared by the scale benchmark's parent and child processes: the tables, the generated items, the auth records,
// the workloads (as REST v1 events for Scoutr and as plain descriptions for the baseline), and a DynamoDB client
// that counts what each request read.
import {
  BatchWriteItemCommand,
  type ConsumedCapacity,
  type DynamoDBClient,
  PutItemCommand,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { type Config, EnvSchema, parseEnv } from '../src/config';
import type { AppConfig } from '../src/core/app';
import { fromJson, plainToJson } from '../src/core/json';
import type { Logger } from '../src/core/log';
import { type Route, routesFor } from '../src/core/routes';
import type { AttributeValue, Item } from '../src/core/values';
import { auditTableSpec, authTableSpec, createTable, groupTableSpec, type TableSpec } from '../src/dynamo/admin';
import { createClient } from '../src/dynamo/client';
import { LOCAL_CREDENTIALS, startEmulator } from '../src/local/emulator';

export const TABLES = {
  data: 'bench-items',
  auth: 'bench-auth',
  groups: 'bench-groups',
  audit: 'bench-audit',
};

export const DATA_TABLE_SPEC: TableSpec = {
  name: TABLES.data,
  partitionKey: { name: 'id', type: 'S' },
  indexes: [
    { name: 'category-index', partitionKey: { name: 'category', type: 'S' }, sortKey: { name: 'price', type: 'N' } },
  ],
};

export const APP: AppConfig = { uniqueRoutes: { '/categories': 'category' } };
export const API_KEY = 'bench-key';
/** API key → readers → base: two levels of groups, so a cold request may cost 1 + 2 auth reads. */
export const GROUP_DEPTH = 2;
const AUTH_RECORDS = [{ id: API_KEY, type: 'API_KEY', name: 'bench', groups: ['readers'] }];
const GROUPS = [
  { group_id: 'readers', groups: ['base'] },
  {
    group_id: 'base',
    permitted_endpoints: [
      { method: 'GET', endpoint: '.*' },
      { method: 'POST', endpoint: '/search/.*' },
    ],
  },
];

/** Each category holds 100 items at any table size: a category list reads what it answers, 1/1000 of 100k. */
export const ITEMS_PER_CATEGORY = 100;
export const itemId = (i: number) => `item-${String(i).padStart(7, '0')}`;
const PAYLOAD =
  'lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore '.repeat(2);

/** Item i (~300 bytes): 100 items per category (indexed with price), status 50/50 (not indexed). */
export function benchItem(i: number): Record<string, unknown> {
  return {
    id: itemId(i),
    category: `c${String(Math.floor(i / ITEMS_PER_CATEGORY)).padStart(4, '0')}`,
    status: i % 2 ? 'active' : 'inactive',
    price: (i * 7919) % 10_000,
    name: `name ${i} ${((i * 2_654_435_761) % 2 ** 32).toString(36)}`,
    payload: PAYLOAD.slice(0, 150 + (i % 50)),
  };
}

const toItem = (plain: Record<string, unknown>): Item =>
  (fromJson(plainToJson(plain)) as { M: Record<string, AttributeValue> }).M;

export function benchClient(endpoint: string): DynamoDBClient {
  return createClient({ endpoint, credentials: LOCAL_CREDENTIALS });
}

export async function createBenchTables(db: DynamoDBClient): Promise<void> {
  await createTable(db, DATA_TABLE_SPEC);
  await createTable(db, authTableSpec(TABLES.auth));
  await createTable(db, groupTableSpec(TABLES.groups));
  await createTable(db, auditTableSpec(TABLES.audit));
  for (const r of AUTH_RECORDS) await db.send(new PutItemCommand({ TableName: TABLES.auth, Item: toItem(r) as never }));
  for (const g of GROUPS) await db.send(new PutItemCommand({ TableName: TABLES.groups, Item: toItem(g) as never }));
}

/**
 * Items [from, to) with BatchWriteItem, `parallel` calls in flight, retrying unprocessed items. `extra` adds attributes
 * to item i (the grants benchmark's `_acl`); `table` defaults to the bench data table.
 */
export async function seedItems(
  db: DynamoDBClient,
  from: number,
  to: number,
  parallel = 16,
  opts: { table?: string; extra?: (i: number) => Item | undefined } = {},
): Promise<void> {
  const table = opts.table ?? TABLES.data;
  let next = from;
  const worker = async () => {
    while (next < to) {
      const start = next;
      const end = Math.min(start + 25, to);
      next = end;
      let pending: WriteRequest[] = [];
      for (let i = start; i < end; i++) {
        pending.push({ PutRequest: { Item: { ...toItem(benchItem(i)), ...opts.extra?.(i) } as never } });
      }
      for (let round = 0; pending.length > 0; round++) {
        if (round > 0) await new Promise((r) => setTimeout(r, 20 * round));
        const out = await db.send(new BatchWriteItemCommand({ RequestItems: { [table]: pending } }));
        pending = out.UnprocessedItems?.[table] ?? [];
      }
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}

/**
 * Runs `fn` against a DynamoDB Local of its own that holds the bench tables and items [0, size), then stops it; `db` is
 * a benchClient on it, destroyed afterwards.
 */
export async function withSeededTables<T>(
  size: number,
  fn: (endpoint: string, db: DynamoDBClient) => Promise<T>,
): Promise<T> {
  const emulator = await startEmulator({ accessKeyId: LOCAL_CREDENTIALS.accessKeyId }); // benchClient's fixed key
  const db = benchClient(emulator.endpoint);
  try {
    await createBenchTables(db);
    await seedItems(db, 0, size);
    return await fn(emulator.endpoint, db);
  } finally {
    db.destroy();
    await emulator.stop();
  }
}

/** The Config a deployed Scoutr would have, against the bench tables (auth cache on, as deployed). */
export function benchConfig(endpoint: string): Config {
  return parseEnv(EnvSchema, {
    DATA_TABLE: TABLES.data,
    AUTH_TABLE: TABLES.auth,
    GROUP_TABLE: TABLES.groups,
    AUDIT_TABLE: TABLES.audit,
    DYNAMODB_ENDPOINT: endpoint,
    CURSOR_SECRET: 'bench-cursor-secret-0123456789',
    LOG_LEVEL: 'warn',
  });
}

/** A logger for runtimes under a benchmark: errors only, so that the log lines cost nothing measured. */
export const quietLog: Logger = {
  debug() {},
  info() {},
  warn() {},
  error: (msg, fields) => console.error(msg, fields),
};

/** The bench app's route that serves `method` on the resource template `resource`. */
export const routeOf = (method: string, resource: string): Route =>
  routesFor(APP).find((r) => r.method === method && r.path === resource)!;

/** What one request asks for, in a form both implementations understand. */
export interface Call {
  method: 'GET' | 'POST';
  /** API Gateway resource template */
  resource: string;
  path: string;
  pathParams?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
}

export interface Workload {
  name: string;
  /** what the naive baseline does instead */
  baseline: string;
  /** the i-th request of a run (varied where it makes sense, so no cache helps) */
  call(i: number, size: number): Call;
  /** a full table read per request in the baseline, or in Scoutr: few iterations */
  heavy: { scoutr: boolean; baseline: boolean };
  /** an unpaged list: also measured against the bare baseline (the same Scan + JSON.stringify) */
  bare?: boolean;
}

const spread = (i: number, size: number) => (i * 7_919 + 13) % size;
export const INDEXED_CATEGORY = 'c0042';

export const WORKLOADS: Workload[] = [
  {
    name: 'get by id',
    baseline: 'Scan, filter id = :id',
    call: (i, size) => {
      const id = itemId(spread(i, size));
      return { method: 'GET', resource: '/item/{id}', path: `/item/${id}`, pathParams: { id } };
    },
    heavy: { scoutr: false, baseline: true },
  },
  {
    // category-index has a sort key: only items with a price are in it, so Scoutr queries it only with a
    // condition on price (every item has one here).
    name: `list category=${INDEXED_CATEGORY}&price__gte=0 (indexed)`,
    baseline: 'Scan, filter category AND price',
    call: () => ({
      method: 'GET',
      resource: '/items',
      path: '/items',
      query: { category: INDEXED_CATEGORY, price__gte: '0' },
    }),
    heavy: { scoutr: false, baseline: true },
  },
  {
    name: 'list status=active&_limit=100 (not indexed)',
    baseline: 'Scan, filter status (1.2.1 has no _limit: answers all)',
    call: () => ({ method: 'GET', resource: '/items', path: '/items', query: { status: 'active', _limit: '100' } }),
    heavy: { scoutr: false, baseline: true },
  },
  {
    name: 'search 50 ids',
    baseline: 'Scan, filter id IN (50 values)',
    call: (i, size) => ({
      method: 'POST',
      resource: '/search/{search_key}',
      path: '/search/id',
      pathParams: { search_key: 'id' },
      body: Array.from({ length: 50 }, (_, k) => itemId(spread(i * 50 + k, size))),
    }),
    heavy: { scoutr: false, baseline: true },
  },
  {
    name: 'unique categories (indexed field)',
    baseline: 'Scan, filter attribute_exists, whole items',
    call: () => ({ method: 'GET', resource: '/categories', path: '/categories' }),
    heavy: { scoutr: true, baseline: true },
  },
  {
    name: 'list everything',
    baseline: 'Scan the whole table, answer all',
    call: () => ({ method: 'GET', resource: '/items', path: '/items' }),
    heavy: { scoutr: false, baseline: true },
    bare: true,
  },
  {
    name: 'list status=active (not indexed, whole table)',
    baseline: 'Scan, filter status, answer all',
    call: () => ({ method: 'GET', resource: '/items', path: '/items', query: { status: 'active' } }),
    heavy: { scoutr: true, baseline: true },
    bare: true,
  },
];

/** A REST API (v1) proxy event, as API Gateway builds it for the Lambda handlers (cf. src/local/server.ts). */
export function restEvent(call: Call, requestId: string): APIGatewayProxyEvent {
  const query = call.query ?? {};
  const hasQuery = Object.keys(query).length > 0;
  return {
    resource: call.resource,
    path: call.path,
    httpMethod: call.method,
    headers: { 'x-api-key': API_KEY },
    multiValueHeaders: { 'x-api-key': [API_KEY] },
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery
      ? Object.fromEntries(Object.entries(query).map(([k, v]) => [k, [v]]))
      : null,
    pathParameters: call.pathParams ?? null,
    stageVariables: null,
    body: call.body === undefined ? null : JSON.stringify(call.body),
    isBase64Encoded: false,
    requestContext: {
      requestId,
      stage: 'bench',
      path: call.path,
      resourcePath: call.resource,
      httpMethod: call.method,
      identity: { apiKeyId: API_KEY, sourceIp: '127.0.0.1', userAgent: 'bench' },
    },
  } as unknown as APIGatewayProxyEvent;
}

/** What the requests read since the last `take()`, split into the data table and the auth tables. */
export interface Reads {
  dataCalls: number;
  /** items DynamoDB examined: ScannedCount for Query/Scan, items returned for GetItem/BatchGetItem */
  dataItems: number;
  authCalls: number;
  capacity: number;
}

const capacityOf = (c: ConsumedCapacity | ConsumedCapacity[] | undefined): number =>
  Array.isArray(c) ? c.reduce((s, x) => s + (x.CapacityUnits ?? 0), 0) : (c?.CapacityUnits ?? 0);

/** Counts, per command sent through `db`, what DynamoDB answered it read. Same meter for both implementations. */
export function meter(db: DynamoDBClient) {
  let reads: Reads = { dataCalls: 0, dataItems: 0, authCalls: 0, capacity: 0 };
  db.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as { TableName?: string; RequestItems?: Record<string, unknown> };
      const tables = input.TableName ? [input.TableName] : Object.keys(input.RequestItems ?? {});
      const out = await next(args);
      const o = out.output as {
        ScannedCount?: number;
        Item?: unknown;
        Responses?: Record<string, unknown[]>;
        ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[];
      };
      if (tables.includes(TABLES.data)) {
        reads.dataCalls++;
        reads.dataItems += o.ScannedCount ?? (o.Item ? 1 : 0) + (o.Responses?.[TABLES.data]?.length ?? 0);
        reads.capacity += capacityOf(o.ConsumedCapacity);
      } else if (tables.includes(TABLES.auth) || tables.includes(TABLES.groups)) {
        reads.authCalls++;
      }
      return out;
    },
    { step: 'initialize', name: 'benchMeter' },
  );
  return {
    take(): Reads {
      const r = reads;
      reads = { dataCalls: 0, dataItems: 0, authCalls: 0, capacity: 0 };
      return r;
    },
  };
}
