// One (implementation, size, workload) measurement in a fresh process, so peak RSS belongs to it alone. Started by
// bench/scale.ts: `node --import tsx bench/worker.ts <scoutr|baseline> <workload index> <size>`; prints one JSON
// line (a Measurement) on stdout.
import { performance } from 'node:perf_hooks';
import type { Logger } from '../src/core/log';
import { routesFor } from '../src/core/routes';
import { handleEvent } from '../src/http/lambda';
import { createRuntime } from '../src/http/runtime';
import { Bare, Baseline } from './baseline';
import { APP, benchClient, benchConfig, type Call, meter, type Reads, restEvent, WORKLOADS } from './fixtures';

/** baseline: the Scoutr 1.2.1 strategy; bare: the same Scan + JSON.stringify, for unpaged lists (bench/baseline.ts) */
export type Impl = 'scoutr' | 'baseline' | 'bare';

export interface Measurement {
  impl: Impl;
  workload: number;
  size: number;
  /** measured (warm) requests */
  n: number;
  p50: number;
  p99: number;
  /** this process's CPU time (user + system) per warm request: Node's own work, apart from DynamoDB Local's */
  cpuMs: number;
  /** the first request: cold auth cache, cold connections */
  coldMs: number;
  coldAuthCalls: number;
  /** per warm request, averaged */
  authCalls: number;
  dataCalls: number;
  dataItems: number;
  capacity: number;
  /** Scoutr's own log line: items_read (data items; auth reads are counted apart as auth_calls) */
  logItemsRead?: number;
  answered: number;
  bytes: number;
  statuses: number[];
  readyRssMb: number;
  peakRssMb: number;
}

interface Outcome {
  status: number;
  bytes: number;
  count: number;
  logItemsRead?: number;
}

const [impl, workloadArg, sizeArg] = process.argv.slice(2) as [Impl, string, string];
const endpoint = process.env.BENCH_ENDPOINT ?? '';
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const minIter = Number(process.env.BENCH_MIN_ITER ?? 2);
const maxIter = Number(process.env.BENCH_MAX_ITER ?? 200);
const workload = WORKLOADS[Number(workloadArg)]!;
const size = Number(sizeArg);

async function scoutr(db: ReturnType<typeof benchClient>): Promise<(call: Call, i: number) => Promise<Outcome>> {
  let line: Record<string, unknown> = {};
  const keep = (msg: string, fields?: Record<string, unknown>) => {
    if (msg === 'request' || msg === 'request denied') line = fields ?? {};
  };
  // The request line is kept (not printed) so items_read can be read back; it is still built, as in Lambda.
  const log: Logger = { debug() {}, info: keep, warn: keep, error: (m, f) => console.error(m, f) };
  const runtime = await createRuntime(APP, benchConfig(endpoint), { db, log });
  const routes = routesFor(APP);
  return async (call, i) => {
    const route = routes.find((r) => r.method === call.method && r.path === call.resource);
    if (!route) throw new Error(`no route for ${call.method} ${call.resource}`);
    const result = await handleEvent(runtime, route.verb, restEvent(call, `bench-${i}`));
    return {
      status: result.statusCode,
      bytes: Buffer.byteLength(result.body),
      count: Number(line.count ?? 0),
      logItemsRead: Number(line.items_read ?? 0),
    };
  };
}

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

async function main(): Promise<Measurement> {
  const db = benchClient(endpoint);
  const m = meter(db);
  const other = impl === 'bare' ? new Bare(db) : new Baseline(db);
  const run = impl === 'scoutr' ? await scoutr(db) : (call: Call): Promise<Outcome> => other.handle(call);
  m.take();
  const readyRssMb = process.memoryUsage().rss / 2 ** 20;

  let t = performance.now();
  const cold = await run(workload.call(0, size), 0);
  const coldMs = performance.now() - t;
  const coldReads = m.take();
  const statuses = new Set([cold.status]);

  const times: number[] = [];
  const totals: Reads = { dataCalls: 0, dataItems: 0, authCalls: 0, capacity: 0 };
  let answered = 0;
  let bytes = 0;
  let logItemsRead = 0;
  const started = performance.now();
  const cpu = process.cpuUsage();
  for (let i = 1; i <= maxIter; i++) {
    if (i > minIter && performance.now() - started > seconds * 1000) break;
    t = performance.now();
    const out = await run(workload.call(i, size), i);
    times.push(performance.now() - t);
    const r = m.take();
    totals.dataCalls += r.dataCalls;
    totals.dataItems += r.dataItems;
    totals.authCalls += r.authCalls;
    totals.capacity += r.capacity;
    answered += out.count;
    bytes += out.bytes;
    logItemsRead += out.logItemsRead ?? 0;
    statuses.add(out.status);
  }
  const used = process.cpuUsage(cpu);
  const n = times.length;
  times.sort((a, b) => a - b);
  db.destroy();
  return {
    impl,
    workload: Number(workloadArg),
    size,
    n,
    p50: percentile(times, 0.5),
    p99: percentile(times, 0.99),
    cpuMs: (used.user + used.system) / 1000 / n,
    coldMs,
    coldAuthCalls: coldReads.authCalls,
    authCalls: totals.authCalls / n,
    dataCalls: totals.dataCalls / n,
    dataItems: totals.dataItems / n,
    capacity: totals.capacity / n,
    ...(impl === 'scoutr' ? { logItemsRead: logItemsRead / n } : {}),
    answered: answered / n,
    bytes: bytes / n,
    statuses: [...statuses].sort(),
    readyRssMb,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

main().then(
  (result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  },
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
