// The naive baseline: the Scoutr 1.2.1 strategy, rebuilt on the same SDK client so the comparison is about the
// strategy, not the language. Every read is a Scan of the whole table with the request's filter, collected in
// memory and answered whole (no _limit, no cut); auth is one GetItem for the caller's record and one per group,
// recursively, on every request (no cache); each read writes its audit record with PutItem.
// `Bare` is the floor of a Scan list instead: the same Scan Scoutr sends, each item turned into a plain object and
// the array given to JSON.stringify, and nothing else (no auth, no audit, no size or time cut).
import { randomBytes } from 'node:crypto';
import {
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  type ScanCommandInput,
  type AttributeValue as SdkValue,
} from '@aws-sdk/client-dynamodb';
import { itemToJson } from '../src/core/json';
import type { Item } from '../src/core/values';
import { API_KEY, type Call, TABLES } from './fixtures';

export interface Answer {
  status: number;
  bytes: number;
  count: number;
}

type Filter = Pick<ScanCommandInput, 'FilterExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'>;

const NUMERIC = new Set(['price']);
const value = (field: string, v: string): SdkValue => (NUMERIC.has(field) ? { N: v } : { S: v });

/** The filter 1.2.1 built: the query parameters AND-ed (eq or gte), the search values as IN, the unique field exists. */
function filterOf(call: Call): Filter | undefined {
  const names: Record<string, string> = {};
  const values: Record<string, SdkValue> = {};
  const parts: string[] = [];
  const n = (field: string) => {
    const t = `#n${Object.keys(names).length}`;
    names[t] = field;
    return t;
  };
  const v = (field: string, text: string) => {
    const t = `:v${Object.keys(values).length}`;
    values[t] = value(field, text);
    return t;
  };
  if (call.resource === '/item/{id}') parts.push(`${n('id')} = ${v('id', call.pathParams!.id!)}`);
  if (call.resource === '/search/{search_key}') {
    const field = call.pathParams!.search_key!;
    const list = (call.body as string[]).map((x) => v(field, x));
    parts.push(`${n(field)} IN (${list.join(', ')})`);
  }
  if (call.resource === '/categories') parts.push(`attribute_exists(${n('category')})`);
  for (const [key, text] of Object.entries(call.query ?? {})) {
    if (key.startsWith('_')) continue; // 1.2.1 had no paging: _limit is not a filter, and nothing limits the answer
    const [field, op] = key.split('__') as [string, string | undefined];
    parts.push(`${n(field)} ${op === 'gte' ? '>=' : '='} ${v(field, text)}`);
  }
  if (parts.length === 0) return undefined;
  return {
    FilterExpression: parts.join(' AND '),
    ExpressionAttributeNames: names,
    ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
  };
}

export class Baseline {
  constructor(private readonly db: DynamoDBClient) {}

  /** The caller's record, then each group's record: one GetItem each, every request. */
  private async permissions(): Promise<void> {
    const record = await this.db.send(new GetItemCommand({ TableName: TABLES.auth, Key: { id: { S: API_KEY } } }));
    let pending = (record.Item?.groups?.L ?? []).map((g) => g.S ?? '');
    const seen = new Set<string>();
    while (pending.length > 0) {
      const id = pending.shift()!;
      if (seen.has(id)) continue;
      seen.add(id);
      const group = await this.db.send(new GetItemCommand({ TableName: TABLES.groups, Key: { group_id: { S: id } } }));
      pending = pending.concat((group.Item?.groups?.L ?? []).map((g) => g.S ?? ''));
    }
  }

  private async scanAll(filter: Filter | undefined): Promise<Item[]> {
    const items: Item[] = [];
    let start: Record<string, SdkValue> | undefined;
    do {
      const page = await this.db.send(
        new ScanCommand({
          TableName: TABLES.data,
          ...filter,
          ReturnConsumedCapacity: 'TOTAL',
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of page.Items ?? []) items.push(item as unknown as Item);
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }

  private async audit(call: Call): Promise<void> {
    const now = new Date();
    await this.db.send(
      new PutItemCommand({
        TableName: TABLES.audit,
        Item: {
          id: { S: `${now.toISOString()}#${randomBytes(8).toString('hex')}` },
          time: { S: now.toISOString() },
          action: { S: call.method === 'POST' ? 'SEARCH' : call.resource === '/item/{id}' ? 'GET' : 'LIST' },
          method: { S: call.method },
          path: { S: call.path },
          user: { M: { id: { S: API_KEY } } },
          expire_time: { N: String(Math.floor(now.getTime() / 1000) + 30 * 86_400) },
        },
      }),
    );
  }

  async handle(call: Call): Promise<Answer> {
    await this.permissions();
    const items = await this.scanAll(filterOf(call));
    let body: string;
    let count: number;
    if (call.resource === '/item/{id}') {
      if (items.length !== 1) return { status: 404, bytes: 0, count: 0 };
      body = JSON.stringify(itemToJson(items[0]!));
      count = 1;
    } else if (call.resource === '/categories') {
      const distinct = [...new Set(items.map((i) => (i.category as { S: string }).S))].sort();
      body = JSON.stringify(distinct);
      count = distinct.length;
    } else {
      body = JSON.stringify(items.map(itemToJson));
      count = items.length;
    }
    await this.audit(call);
    return { status: 200, bytes: Buffer.byteLength(body), count };
  }
}

/** A stored value as a plain JS value JSON.stringify writes: numbers as doubles, sets as arrays (unsorted). */
function plain(v: SdkValue): unknown {
  if (v.S !== undefined) return v.S;
  if (v.N !== undefined) return Number(v.N);
  if (v.BOOL !== undefined) return v.BOOL;
  if (v.NULL !== undefined) return null;
  if (v.L !== undefined) return v.L.map(plain);
  if (v.M !== undefined) return plainItem(v.M);
  if (v.SS !== undefined) return v.SS;
  if (v.NS !== undefined) return v.NS.map(Number);
  if (v.B !== undefined) return Buffer.from(v.B).toString('base64');
  return (v.BS ?? []).map((b) => Buffer.from(b).toString('base64'));
}

function plainItem(m: Record<string, SdkValue>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k in m) out[k] = plain(m[k]!);
  return out;
}

/** The bare baseline of a list: Scoutr's Scan (same filter, DynamoDB's 1 MB pages), then JSON.stringify. */
export class Bare {
  constructor(private readonly db: DynamoDBClient) {}

  async handle(call: Call): Promise<Answer> {
    if (call.resource !== '/items' || Object.keys(call.query ?? {}).some((k) => k.startsWith('_'))) {
      throw new Error('the bare baseline answers unpaged lists only');
    }
    const out: unknown[] = [];
    let start: Record<string, SdkValue> | undefined;
    do {
      const page = await this.db.send(
        new ScanCommand({
          TableName: TABLES.data,
          ...filterOf(call),
          ReturnConsumedCapacity: 'TOTAL',
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of page.Items ?? []) out.push(plainItem(item));
      start = page.LastEvaluatedKey;
    } while (start);
    const body = JSON.stringify(out);
    return { status: 200, bytes: Buffer.byteLength(body), count: out.length };
  }
}
