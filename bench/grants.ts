// npm run bench (third part), npm run bench:grants — "list what I may view" (docs/reference/item-roles.md#planning-what-a-list-costs, issue 11.5): at
// 100,000 items of which the caller holds `view` on 50, GET /items through HTTP served from the caller's grants rows
// (a Query on `principal`, then BatchGetItem), against the same visible rows forced onto a Scan in the same run (the
// same caller with a second counting role whose rows need no item role and match nothing). Reports the plan, the
// rows DynamoDB read (from the request log line: grants rows plus items), its calls, the answer and p50/p99 ms.
// Asserts nothing; numbers from a busy machine are noise.
//
// Environment: GRANTS_ITEMS (default 100000), GRANTS_HELD (default 50), GRANTS_ITER (requests per plan after one
// warm-up, default 30; the Scan baseline runs at most GRANTS_SCAN_ITER, default 5).

import { type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { EnvSchema, parseEnv } from '../src/config';
import type { AppConfig } from '../src/core/app';
import type { Logger } from '../src/core/log';
import { routesFor } from '../src/core/routes';
import { auditTableSpec, authTableSpec, createTable, grantsTableSpec, groupTableSpec } from '../src/dynamo/admin';
import { createRuntime } from '../src/http/runtime';
import { LOCAL_CREDENTIALS, startEmulator } from '../src/local/emulator';
import { seed } from '../src/local/seed';
import { startServer } from '../src/local/server';
import { APP, benchClient, DATA_TABLE_SPEC, itemId, seedItems, TABLES } from './fixtures';
import { table } from './format';
import { runMain } from './main';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const ITEMS = Number(process.env.GRANTS_ITEMS ?? 100_000);
const HELD = Number(process.env.GRANTS_HELD ?? 50);
const ITER = Number(process.env.GRANTS_ITER ?? 30);
const SCAN_ITER = Number(process.env.GRANTS_SCAN_ITER ?? 5);
const GRANTS_TABLE = 'bench-grants';
const USER = 'bench-user';

const app: AppConfig = { ...APP, itemRoles: { roles: ['own', 'view'], implies: { own: ['view'] }, creator: ['own'] } };
const readers = {
  group_id: 'readers',
  permitted_endpoints: [{ method: 'GET', endpoint: '/items' }],
  read_filters: [{ item_role: 'view' }],
  explain: true,
};
const authRecords = [
  { id: USER, type: 'USERNAME', groups: ['readers'] },
  // The baseline's second counting role: its rows need no item role (so the list Scans) and it matches no item (so
  // the visible rows are the same as through `readers` alone).
  {
    id: 'by-status',
    type: 'OIDC_GROUP',
    permitted_endpoints: [{ method: 'GET', endpoint: '/items' }],
    read_filters: [{ field: 'status', value: 'no such status' }],
    explain: true,
  },
];

/** The held items, spread evenly over the table. */
const heldIndexes = Array.from({ length: HELD }, (_, k) => Math.floor((k * ITEMS) / HELD));

async function seedTables(db: DynamoDBClient): Promise<void> {
  await createTable(db, DATA_TABLE_SPEC);
  await createTable(db, authTableSpec(TABLES.auth));
  await createTable(db, groupTableSpec(TABLES.groups));
  await createTable(db, auditTableSpec(TABLES.audit));
  await createTable(db, grantsTableSpec(GRANTS_TABLE));
  await seed(db, { ...TABLES, grants: GRANTS_TABLE }, { items: [], authRecords, groups: [readers] }, 'id');
  const held = new Set(heldIndexes);
  const acl = { _acl: { M: { view: { SS: [USER] } } } };
  await seedItems(db, 0, ITEMS, 16, { extra: (i) => (held.has(i) ? acl : undefined) });
  for (const i of heldIndexes) {
    await db.send(
      new PutItemCommand({
        TableName: GRANTS_TABLE,
        Item: { principal: { S: USER }, item_key: { S: itemId(i) }, roles: { SS: ['view'] } },
      }),
    );
  }
}

interface Sample {
  ms: number;
  itemsRead: number;
  calls: number;
  count: number;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};
const num = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function main() {
  const emulator = await startEmulator({ accessKeyId: LOCAL_CREDENTIALS.accessKeyId }); // benchClient's fixed key
  try {
    const db = benchClient(emulator.endpoint);
    const t = performance.now();
    await seedTables(db);
    console.error(`seeded ${num(ITEMS)} items, ${HELD} held, in ${num((performance.now() - t) / 1000, 1)} s`);
    // The request log line carries what each request read (src/http/lambda.ts): items_read, dynamodb_calls, count.
    let last: Record<string, unknown> = {};
    const log: Logger = {
      debug() {},
      info(msg, fields) {
        if (msg === 'request' && fields) last = fields;
      },
      warn() {},
      error(msg, fields) {
        console.error(msg, fields);
      },
    };
    const config = parseEnv(EnvSchema, {
      DATA_TABLE: TABLES.data,
      AUTH_TABLE: TABLES.auth,
      GROUP_TABLE: TABLES.groups,
      AUDIT_TABLE: TABLES.audit,
      GRANTS_TABLE,
      DYNAMODB_ENDPOINT: emulator.endpoint,
      TRUST_OIDC_HEADERS: 'true',
      CURSOR_SECRET: 'bench-cursor-secret-0123456789',
      // The baseline Scan of the whole table takes longer than the default 20 s read budget on DynamoDB Local: it
      // would stop with a cursor and answer part of the rows. Let it finish, so both plans answer the same rows.
      READ_BUDGET_MS: '300000',
    });
    const runtime = await createRuntime(app, config, { db, log });
    const server = await startServer({ runtime, routes: routesFor(app), host: '127.0.0.1', port: 0 });
    const get = async (query: string, groups: string[]) => {
      const headers = { 'Oidc-Claim-Sub': USER, ...(groups.length ? { 'Oidc-Claim-Groups': groups.join(',') } : {}) };
      const started = performance.now();
      const res = await fetch(`${server.url}/items${query}`, { headers });
      const body = (await res.json()) as unknown;
      const ms = performance.now() - started;
      if (!res.ok) throw new Error(`GET /items${query}: ${res.status} ${JSON.stringify(body)}`);
      return { ms, body };
    };

    const runs = [
      { name: 'grants rows + BatchGetItem', groups: [] as string[], iter: ITER },
      { name: 'Scan baseline (same rows)', groups: ['by-status'], iter: Math.min(ITER, SCAN_ITER) },
    ];
    const rows: string[][] = [];
    const answers: string[] = [];
    for (const run of runs) {
      const plan = ((await get('?_explain=true', run.groups)).body as { plan: { operation: string } }).plan.operation;
      await get('', run.groups); // warm: auth cache, connections
      const samples: Sample[] = [];
      for (let i = 0; i < run.iter; i++) {
        const { ms, body } = await get('', run.groups);
        const ids = (body as { id: string }[]).map((x) => x.id).sort();
        answers.push(JSON.stringify(ids));
        samples.push({
          ms,
          itemsRead: Number(last.items_read),
          calls: Number(last.dynamodb_calls),
          count: Number(last.count),
        });
      }
      const s = samples[samples.length - 1]!; // reads are the same on every request of a plan
      rows.push([
        run.name,
        plan,
        String(run.iter),
        num(s.itemsRead),
        num(s.calls),
        [...new Set(samples.map((x) => num(x.count)))].join('/'),
        num(
          pct(
            samples.map((x) => x.ms),
            50,
          ),
          1,
        ),
        num(
          pct(
            samples.map((x) => x.ms),
            99,
          ),
          1,
        ),
      ]);
    }
    await server.close();
    const same = answers.every((a) => a === answers[0]);

    const headers = ['list what I may view', 'plan', 'n', 'items read', 'data calls', 'answered', 'p50 ms', 'p99 ms'];
    console.log(
      `\nList what I may view (${num(ITEMS)} items, the caller holds view on ${HELD}; GET /items via HTTP)\n`,
    );
    console.log(table(headers, rows));
    const grantsRead = Number(rows[0]![3]!.replace(/,/g, ''));
    const scanP50 = Number(rows[1]![6]!.replace(/,/g, ''));
    const grantsP50 = Number(rows[0]![6]!.replace(/,/g, ''));
    console.log(
      `\ngoals: grants plan reads ≤ 100 items (${num(grantsRead)}: ${HELD} grants rows + their items), ` +
        `same answer as the Scan (${same ? 'yes' : 'NO'}), p50 ${num(scanP50 / grantsP50, 0)}× faster than the Scan`,
    );
    db.destroy();
  } finally {
    await emulator.stop();
  }
}

runMain(main);
