import {
  BatchWriteItemCommand,
  CreateTableCommand,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
  type AttributeValue as SdkValue,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { fromJson, plainToJson } from '../../../src/core/json';
import type { AttributeValue, Item } from '../../../src/core/values';
import type { Harness, Reply } from '../../support/harness';

// Helpers for the planner and paging suites: a data table with indexes of every projection, a recorder of the
// commands Scoutr sends (and what DynamoDB answered), and a walker that follows next links like a client.

export const toItem = (plain: Record<string, unknown>): Item =>
  (fromJson(plainToJson(plain)) as { M: Record<string, AttributeValue> }).M;

type Index = {
  name: string;
  pk: [string, 'S' | 'N'];
  sk?: [string, 'S' | 'N'];
  projection?: GlobalSecondaryIndex['Projection'];
};

/**
 * The data table the planner suites use: `id` (S) plus
 * - `category-index` (category S, price N), projection ALL: list with a price condition → Query
 * - `team-index` (team S), projection ALL: search on team → one Query per value
 * - `owner-created` (owner S, created S), projection ALL: startswith on the sort key
 * - `status-keys` (status S), KEYS_ONLY, and `color-include` (color S), INCLUDE: never used by the planner
 * Created with CreateTable directly, since src/dynamo/admin.ts only makes ALL indexes.
 */
export const PLAN_INDEXES: Index[] = [
  { name: 'category-index', pk: ['category', 'S'], sk: ['price', 'N'] },
  { name: 'team-index', pk: ['team', 'S'] },
  { name: 'owner-created', pk: ['owner', 'S'], sk: ['created', 'S'] },
  { name: 'status-keys', pk: ['status', 'S'], projection: { ProjectionType: 'KEYS_ONLY' } },
  {
    name: 'color-include',
    pk: ['color', 'S'],
    projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['name'] },
  },
];
export const UNUSABLE_INDEXES = ['status-keys', 'color-include'];

export async function createPlanTable(db: DynamoDBClient, name: string, indexes = PLAN_INDEXES): Promise<void> {
  const defs = new Map<string, 'S' | 'N'>([['id', 'S']]);
  for (const ix of indexes) {
    defs.set(ix.pk[0], ix.pk[1]);
    if (ix.sk) defs.set(ix.sk[0], ix.sk[1]);
  }
  await db.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [...defs].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType })),
      GlobalSecondaryIndexes: indexes.map((ix) => ({
        IndexName: ix.name,
        KeySchema: [
          { AttributeName: ix.pk[0], KeyType: 'HASH' },
          ...(ix.sk ? [{ AttributeName: ix.sk[0], KeyType: 'RANGE' as const }] : []),
        ],
        Projection: ix.projection ?? { ProjectionType: 'ALL' },
      })),
    }),
  );
}

/** BatchWriteItem in chunks of 25, a few chunks at a time, retrying unprocessed items. */
export async function putItems(db: DynamoDBClient, table: string, items: readonly Record<string, unknown>[]) {
  const chunks: WriteRequest[][] = [];
  for (let i = 0; i < items.length; i += 25) {
    chunks.push(items.slice(i, i + 25).map((p) => ({ PutRequest: { Item: toItem(p) as Record<string, SdkValue> } })));
  }
  const writeChunk = async (chunk: WriteRequest[]) => {
    let pending = chunk;
    while (pending.length > 0) {
      const out = await db.send(new BatchWriteItemCommand({ RequestItems: { [table]: pending } }));
      pending = out.UnprocessedItems?.[table] ?? [];
    }
  };
  for (let i = 0; i < chunks.length; i += 4) await Promise.all(chunks.slice(i, i + 4).map(writeChunk));
}

/** One command Scoutr sent, with DynamoDB's answer. */
export interface Sent {
  command: string;
  input: Record<string, unknown> & {
    TableName?: string;
    IndexName?: string;
    KeyConditionExpression?: string;
    FilterExpression?: string;
    ProjectionExpression?: string;
    ExpressionAttributeNames?: Record<string, string>;
    ExpressionAttributeValues?: Record<string, SdkValue>;
    Limit?: number;
    RequestItems?: Record<string, { Keys?: unknown[] }>;
  };
  output?: { Count?: number; ScannedCount?: number; Item?: unknown; Responses?: Record<string, unknown[]> };
}

/** The tables a command names. */
export const tablesOf = (s: Sent): string[] =>
  s.input.TableName ? [s.input.TableName] : Object.keys(s.input.RequestItems ?? {});

/**
 * Records every command sent through `db` (the harness client the runtime uses) until `stop()`. The middleware
 * runs at the initialize step, so each logical call is recorded once whatever the SDK retries.
 */
