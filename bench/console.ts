// npm run bench:console — the console (docs/how-to/use-the-console.md) at scale: its "see as" view of the pet store and its "who can
// read this item?" answer, at 10,000 items and 1,000 auth records, through its HTTP API as the page calls it. For
// each: the plan, the DynamoDB calls and items read (counted on the client, per table), and p50/p99 ms.
// Asserts nothing; numbers from a busy machine are noise.
//
// Environment: CONSOLE_ITEMS (default 10000), CONSOLE_RECORDS (auth records in all, default 1000), CONSOLE_ITER
// (requests per row after one warm-up, default 20).

import {
  BatchWriteItemCommand,
  type ConsumedCapacity,
  type DynamoDBClient,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import app from '../example/petstore/scoutr.config';
import { exampleFiles, examplePolicyRecords } from '../scripts/examples';
import { EnvSchema, parseEnv } from '../src/config';
import { startConsole } from '../src/console/server';
import { dataTableOf } from '../src/core/app';
import { fromJson, plainToJson } from '../src/core/json';
import type { Item } from '../src/core/values';
import { auditTableSpec, authTableSpec, createTable, groupTableSpec } from '../src/dynamo/admin';
import { startEmulator } from '../src/local/emulator';
import { benchClient } from './fixtures';
import { table } from './format';
import { runMain } from './main';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const ITEMS = Number(process.env.CONSOLE_ITEMS ?? 10_000);
const RECORDS = Number(process.env.CONSOLE_RECORDS ?? 1000);
const ITER = Number(process.env.CONSOLE_ITER ?? 20);
const TABLES = { data: 'console-items', auth: 'console-auth', groups: 'console-groups', audit: 'console-audit' };
const TYPES = ['dog', 'cat', 'bird', 'fish', 'rabbit'];
const STATUSES = ['available', 'pending', 'sold'];

const toItem = (plain: Record<string, unknown>): Item => (fromJson(plainToJson(plain)) as { M: Item }).M;
const pet = (i: number) => ({
  id: `p-${String(i).padStart(5, '0')}`,
  name: `pet ${i}`,
  type: TYPES[i % TYPES.length],
  status: STATUSES[i % STATUSES.length],
  price: (i * 7919) % 1000,
  cost: (i * 31) % 500,
  supplier: { name: 'Happy Farms', contact: 'farm@example.com' },
  ...(i % 100 === 0 ? { owner: 'owen' } : {}),
});

/** The pet store's own records, then users up to RECORDS in all: employees, customers and vets, as the policy has. */
function authRecords(): Record<string, unknown>[] {
  const own = examplePolicyRecords('petstore').authRecords as Record<string, unknown>[];
  const more = Array.from({ length: Math.max(0, RECORDS - own.length) }, (_, i) => {
    const kind = i % 3;
    if (kind === 0) return { id: `employee-${i}`, type: 'USERNAME', groups: ['staff', 'hide-cost'] };
    if (kind === 1) return { id: `key-${i}`, type: 'API_KEY', groups: ['catalog-read', 'available-only', 'hide-cost'] };
    return { id: `vet-group-${i}`, type: 'OIDC_GROUP', groups: ['catalog-read'], exclude_fields: ['cost'] };
  });
  return [...own, ...more];
}

async function put(db: DynamoDBClient, tableName: string, items: readonly Record<string, unknown>[]): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const batch = items.slice(next, next + 25);
      next += 25;
      let pending: WriteRequest[] = batch.map((i) => ({ PutRequest: { Item: toItem(i) as never } }));
      for (let round = 0; pending.length > 0; round++) {
        if (round > 0) await new Promise((r) => setTimeout(r, 20 * round));
        const out = await db.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: pending } }));
        pending = out.UnprocessedItems?.[tableName] ?? [];
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
}

interface Reads {
  calls: Record<string, number>;
  items: Record<string, number>;
  capacity: number;
}
const capacityOf = (c: ConsumedCapacity | ConsumedCapacity[] | undefined): number =>
  Array.isArray(c) ? c.reduce((s, x) => s + (x.CapacityUnits ?? 0), 0) : (c?.CapacityUnits ?? 0);

