// npm run bench (second part) — one hot item: 200 PATCHes to the same pet through HTTP, all at once and then one by
// one, in one run against DynamoDB Local (issue 10.5). The pet store's inventory key sets the price each time.
// Reports the share that succeeded, the wall time of the concurrent burst against the same 200 sent sequentially,
// and checks that the audit table holds exactly one UPDATE record per successful write. Asserts nothing else.
//
// Environment: HOT_WRITES (default 200).

import app from '../example/petstore/scoutr.config';
import { items } from '../example/petstore/seed';
import { examplePolicyRecords } from '../scripts/examples';
import { EnvSchema, parseEnv } from '../src/config';
import { routesFor } from '../src/core/routes';
import type { AttributeValue } from '../src/core/values';
import { auditTableSpec, authTableSpec, createTable, groupTableSpec } from '../src/dynamo/admin';
import { createClient } from '../src/dynamo/client';
import { scanAll } from '../src/dynamo/policy';
import { createRuntime } from '../src/http/runtime';
import { LOCAL_CREDENTIALS, startEmulator } from '../src/local/emulator';
import { seed } from '../src/local/seed';
import { startServer } from '../src/local/server';
import { table } from './format';
import { runMain } from './main';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const WRITES = Number(process.env.HOT_WRITES ?? 200);
const TABLES = { data: 'hot-pets', auth: 'hot-auth', groups: 'hot-groups', audit: 'hot-audit' };

async function main() {
  const emulator = await startEmulator({ accessKeyId: LOCAL_CREDENTIALS.accessKeyId }); // benchClient's fixed key
  try {
    const db = createClient({ endpoint: emulator.endpoint, credentials: LOCAL_CREDENTIALS });
    await createTable(db, { name: TABLES.data, partitionKey: { name: 'id', type: 'S' } });
    await createTable(db, authTableSpec(TABLES.auth));
    await createTable(db, groupTableSpec(TABLES.groups));
    await createTable(db, auditTableSpec(TABLES.audit));
    await seed(db, TABLES, { items, ...examplePolicyRecords('petstore') }, 'id');
    const config = parseEnv(EnvSchema, {
      DATA_TABLE: TABLES.data,
      AUTH_TABLE: TABLES.auth,
      GROUP_TABLE: TABLES.groups,
      AUDIT_TABLE: TABLES.audit,
      DYNAMODB_ENDPOINT: emulator.endpoint,
      CURSOR_SECRET: 'bench-cursor-secret-0123456789',
      LOG_LEVEL: 'silent',
    });
    const runtime = await createRuntime(app, config, { db });
    const server = await startServer({ runtime, routes: routesFor(app), host: '127.0.0.1', port: 0 });
    const id = String(items[0]!.id);
    const patch = (price: number) =>
      fetch(`${server.url}/item/${encodeURIComponent(id)}`, {
        method: 'PATCH',
        headers: { 'x-api-key': 'inventory-key', 'content-type': 'application/json' },
        body: JSON.stringify({ price }),
      }).then(async (r) => ({
        status: r.status,
        code: r.ok ? undefined : ((await r.json()) as { code: string }).code,
      }));
    const text = (v: AttributeValue | undefined) => (v && 'S' in v ? v.S : undefined);
    const updates = async () =>
      (await scanAll(db, TABLES.audit)).filter((r) => text(r.action) === 'UPDATE' && text(r.history_key) === id).length;

    await patch(1); // warm: auth cache, connections
    const before = await updates();
    let t = performance.now();
    const sequential = [];
    for (let i = 0; i < WRITES; i++) sequential.push(await patch(i + 2));
    const sequentialMs = performance.now() - t;
    const afterSequential = await updates();
    t = performance.now();
    const burst = await Promise.all(Array.from({ length: WRITES }, (_, i) => patch(WRITES + i + 2)));
    const burstMs = performance.now() - t;
    const afterBurst = await updates();
    await server.close();

    const ok = (rs: { status: number }[]) => rs.filter((r) => r.status === 200).length;
    const codes = (rs: { code?: string }[]) =>
      [...new Set(rs.flatMap((r) => (r.code ? [r.code] : [])))].join(', ') || '—';
    const rows = [
      [
        'sequential',
        `${ok(sequential)}/${WRITES}`,
        codes(sequential),
        `${Math.round(sequentialMs)} ms`,
        '1.0×',
        String(afterSequential - before),
      ],
      [
        'concurrent',
        `${ok(burst)}/${WRITES}`,
        codes(burst),
        `${Math.round(burstMs)} ms`,
        `${(burstMs / sequentialMs).toFixed(2)}×`,
        String(afterBurst - afterSequential),
      ],
    ];
    const headers = [
      `${WRITES} PATCHes to one item`,
      'succeeded',
      'errors',
      'wall time',
      'vs sequential',
      'UPDATE records',
    ];
    console.log(`\nHot item (${WRITES} PATCHes to one item through HTTP, inventory key)\n`);
    console.log(table(headers, rows, 1));
    const share = ok(burst) / WRITES;
    const auditOk = afterBurst - afterSequential === ok(burst) && afterSequential - before === ok(sequential);
    console.log(
      `\ngoals: concurrent success ≥ 90% (${(share * 100).toFixed(1)}%), wall time ≤ 1.5× sequential ` +
        `(${(burstMs / sequentialMs).toFixed(2)}×), audit records = successful writes (${auditOk ? 'yes' : 'NO'})`,
    );
    db.destroy();
  } finally {
    await emulator.stop();
  }
}

runMain(main);
