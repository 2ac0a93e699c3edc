// Scoutr's own CPU on a big answer: `npm run bench:answer -- [workload index, default 5] [size, default 10000]`.
// Seeds DynamoDB Local, then replays its Scan replies from memory (a middleware answers the data table's Scans and
// the audit PutItem without sending them), so each request is the answer path alone: no SDK parsing, no waiting.
// Runs Scoutr's Lambda code path and the bare baseline (bench/baseline.ts) in turn, in one process, and prints
// the median and best ms per request of each.
import { performance } from 'node:perf_hooks';
import type { Logger } from '../src/core/log';
import { routesFor } from '../src/core/routes';
import { handleEvent } from '../src/http/lambda';
import { createRuntime } from '../src/http/runtime';
import { LOCAL_CREDENTIALS, startEmulator } from '../src/local/emulator';
import { Bare } from './baseline';
import { APP, benchClient, benchConfig, createBenchTables, restEvent, seedItems, TABLES, WORKLOADS } from './fixtures';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const [workloadArg = '5', sizeArg = '10000'] = process.argv.slice(2);
const ROUNDS = 30;

async function main() {
  const workload = WORKLOADS[Number(workloadArg)]!;
  const size = Number(sizeArg);
  const emulator = await startEmulator({ accessKeyId: LOCAL_CREDENTIALS.accessKeyId }); // benchClient's fixed key
  const db = benchClient(emulator.endpoint);
  try {
    await createBenchTables(db);
    await seedItems(db, 0, size);
    const replies = new Map<string, unknown>();
    let replay = false;
    db.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as { TableName?: string; FilterExpression?: string; ExclusiveStartKey?: unknown };
        if (replay && input.TableName === TABLES.audit) return { output: {}, response: {} } as never;
        if (input.TableName !== TABLES.data) return next(args);
        const key = JSON.stringify([input.FilterExpression ?? '', input.ExclusiveStartKey ?? null]);
        if (replay && replies.has(key)) return { output: replies.get(key), response: {} } as never;
        const out = await next(args);
        replies.set(key, out.output);
        return out;
      },
      { step: 'initialize', name: 'replay' },
    );
    const call = workload.call(0, size);
    const route = routesFor(APP).find((r) => r.method === call.method && r.path === call.resource)!;
    const log: Logger = { debug() {}, info() {}, warn() {}, error: (m, f) => console.error(m, f) };
    const runtime = await createRuntime(APP, benchConfig(emulator.endpoint), { db, log });
    const bare = new Bare(db);
    const runs: [string, () => Promise<unknown>][] = [
      ['scoutr', () => handleEvent(runtime, route.verb, restEvent(call, 'answer-path'))],
      ['bare', () => bare.handle(call)],
    ];
    for (const [, run] of runs) await run(); // records the replies, warms the auth cache
    replay = true;
    const times = new Map<string, number[]>(runs.map(([name]) => [name, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, run] of runs) {
        const t = performance.now();
        await run();
        times.get(name)!.push(performance.now() - t);
      }
    }
    console.log(`${workload.name} @${size}, DynamoDB replies replayed from memory, ${ROUNDS} rounds:`);
    for (const [name, ts] of times) {
      ts.sort((a, b) => a - b);
      console.log(`  ${name.padEnd(8)} median ${ts[ts.length >> 1]!.toFixed(1)} ms, best ${ts[0]!.toFixed(1)} ms`);
    }
  } finally {
    db.destroy();
    await emulator.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