/** Counts, per table, the calls sent through `db` and the items DynamoDB read for them. */
function meter(db: DynamoDBClient) {
  const zero = (): Reads => ({ calls: {}, items: {}, capacity: 0 });
  let reads = zero();
  db.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as { TableName?: string; RequestItems?: Record<string, unknown> };
      const out = await next(args);
      const o = out.output as {
        ScannedCount?: number;
        Item?: unknown;
        Responses?: Record<string, unknown[]>;
        ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[];
      };
      for (const t of input.TableName ? [input.TableName] : Object.keys(input.RequestItems ?? {})) {
        reads.calls[t] = (reads.calls[t] ?? 0) + 1;
        reads.items[t] = (reads.items[t] ?? 0) + (o.ScannedCount ?? (o.Item ? 1 : 0) + (o.Responses?.[t]?.length ?? 0));
      }
      reads.capacity += capacityOf(o.ConsumedCapacity);
      return out;
    },
    { step: 'initialize', name: 'consoleBenchMeter' },
  );
  return {
    take(): Reads {
      const r = reads;
      reads = zero();
      return r;
    },
  };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};
const num = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function main() {
  const emulator = await startEmulator();
  try {
    const db = benchClient(emulator.endpoint);
    const t = performance.now();
    await createTable(db, { name: TABLES.data, ...dataTableOf(app) });
    await createTable(db, authTableSpec(TABLES.auth));
    await createTable(db, groupTableSpec(TABLES.groups));
    await createTable(db, auditTableSpec(TABLES.audit));
    const records = authRecords();
    await put(db, TABLES.auth, records);
    await put(db, TABLES.groups, examplePolicyRecords('petstore').groups as Record<string, unknown>[]);
    await put(
      db,
      TABLES.data,
      Array.from({ length: ITEMS }, (_, i) => pet(i)),
    );
    console.error(
      `seeded ${num(ITEMS)} pets and ${num(records.length)} auth records in ${num((performance.now() - t) / 1000, 1)} s`,
    );

    const config = parseEnv(EnvSchema, {
      DATA_TABLE: TABLES.data,
      AUTH_TABLE: TABLES.auth,
      GROUP_TABLE: TABLES.groups,
      AUDIT_TABLE: TABLES.audit,
      DYNAMODB_ENDPOINT: emulator.endpoint,
    });
    const counted = meter(db);
    const c = await startConsole({ app, config, db, policyFile: exampleFiles('petstore').policy });
    const get = async (path: string) => {
      const started = performance.now();
      const res = await fetch(`${c.url}${path}`, { headers: { 'X-Scoutr-Token': c.token } });
      const body = (await res.json()) as Record<string, unknown>;
      if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`);
      return { ms: performance.now() - started, body };
    };

    const runs = [
      { name: 'see as key:public-key (first 50)', path: '/api/see-as?as=key:public-key' },
      {
        name: 'see as key:admin-key, type=dog&price__lt=480',
        path: '/api/see-as?as=key:admin-key&q=type%3Ddog%26price__lt%3D480',
      },
      { name: 'see as user:owen (his pets)', path: '/api/see-as?as=user:owen' },
      { name: 'who can read p-00042', path: '/api/who?item=p-00042' },
    ];
    const rows: string[][] = [];
    for (const run of runs) {
      await get(run.path); // warm: connections, the key schema
      counted.take();
      const ms: number[] = [];
      let body: Record<string, unknown> = {};
      for (let i = 0; i < ITER; i++) ({ ms: ms[i]!, body } = await get(run.path));
      const reads = counted.take();
      const per = (x: number) => num(x / ITER);
      const sum = (m: Record<string, number>, tables: string[]) => tables.reduce((s, k) => s + (m[k] ?? 0), 0);
      const auth = [TABLES.auth, TABLES.groups];
      const plan = run.path.startsWith('/api/who')
        ? `Scan auth+groups, GetItem; ${(body.rows as unknown[]).length} identities`
        : `${(body.plan as { operation: string; index?: string }).operation}${(body.plan as { index?: string }).index ? ` ${(body.plan as { index?: string }).index}` : ''}; ${(body.rows as unknown[]).length} rows`;
      rows.push([
        run.name,
        plan,
        String(ITER),
        per(sum(reads.calls, [TABLES.data])),
        per(sum(reads.items, [TABLES.data])),
        per(sum(reads.calls, auth)),
        per(sum(reads.items, auth)),
        num(pct(ms, 50), 1),
        num(pct(ms, 99), 1),
      ]);
    }
    await c.close();
    console.log(
      `\nThe console at ${num(ITEMS)} pets and ${num(records.length)} auth records (its HTTP API, DynamoDB Local; reads per request)\n`,
    );
    console.log(
      table(
        [
          'view',
          'plan / answer',
          'n',
          'data calls',
          'data items read',
          'auth calls',
          'auth items read',
          'p50 ms',
          'p99 ms',
        ],
        rows,
      ),
    );
    db.destroy();
  } finally {
    await emulator.stop();
  }
}

runMain(main);
