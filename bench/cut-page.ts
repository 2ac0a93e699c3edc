// The first page of "list everything" when the answer is cut below 6 MB: `npm run bench:cut -- [size, default 25000]`.
// Seeds `size` items in DynamoDB Local (25,000 of ~300 bytes: the first page answers about 19,400 and is cut), then
// times Scoutr's Lambda code path over real round trips, 10 rounds after 2 warm-ups: median wall time, this process's
// mean CPU, and the garbage collector's ms per request. The answer path of a cut page differs from a page that fits
// (src/engine/page/builder.ts: the table, stored bigger than 6 MB, makes the rule decide from the start); compare trees
// by running it in each.
import { PerformanceObserver } from 'node:perf_hooks';
import { handleEvent } from '../src/http/lambda';
import { createRuntime } from '../src/http/runtime';
import { APP, benchConfig, quietLog, restEvent, routeOf, WORKLOADS, withSeededTables } from './fixtures';
import { table } from './format';
import { runMain } from './main';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const WARMUP = 2;
const ROUNDS = 10;

async function main() {
  const size = Number(process.argv[2] ?? 25_000);
  await withSeededTables(size, async (endpoint, db) => {
    const call = WORKLOADS[5]!.call(0, size); // list everything
    const route = routeOf(call.method, call.resource);
    const runtime = await createRuntime(APP, benchConfig(endpoint), { db, log: quietLog });
    let gc = 0;
    const observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) gc += e.duration;
    });
    observer.observe({ entryTypes: ['gc'] });
    const ms: number[] = [];
    const cpu: number[] = [];
    const gcs: number[] = [];
    let answered = 0;
    let bytes = 0;
    for (let round = 0; round < WARMUP + ROUNDS; round++) {
      const gc0 = gc;
      const cpu0 = process.cpuUsage();
      const t = performance.now();
      const res = await handleEvent(runtime, route.verb, restEvent(call, 'cut-page'));
      bytes = Buffer.byteLength(res.body); // written out, as Lambda's runtime would
      const end = performance.now();
      const used = process.cpuUsage(cpu0);
      await new Promise((r) => setTimeout(r, 20)); // let the observer deliver this request's entries
      answered = (JSON.parse(res.body) as unknown[]).length;
      if (round < WARMUP) continue;
      ms.push(end - t);
      cpu.push((used.user + used.system) / 1000);
      gcs.push(gc - gc0);
    }
    observer.disconnect();
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
    const mean = (xs: number[]) => xs.reduce((sum, x) => sum + x, 0) / xs.length;
    console.log(`list everything @${size}, first page, DynamoDB Local round trips, ${ROUNDS} rounds:`);
    console.log(
      table(
        ['answered', 'MB', 'median ms', 'cpu ms', 'gc ms'],
        [
          [
            answered.toLocaleString('en-US'),
            (bytes / 1e6).toFixed(2),
            median(ms).toFixed(0),
            mean(cpu).toFixed(0),
            mean(gcs).toFixed(1),
          ],
        ],
        0,
      ),
    );
  });
}

runMain(main);
