// npm run bench — Scoutr at scale, next to the naive baseline (the Scoutr 1.2.1 strategy, bench/baseline.ts), in
// one run against DynamoDB Local (in memory). For each size it seeds the table (~300-byte items, category 1%
// selective and indexed with price, status 50/50 and not indexed), then measures each workload in a fresh process
// per (implementation, size, workload), so peak RSS is that workload's alone; unpaged lists also against the bare
// baseline (the same Scan + JSON.stringify, `Bare` in bench/baseline.ts); a full walk of the list page by page
// (bench/walk.ts: items read per item answered); then an HTTP load test. Prints
// tables and the issue's targets next to the numbers; asserts nothing. Numbers from a busy machine are noise.
//
// Environment: SIZES (default 10000,100000), BENCH_SECONDS (time per workload, default 5; at least BENCH_MIN_ITER
// requests after the first, cold one, default 2; at most BENCH_MAX_ITER, default 200), HTTP_SECONDS (per autocannon target, default 10; 0 skips the load test),
// HTTP_WARMUP (default 2), HTTP_CONNECTIONS (default 10).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { LOCAL_CREDENTIALS, startEmulator } from '../src/local/emulator';
import { benchClient, createBenchTables, GROUP_DEPTH, ITEMS_PER_CATEGORY, seedItems, WORKLOADS } from './fixtures';
import { table } from './format';
import { httpLoad, type LoadResult } from './http-load';
import { runMain } from './main';
import { fullWalk, type Walk } from './walk';
import type { Impl, Measurement } from './worker';

// The SDK's notice that releases after January 2027 need Node 22 (docs/reference/package.md#requirements), once per process.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const SIZES = (process.env.SIZES ?? '10000,100000')
  .split(',')
  .map((s) => Number(s.trim()))
  .filter((n) => Number.isInteger(n) && n > 0)
  .sort((a, b) => a - b);
const HTTP_SECONDS = Number(process.env.HTTP_SECONDS ?? 10);
const HTTP_WARMUP = Number(process.env.HTTP_WARMUP ?? 2);
const HTTP_CONNECTIONS = Number(process.env.HTTP_CONNECTIONS ?? 10);
const IMPLS: Impl[] = ['scoutr', 'baseline'];
/** A full walk of the list, page by page, reads at most this many items per item answered (issue 22, item 2). */
const WALK_TARGET = 1.02;
/** An unpaged Scan list answers within this factor of the bare Scan + JSON.stringify (issue 10, item 6). */
const BARE_TARGET = 1.3;

function measure(endpoint: string, impl: Impl, workload: number, size: number): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join(__dirname, 'worker.ts'), impl, String(workload), String(size)],
      {
        env: { ...process.env, BENCH_ENDPOINT: endpoint, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
        maxBuffer: 1024 * 1024,
      },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`${impl} ${WORKLOADS[workload]!.name} @${size}: ${stderr || err.message}`));
        resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as Measurement);
      },
    );
  });
}

// ---- formatting ----

