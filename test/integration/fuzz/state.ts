// What the server wrote: every successful write command its DynamoDB client sends (data, grants and audit tables
// alike), and the data and grants tables as rows, to prove that a failed request wrote nothing. The test's own
// resets go through a second client, so the recorder sees the server's writes only.

import { isDeepStrictEqual } from 'node:util';
import { DeleteItemCommand, type DynamoDBClient, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { localDb } from '../../support/db';
import type { Harness } from '../../support/harness';

const WRITES = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'TransactWriteItemsCommand',
  'BatchWriteItemCommand',
]);

type Raw = Record<string, unknown>;

export interface Recorder {
  /** write commands that succeeded since the last `clear` */
  writes: string[];
  clear(): void;
}

export function recordWrites(h: Harness): Recorder {
  const rec: Recorder = {
    writes: [],
    clear() {
      rec.writes = [];
    },
  };
  h.db.middlewareStack.add(
    (next, context) => async (args) => {
      const out = await next(args);
      if (WRITES.has(context.commandName ?? '')) rec.writes.push(context.commandName!);
      return out;
    },
    { step: 'initialize', name: 'fuzz-write-recorder' },
  );
  return rec;
}

async function scanRaw(db: DynamoDBClient, table: string): Promise<Raw[]> {
  const rows: Raw[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start as never }));
    rows.push(...((page.Items ?? []) as Raw[]));
    start = page.LastEvaluatedKey;
  } while (start);
  return rows;
}

export interface Tables {
  /** the data and grants tables' rows, raw, keyed by their key text */
  rows(): Promise<Map<string, Map<string, Raw>>>;
  /** puts back the rows taken at `capture` time and deletes every other row */
  reset(): Promise<void>;
  capture(): Promise<void>;
  /** the keys of rows added, changed or removed since `capture` ([] when nothing was written) */
  changes(): Promise<string[]>;
  close(): void;
}

/** The data and grants tables of a harness, with the key attributes of each. */
export function tablesOf(h: Harness, dataKey = 'id'): Tables {
  const db = localDb();
  const specs: Array<[string, string[]]> = [[h.tables.data, [dataKey]]];
  if (h.tables.grants) specs.push([h.tables.grants, ['principal', 'item_key']]);
  const keyText = (row: Raw, keys: string[]) => JSON.stringify(keys.map((k) => row[k]));
  let initial = new Map<string, Map<string, Raw>>();
  const rows = async () => {
    const out = new Map<string, Map<string, Raw>>();
    for (const [table, keys] of specs) {
      out.set(table, new Map((await scanRaw(db, table)).map((r) => [keyText(r, keys), r])));
    }
    return out;
  };
  return {
    rows,
    async capture() {
      initial = await rows();
    },
    async reset() {
      const now = await rows();
      for (const [table, keys] of specs) {
        const want = initial.get(table)!;
        for (const [k, row] of now.get(table)!) {
          if (!want.has(k)) {
            const Key = Object.fromEntries(keys.map((a) => [a, row[a]]));
            await db.send(new DeleteItemCommand({ TableName: table, Key: Key as never }));
          }
        }
        for (const [k, row] of want) {
          if (!isDeepStrictEqual(now.get(table)!.get(k), row)) {
            await db.send(new PutItemCommand({ TableName: table, Item: row as never }));
          }
        }
      }
    },
    async changes() {
      const now = await rows();
      const out: string[] = [];
      for (const [table] of specs) {
        const was = initial.get(table)!;
        const is = now.get(table)!;
        for (const k of new Set([...was.keys(), ...is.keys()])) {
          if (!isDeepStrictEqual(was.get(k), is.get(k)))
            out.push(`${table === h.tables.data ? 'data' : 'grants'} ${k}`);
        }
      }
      return out;
    },
    close: () => db.destroy(),
  };
}