export function spy(db: DynamoDBClient) {
  const sent: Sent[] = [];
  const name = `planSpy${Math.random().toString(36).slice(2)}`;
  db.middlewareStack.add(
    (next, context) => async (args) => {
      const entry: Sent = {
        command: String(context.commandName).replace(/Command$/, ''),
        input: args.input as Sent['input'],
      };
      sent.push(entry);
      const out = await next(args);
      entry.output = out.output as Sent['output'];
      return out;
    },
    { step: 'initialize', name },
  );
  return {
    sent,
    /** the commands that named `table` */
    on: (table: string) => sent.filter((s) => tablesOf(s).includes(table)),
    reset: () => {
      sent.length = 0;
    },
    stop: () => db.middlewareStack.remove(name),
  };
}

/** An expression with its placeholders replaced by names and values, to assert on it readably. */
export function readable(expression: string | undefined, input: Sent['input']): string {
  if (!expression) return '';
  const names = input.ExpressionAttributeNames ?? {};
  const values = input.ExpressionAttributeValues ?? {};
  return expression
    .replace(/#[A-Za-z0-9_]+/g, (t) => names[t] ?? t)
    .replace(/:[A-Za-z0-9_]+/g, (t) => {
      const v = values[t] as Record<string, unknown> | undefined;
      if (!v) return t;
      return 'S' in v ? JSON.stringify(v.S) : 'N' in v ? String(v.N) : JSON.stringify(v);
    });
}

/** The attribute names a ProjectionExpression asks for (top-level segments of each path). */
export function projected(input: Sent['input']): string[] {
  const names = input.ExpressionAttributeNames ?? {};
  return (input.ProjectionExpression ?? '')
    .split(',')
    .map((p) => p.trim().split('.')[0]!)
    .filter(Boolean)
    .map((t) => names[t] ?? t)
    .sort();
}

/** The operands of each `IN (...)` group of an expression. */
export const inGroups = (expression: string | undefined): number[] =>
  [...(expression ?? '').matchAll(/ IN \(([^)]*)\)/g)].map((m) => m[1]!.split(',').length);

export interface Page {
  reply: Reply;
  items: Array<Record<string, unknown>>;
  /** the relative next link, if any */
  next: string | undefined;
}

/** The target of a `Link: <...>; rel="next"` header. */
export function nextOf(reply: Reply): string | undefined {
  const link = reply.headers.get('link');
  if (!link) return undefined;
  const m = /^<([^>]+)>; rel="next"$/.exec(link);
  if (!m) throw new Error(`malformed Link header: ${link}`);
  return m[1];
}

/**
 * Follows next links from `path` like a client: each link is resolved against the harness URL (it is relative),
 * checked against X-Next-Cursor, and `between` runs after each page (to change the table between pages).
 */
export async function walk(
  h: Harness,
  path: string,
  opts: {
    method?: string;
    headers?: Record<string, string>;
    body?: unknown;
    between?: (page: Page, index: number) => Promise<void>;
    maxPages?: number;
  } = {},
): Promise<Page[]> {
  const pages: Page[] = [];
  let at: string | undefined = path;
  while (at !== undefined) {
    if (pages.length >= (opts.maxPages ?? 500)) throw new Error(`more than ${opts.maxPages ?? 500} pages`);
    const url = new URL(at, h.url);
    const reply = await h.request(opts.method ?? 'GET', `${url.pathname}${url.search}`, {
      ...(opts.headers ? { headers: opts.headers } : {}),
      ...(opts.body === undefined ? {} : { body: opts.body }),
    });
    if (reply.status !== 200) throw new Error(`page ${pages.length}: ${reply.status} ${reply.text}`);
    const next = nextOf(reply);
    if (next !== undefined) {
      if (!next.startsWith('/')) throw new Error(`next link is not relative: ${next}`);
      const cursor = new URL(next, h.url).searchParams.get('_cursor');
      if (cursor !== reply.headers.get('x-next-cursor')) throw new Error('X-Next-Cursor differs from the link');
    } else if (reply.headers.get('x-next-cursor') !== null) {
      throw new Error('X-Next-Cursor without a Link');
    }
    const page: Page = { reply, items: reply.body as Array<Record<string, unknown>>, next };
    pages.push(page);
    if (opts.between) await opts.between(page, pages.length - 1);
    at = next;
  }
  return pages;
}

/** Every id the pages returned, in order (duplicates kept, so a test can see them). */
export const idsIn = (pages: readonly Page[], key = 'id'): string[] =>
  pages.flatMap((p) => p.items.map((i) => String(i[key])));

/** The values that occur more than once. */
export const repeated = (values: readonly string[]): string[] => {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const v of values) (seen.has(v) ? twice : seen).add(v);
  return [...twice].sort();
};