const num = (n: number, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : '—';
const ms = (n: number) => (n < 10 ? num(n, 2) : n < 100 ? num(n, 1) : num(n));
const kb = (bytes: number) => (bytes >= 2 ** 20 ? `${num(bytes / 2 ** 20, 1)} MB` : `${num(bytes / 1024, 1)} KB`);
const exact = (r: number) => num(r, 2);
const ratio = (a: number, b: number) => (b > 0 && a > 0 ? `${num(a / b, a / b < 10 ? 1 : 0)}×` : '—');

function sizeTable(size: number, results: Measurement[]): string {
  const headers = [
    'workload',
    'impl',
    'n',
    'items read',
    'data calls',
    'auth calls cold/warm',
    'capacity',
    'answered',
    'bytes',
    'p50 ms',
    'p99 ms',
    'cpu ms',
    'peak RSS MB',
  ];
  const rows: string[][] = [];
  WORKLOADS.forEach((w, i) => {
    const by = (impl: Impl) => results.find((r) => r.workload === i && r.impl === impl)!;
    const s = by('scoutr');
    const b = by('baseline');
    const bare = w.bare ? by('bare') : undefined;
    for (const r of bare ? [s, b, bare] : [s, b]) {
      rows.push([
        r === s ? w.name : r === b ? `  (${w.baseline})` : '  (the same Scan + JSON.stringify)',
        r.impl,
        String(r.n),
        num(r.dataItems),
        num(r.dataCalls, r.dataCalls % 1 ? 1 : 0),
        `${r.coldAuthCalls}/${num(r.authCalls, r.authCalls % 1 ? 1 : 0)}`,
        r.capacity > 0 ? num(r.capacity, 1) : '—',
        num(r.answered),
        kb(r.bytes),
        ms(r.p50),
        ms(r.p99),
        ms(r.cpuMs),
        num(r.peakRssMb),
      ]);
    }
    rows.push([
      '',
      'base/scoutr',
      '',
      ratio(b.dataItems, s.dataItems),
      ratio(b.dataCalls, s.dataCalls),
      '',
      ratio(b.capacity, s.capacity),
      '',
      '',
      ratio(b.p50, s.p50),
      ratio(b.p99, s.p99),
      ratio(b.cpuMs, s.cpuMs),
      ratio(b.peakRssMb, s.peakRssMb),
    ]);
    if (bare) {
      const cut = bare.answered !== s.answered ? ' (answers differ)' : ` (target ≤ ${BARE_TARGET}×)`;
      const cells = ['', 'scoutr/bare', '', '', '', '', '', '', '', `${exact(s.p50 / bare.p50)}×${cut}`, ''];
      rows.push([...cells, `${exact(s.cpuMs / bare.cpuMs)}×`, '']);
    }
  });
  const statuses = results.filter((r) => r.statuses.some((st) => st !== 200));
  const warn = statuses.map((r) => `  ! ${r.impl} ${WORKLOADS[r.workload]!.name}: statuses ${r.statuses.join(',')}`);
  const logCheck = results
    .filter((r) => r.impl === 'scoutr' && r.logItemsRead !== undefined)
    .map((r) => `${WORKLOADS[r.workload]!.name.split(' (')[0]}: ${num(r.logItemsRead!)}`)
    .join('; ');
  return [
    `\n== ${num(size)} items ==\n`,
    table(headers, rows),
    '',
    'items read: items DynamoDB examined on the data table per request (ScannedCount; items returned by',
    'GetItem/BatchGetItem); capacity: ConsumedCapacity reported by DynamoDB Local (— when it reports none);',
    "cpu ms: the worker process's own CPU time per request (DynamoDB Local's is not in it).",
    `Scoutr's log line items_read (data items; auth reads are auth_calls) per request: ${logCheck}`,
    ...warn,
  ].join('\n');
}

function walkTable(walks: readonly (Walk & { size: number })[]): string {
  const rows = walks.map((w) => [
    num(w.size),
    num(w.pages),
    num(w.answered),
    num(w.read),
    `${num(w.read / w.answered, 4)}×`,
    num(w.dataCalls),
    ms(w.ms),
  ]);
  return [
    '\n== Full walk: GET /items page by page, following X-Next-Cursor, each answer cut below 6 MB ==\n',
    table(['items', 'pages', 'answered', 'items read', 'read/answered', 'data calls', 'ms'], rows, 1),
    'items read: ScannedCount on the data table over the whole walk; an item read past a cut is read again by the',
    'next page, so read/answered above 1 is what the walk read twice.',
  ].join('\n');
}

function httpTable(results: LoadResult[]): string {
  const names = [...new Set(results.map((r) => r.target))];
  const rows: string[][] = [];
  for (const name of names) {
    const bare = results.find((r) => r.target === name && r.server === 'bare')!;
    const scoutr = results.find((r) => r.target === name && r.server === 'scoutr')!;
    for (const r of [bare, scoutr]) {
      rows.push([
        r === bare ? name : '',
        r.server,
        num(r.rps),
        ms(r.p50),
        ms(r.p99),
        num(r.requests),
        String(r.non2xx),
        String(r.errors),
      ]);
    }
    rows.push([
      '',
      'scoutr/bare',
      `${num((100 * scoutr.rps) / bare.rps)}%`,
      '',
      ratio(scoutr.p99, bare.p99),
      '',
      '',
      '',
    ]);
  }
  return table(['target', 'server', 'req/s', 'p50 ms', 'p99 ms', 'requests', 'non-2xx', 'errors'], rows);
}

function targets(all: Measurement[], http: LoadResult[], walks: readonly (Walk & { size: number })[]): string {
  const largest = Math.max(...all.map((r) => r.size));
  const smallest = Math.min(...all.map((r) => r.size));
  const at = (impl: Impl, workload: number, size: number) =>
    all.find((r) => r.impl === impl && r.workload === workload && r.size === size)!;
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const lines: string[] = [];
  for (const w of [0, 1]) {
    const s = at('scoutr', w, largest);
    const b = at('baseline', w, largest);
    const x = b.dataItems / Math.max(s.dataItems, 1);
    lines.push(
      `${WORKLOADS[w]!.name} @${num(largest)}: baseline reads ${num(b.dataItems)} items, Scoutr ${num(s.dataItems)}` +
        ` → ${num(x)}× fewer (target ≥ 1000× at 100k): ${largest < 100_000 ? 'n/a below 100k' : verdict(x >= 1000)}`,
    );
  }
  lines.push(
    `  (a category holds ${ITEMS_PER_CATEGORY} items at every size: Scoutr reads what it answers, the baseline the table)`,
  );
  const sizes = [...new Set(all.map((r) => r.size))].sort((a, b) => a - b);
  const limited = sizes.map((size) => at('scoutr', 2, size));
  lines.push(
    `${WORKLOADS[2]!.name}: DynamoDB calls per request ${limited.map((r) => `${num(r.dataCalls, 1)} @${num(r.size)}`).join(', ')}` +
      ` (bounded: ${verdict(limited.every((r) => r.dataCalls <= limited[0]!.dataCalls + 1))})`,
  );
  const rssLow = at('scoutr', 2, smallest).peakRssMb;
  const rssHigh = at('scoutr', 2, largest).peakRssMb;
  const drift = (100 * (rssHigh - rssLow)) / rssLow;
  lines.push(
    `  peak RSS ${num(rssLow)} MB @${num(smallest)} → ${num(rssHigh)} MB @${num(largest)} (${drift >= 0 ? '+' : ''}${num(drift)}%;` +
      ` target flat ±20%): ${smallest === largest ? 'n/a with one size' : verdict(Math.abs(drift) <= 20)}`,
  );
  WORKLOADS.forEach((w, i) => {
    if (!w.bare) return;
    for (const size of sizes) {
      const s = at('scoutr', i, size);
      const bare = at('bare', i, size);
      const head = `${w.name} @${num(size)}: p50 Scoutr ${ms(s.p50)} ms, the same Scan + JSON.stringify ${ms(bare.p50)} ms`;
      const cpu = `(Node CPU per request ${ms(s.cpuMs)} / ${ms(bare.cpuMs)} ms: ${exact(s.cpuMs / bare.cpuMs)}×)`;
      lines.push(
        s.answered === bare.answered
          ? `${head} → ${exact(s.p50 / bare.p50)}× (target ≤ ${BARE_TARGET}×): ${verdict(s.p50 <= BARE_TARGET * bare.p50)} ${cpu}`
          : `${head}: n/a, Scoutr answers ${num(s.answered)} of ${num(bare.answered)} items (cut below 6 MB)`,
      );
    }
  });
  const scoutr = all.filter((r) => r.impl === 'scoutr');
  const cold = Math.max(...scoutr.map((r) => r.coldAuthCalls));
  // Warm means within AUTH_CACHE_SECONDS (10 s) of the previous load: workloads whose requests take seconds let the
  // cache expire between them, as it should (it is the revocation delay), so they do not measure a warm cache.
  const quick = scoutr.filter((r) => r.p50 < 1000);
  const warm = Math.max(...quick.map((r) => r.authCalls));
  lines.push(
    `auth: cold ≤ ${cold} DynamoDB calls (target ≤ 1 + depth = ${1 + GROUP_DEPTH}), warm ${num(warm, 1)} (target 0; ` +
      `requests under 1 s, so within the 10 s cache): ${verdict(cold <= 1 + GROUP_DEPTH && warm === 0)}`,
  );
  for (const w of walks) {
    const r = w.read / w.answered;
    lines.push(
      `full walk @${num(w.size)}: ${num(w.read)} items read for ${num(w.answered)} answered → ${num(r, 4)}×` +
        ` (target ≤ ${WALK_TARGET}×): ${verdict(r <= WALK_TARGET)}`,
    );
  }
  const get = http.filter((r) => r.target === 'get by id');
  if (get.length === 2) {
    const share = (100 * get.find((r) => r.server === 'scoutr')!.rps) / get.find((r) => r.server === 'bare')!.rps;
    lines.push(
      `HTTP get by id: Scoutr at ${num(share)}% of the bare server's req/s (target ≥ 70%): ${verdict(share >= 70)}`,
    );
  }
  return ['\n== Targets (printed, never asserted) ==\n', ...lines].join('\n');
}

async function main() {
  const started = Date.now();
  console.log(`Scoutr scale benchmark — Node ${process.version}, sizes ${SIZES.join(', ')}; DynamoDB Local in memory`);
  const emulator = await startEmulator({ accessKeyId: LOCAL_CREDENTIALS.accessKeyId }); // benchClient's fixed key
  const db = benchClient(emulator.endpoint);
  try {
    await createBenchTables(db);
    const all: Measurement[] = [];
    const walks: (Walk & { size: number })[] = [];
    let seeded = 0;
    for (const size of SIZES) {
      const t = Date.now();
      await seedItems(db, seeded, size);
      console.log(`\nseeded ${num(size - seeded)} items (now ${num(size)}) in ${num((Date.now() - t) / 1000, 1)} s`);
      seeded = size;
      const results: Measurement[] = [];
      for (let w = 0; w < WORKLOADS.length; w++) {
        for (const impl of WORKLOADS[w]!.bare ? [...IMPLS, 'bare' as const] : IMPLS) {
          process.stdout.write(`  ${impl.padEnd(8)} ${WORKLOADS[w]!.name} …`);
          const r = await measure(emulator.endpoint, impl, w, size);
          process.stdout.write(` ${r.n} requests, p50 ${ms(r.p50)} ms\n`);
          results.push(r);
        }
      }
      all.push(...results);
      console.log(sizeTable(size, results));
      process.stdout.write('  scoutr   full walk of the list …');
      const walk = await fullWalk(emulator.endpoint);
      process.stdout.write(` ${walk.pages} pages, ${num(walk.read / walk.answered, 4)}×\n`);
      walks.push({ ...walk, size });
    }
    let http: LoadResult[] = [];
    if (HTTP_SECONDS > 0) {
      console.log(
        `\n== HTTP load: autocannon, ${HTTP_CONNECTIONS} connections, ${HTTP_SECONDS} s per target` +
          ` after ${HTTP_WARMUP} s warm-up, loopback, ${num(seeded)} items ==\n`,
      );
      http = await httpLoad(emulator.endpoint, seeded, {
        seconds: HTTP_SECONDS,
        warmup: HTTP_WARMUP,
        connections: HTTP_CONNECTIONS,
      });
      console.log(httpTable(http));
      console.log(
        'bare: node:http making the same DynamoDB calls without Scoutr (GetItem or Query, then the audit PutItem)',
      );
    }
    console.log(walkTable(walks));
    console.log(targets(all, http, walks));
    console.log(`\ntotal ${num((Date.now() - started) / 1000)} s`);
  } finally {
    db.destroy();
    await emulator.stop();
  }
}

runMain(main);
