// Scoutr's answer path against floors that make the same DynamoDB calls and nothing else, in one process:
// `npm run bench:answer -- [workload index, default 5] [size, default 10000]` (also the last part of `npm run bench`).
// - A big answer (the list workload): seeds DynamoDB Local, then replays its Scan replies from memory (a middleware
//   answers the data table's Scans and the audit PutItem without sending them), so each request is the answer path
//   alone: no SDK parsing, no waiting. Then the same with real round trips to DynamoDB Local (the same reads, parsed
//   by the SDK; the audit PutItem still answered without being sent). Runs Scoutr's Lambda code path and two floors in
//   turn: the bare floor (bench/baseline.ts: the same reads, JSON.stringify) and the same with the audit PutItem
//   Scoutr must send (the calls Scoutr makes, as the get's floor below). Prints, per mode, Scoutr ÷ each floor for
//   wall time and for this process's CPU, and the garbage collector's ms per request. `ANSWER_GET=0` skips the get by
//   id below; ANSWER_ROUNDS and ANSWER_SENT_ROUNDS set the rounds of each list mode (more rounds under
//   `node --cpu-prof` give a steadier profile), ANSWER_WARMUP the replayed rounds run first and not measured.
// - Get by id: real round trips to DynamoDB Local (a get is mostly its two calls), Scoutr's Lambda code path against
//   the floor that sends the same GetItem and audit PutItem concurrently; with the auth cache warm, with the caller's
//   entries past AUTH_CACHE_SECONDS, and past twice that (a fake clock, see getById below).
import { randomBytes } from 'node:crypto';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { buildAuditRecord } from '../src/core/audit';
import { itemToJson } from '../src/core/json';
import type { Item } from '../src/core/values';
import { putAuditRecord } from '../src/dynamo/audit';
import { handleEvent } from '../src/http/lambda';
import { createRuntime } from '../src/http/runtime';
import { Bare } from './baseline';
import {
  API_KEY,
  APP,
  benchClient,
  benchConfig,
  type Call,
  quietLog,
  restEvent,
  routeOf,
  TABLES,
  WORKLOADS,
  withSeededTables,
} from './fixtures';
import { table } from './format';
import { runMain } from './main';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const [workloadArg = '5', sizeArg = '10000'] = process.argv.slice(2);
const ROUNDS = Number(process.env.ANSWER_ROUNDS ?? 30);
/** Rounds of the list against DynamoDB Local itself (each a full read of the table, so fewer). */
const SENT_ROUNDS = Number(process.env.ANSWER_SENT_ROUNDS ?? 12);
/**
 * Replayed rounds run before any is measured, as the get's GET_WARMUP: V8 optimizes a function after many calls, and
 * the steps Scoutr takes once per request (auth, the plan, the audit record) are called once a round, while the
 * floor's per-item code is hot after one. A Lambda container serves request after request, so the steady state is
 * the one measured.
 */
const WARMUP_ROUNDS = Number(process.env.ANSWER_WARMUP ?? 60);
/** An unpaged list answers within this factor of the bare floor's time (issue 22, item 8); its CPU is printed beside. */
const LIST_TARGET = 1.1;

async function main() {
  const workload = WORKLOADS[Number(workloadArg)]!;
  const size = Number(sizeArg);
  await withSeededTables(size, async (endpoint, db) => {
    const replies = new Map<string, unknown>();
    let replay = false;
    let skipAudit = false;
    db.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as { TableName?: string; FilterExpression?: string; ExclusiveStartKey?: unknown };
        if ((replay || skipAudit) && input.TableName === TABLES.audit) return { output: {}, response: {} } as never;
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
    const route = routeOf(call.method, call.resource);
    const runtime = await createRuntime(APP, benchConfig(endpoint), { db, log: quietLog });
    const bare = new Bare(db);
    const audited = async () => {
      const answer = await bare.handle(call);
      await putFloorAudit(db, call, 'LIST');
      return answer;
    };
    const runs: [string, () => Promise<unknown>][] = [
      // The body's bytes, as the floor counts its own: what Lambda's runtime and the local server do with the answer
      // (serialize or write it) reads every character, so a body left as a rope of parts pays its flattening here.
      ['scoutr', async () => Buffer.byteLength((await handleEvent(runtime, route.verb, restEvent(call, 'ap'))).body)],
      ['bare', () => bare.handle(call)],
      ['bare, then the audit PutItem', audited],
    ];
    for (const [, run] of runs) await run(); // records the replies, warms the auth cache
    replay = true;
    await listVsFloor(runs, WARMUP_ROUNDS);
    const replayed = await listVsFloor(runs, ROUNDS);
    replay = false;
    skipAudit = true;
    const sent = await listVsFloor(runs, SENT_ROUNDS);
    skipAudit = false;
    console.log(
      `${workload.name} @${size} against the bare floor (the same Scan, JSON.stringify), in one process, Node ${process.versions.node}:`,
    );
    console.log(
      table(
        [
          'DynamoDB replies',
          'rounds',
          'median ms',
          '÷ floor',
          '÷ floor + audit',
          'cpu ms',
          'cpu ÷ floor',
          'cpu ÷ floor + audit',
          'gc ms',
        ],
        [
          listRow('replayed from memory', ROUNDS, replayed),
          ...(SENT_ROUNDS > 0 ? [listRow('DynamoDB Local round trips', SENT_ROUNDS, sent)] : []),
        ],
        2,
      ),
    );
    console.log(
      'ms and cpu: Scoutr / floor / floor + audit per request (median ms, mean CPU of this process); gc ms: Scoutr / ' +
        `floor. Target ≤ ${LIST_TARGET}× (issue 22, item 8). floor + audit: the bare floor, then the audit PutItem ` +
        'Scoutr sends for every read it answers; the PutItem is answered without being sent in both rows.',
    );
    if (process.env.ANSWER_GET !== '0') await getById(endpoint, size);
  });
}

// ---- list against the bare floor ----

// A minor collection after each request, timed apart: the next request starts from an empty young generation, and
// each variant pays for collecting its own garbage. Without it, which variant a collection lands in follows the order
// they run in (one run put 2.4 ms of collections per request on Scoutr and none on the floor, the next the other way
// round, and the medians with them).
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as (opts?: { type: 'minor' | 'major' }) => void;
const minorCollection = () => {
  const t = performance.now();
  gc({ type: 'minor' });
  return performance.now() - t;
};

interface ListSamples {
  ms: number[];
  cpuMs: number[];
  gcMs: number[];
}

/**
 * Runs each variant once per round, in turn, and returns per variant its wall time, this process's CPU and the
 * garbage collector's time: the pauses that started within the request (PerformanceObserver reports them later, with
 * their start time, so each is matched to the request it interrupted) and the minor collection after it.
 */
async function listVsFloor(runs: [string, () => Promise<unknown>][], rounds: number): Promise<ListSamples[]> {
  const gcs: { start: number; ms: number }[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcs.push({ start: e.startTime, ms: e.duration });
  });
  observer.observe({ entryTypes: ['gc'] });
  const spans = runs.map((): [number, number][] => []);
  const out = runs.map((): ListSamples => ({ ms: [], cpuMs: [], gcMs: [] }));
  const after = runs.map((): number[] => []);
  minorCollection();
  for (let round = 0; round < rounds; round++) {
    for (const [i, [, run]] of runs.entries()) {
      const cpu = process.cpuUsage();
      const t = performance.now();
      await run();
      const end = performance.now();
      const used = process.cpuUsage(cpu);
      out[i]!.ms.push(end - t);
      out[i]!.cpuMs.push((used.user + used.system) / 1000);
      spans[i]!.push([t, end]);
      after[i]!.push(minorCollection());
    }
  }
  await new Promise((r) => setTimeout(r, 50)); // let the observer deliver the last entries
  observer.disconnect();
  for (const [i, ss] of spans.entries()) {
    for (const [r, [t, end]] of ss.entries()) {
      const within = gcs.filter((g) => g.start >= t && g.start < end).reduce((sum, g) => sum + g.ms, 0);
      out[i]!.gcMs.push(within + after[i]![r]!);
    }
  }
  return out;
}

function listRow(label: string, rounds: number, [scoutr, floor, audited]: ListSamples[]): string[] {
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  const mean = (xs: number[]) => xs.reduce((sum, x) => sum + x, 0) / xs.length;
  const [s, f, a] = [scoutr!, floor!, audited!];
  return [
    label,
    String(rounds),
    `${median(s.ms).toFixed(1)} / ${median(f.ms).toFixed(1)} / ${median(a.ms).toFixed(1)}`,
    `${(median(s.ms) / median(f.ms)).toFixed(2)}×`,
    `${(median(s.ms) / median(a.ms)).toFixed(2)}×`,
    `${mean(s.cpuMs).toFixed(1)} / ${mean(f.cpuMs).toFixed(1)} / ${mean(a.cpuMs).toFixed(1)}`,
    `${(mean(s.cpuMs) / mean(f.cpuMs)).toFixed(2)}×`,
    `${(mean(s.cpuMs) / mean(a.cpuMs)).toFixed(2)}×`,
    `${mean(s.gcMs).toFixed(1)} / ${mean(f.gcMs).toFixed(1)}`,
  ];
}

/**
 * The audit PutItem Scoutr sends for a read it answers: the record src/core/audit.ts builds for this call, with the
 * attribute_not_exists(id) condition. `resource`: the item a get is about.
 */
function putFloorAudit(db: DynamoDBClient, call: Call, action: string, resource?: string): Promise<void> {
  return putAuditRecord(
    db,
    TABLES.audit,
    buildAuditRecord({
      now: Date.now(),
      nonce: randomBytes(8).toString('hex'),
      shard: Math.floor(Math.random() * 4),
      action,
      method: call.method,
      path: call.path,
      pathParams: call.pathParams ?? {},
      query: Object.entries(call.query ?? {}),
      ...(resource === undefined ? {} : { resource: { id: { S: resource } }, resourceKey: resource }),
      caller: { kind: 'api_key', id: API_KEY, apiKeyId: API_KEY, name: 'bench', sourceIp: '127.0.0.1', groups: [] },
      ttlDays: 30,
    }),
  );
}

// ---- get by id ----

const GET_ROUNDS = 200;
const GET_WARMUP = 20;
/**
 * A get answers within this factor of the floor that makes its two calls as the contract allows: the audit PutItem
 * after the GetItem, since only a read that succeeded is audited (docs/reference/audit.md#the-audit-record); a
 * concurrent PutItem would record the 404s too. The concurrent floor is printed as well.
 */
const GET_TARGET = 1.2;

/**
 * The floor of a get by id: the same GetItem Scoutr sends (strongly consistent, capacity returned) and the same audit
 * PutItem (the record built by src/core/audit.ts, with the attribute_not_exists(id) condition), sent concurrently,
 * then the item as JSON. Nothing else: no auth, no permission check, no log line. `sequential` sends the PutItem
 * after the GetItem instead, as a Scoutr that waits for the item before it audits must.
 */
class GetFloor {
  constructor(private readonly db: DynamoDBClient) {}

  private get(call: Call) {
    return this.db.send(
      new GetItemCommand({
        TableName: TABLES.data,
        Key: { id: { S: call.pathParams!.id! } },
        ConsistentRead: true,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
  }

  private audit(call: Call) {
    return putFloorAudit(this.db, call, 'GET', call.pathParams!.id!);
  }

  private answer(item: unknown): string {
    if (!item) throw new Error('the floor found no item');
    return JSON.stringify(itemToJson(item as Item));
  }

  async concurrent(call: Call): Promise<string> {
    const [out] = await Promise.all([this.get(call), this.audit(call)]);
    return this.answer(out.Item);
  }

  async sequential(call: Call): Promise<string> {
    const out = await this.get(call);
    await this.audit(call);
    return this.answer(out.Item);
  }

  async alone(call: Call): Promise<string> {
    return this.answer((await this.get(call)).Item);
  }
}

/**
 * Get by id over real round trips: each round runs every variant once, in turn, on a different item. The Scoutr
 * variants are three runtimes on one client, each with its own clock: `warm` reads the real clock (its auth entries
 * stay within AUTH_CACHE_SECONDS), `stale` moves AUTH_CACHE_SECONDS + 1 s forward before each request (every request
 * finds the caller's entries older than the cache time), `past the bound` 2 × AUTH_CACHE_SECONDS + 1 s. A refresh left
 * running in the background is waited for after the timed request, so it never lands in another variant's time.
 */
interface Sample {
  ms: number;
  /** this process's CPU (user + system) over the same span: Node's own work, apart from DynamoDB Local's */
  cpuMs: number;
}

async function sample(run: () => Promise<unknown>): Promise<Sample> {
  const cpu = process.cpuUsage();
  const t = performance.now();
  await run();
  const ms = performance.now() - t;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000 };
}

async function getById(endpoint: string, size: number) {
  const db = benchClient(endpoint);
  try {
    const config = benchConfig(endpoint);
    const route = routeOf('GET', '/item/{id}');
    type Variant = [label: string, run: (call: Call) => Promise<Sample>];
    const scoutr = async (label: string, step: number): Promise<Variant> => {
      let offset = 0;
      const runtime = await createRuntime(APP, config, { db, log: quietLog, now: () => Date.now() + offset });
      return [
        label,
        async (call) => {
          offset += step;
          let status = 0;
          const s = await sample(async () => {
            status = (await handleEvent(runtime, route.verb, restEvent(call, 'get-by-id'))).statusCode;
          });
          if (status !== 200) throw new Error(`${label}: status ${status}`);
          await runtime.deps.auth.settled();
          return s;
        },
      ];
    };
    const floor = new GetFloor(db);
    const cache = config.AUTH_CACHE_SECONDS * 1000;
    const variants: Variant[] = [
      ['floor: GetItem ‖ audit PutItem', (call) => sample(() => floor.concurrent(call))],
      ['GetItem alone', (call) => sample(() => floor.alone(call))],
      ['GetItem, then audit PutItem', (call) => sample(() => floor.sequential(call))],
      await scoutr('scoutr, auth cached', 0),
      await scoutr(`scoutr, auth entries > ${config.AUTH_CACHE_SECONDS} s old`, cache + 1000),
      await scoutr(`scoutr, auth entries > ${2 * config.AUTH_CACHE_SECONDS} s old`, 2 * cache + 1000),
    ];
    const samples = variants.map((): Sample[] => []);
    for (let round = 0; round < GET_WARMUP + GET_ROUNDS; round++) {
      const call = WORKLOADS[0]!.call(round, size);
      for (const [i, [, run]] of variants.entries()) {
        const s = await run(call);
        if (round >= GET_WARMUP) samples[i]!.push(s);
      }
    }
    const sorted = (ss: Sample[], k: keyof Sample) => ss.map((x) => x[k]).sort((a, b) => a - b);
    const median = (ss: Sample[], k: keyof Sample) => sorted(ss, k)[ss.length >> 1]!;
    const p90 = (ss: Sample[], k: keyof Sample) => sorted(ss, k)[Math.floor(ss.length * 0.9)]!;
    const mean = (ss: Sample[], k: keyof Sample) => ss.reduce((sum, x) => sum + x[k], 0) / ss.length;
    const floorMs = median(samples[0]!, 'ms');
    const floorCpu = mean(samples[0]!, 'cpuMs');
    const sequentialMs = median(samples[2]!, 'ms');
    const sequentialCpu = mean(samples[2]!, 'cpuMs');
    const rows = variants.map(([label], i) => {
      const ss = samples[i]!;
      const target = i === 3 ? ` (target ≤ ${GET_TARGET}×)` : '';
      return [
        label,
        median(ss, 'ms').toFixed(2),
        p90(ss, 'ms').toFixed(2),
        `${(median(ss, 'ms') / floorMs).toFixed(2)}×`,
        `${(median(ss, 'ms') / sequentialMs).toFixed(2)}×${target}`,
        mean(ss, 'cpuMs').toFixed(2),
        `${(mean(ss, 'cpuMs') / floorCpu).toFixed(2)}×`,
        `${(mean(ss, 'cpuMs') / sequentialCpu).toFixed(2)}×`,
      ];
    });
    console.log(
      `\nget by id @${size}, DynamoDB Local round trips, ${GET_ROUNDS} rounds (AUTH_CACHE_SECONDS=${config.AUTH_CACHE_SECONDS}):`,
    );
    const header = [
      'variant',
      'median ms',
      'p90 ms',
      '÷ concurrent',
      '÷ sequential',
      'cpu ms',
      'cpu ÷ conc.',
      'cpu ÷ seq.',
    ];
    console.log(table(header, rows, 1));
    console.log(
      'cpu ms: mean CPU of this process per request (DynamoDB Local runs in its own). ÷ sequential: against ' +
        'GetItem, then audit PutItem, the order the contract requires (only a read that succeeded is audited).',
    );
  } finally {
    db.destroy();
  }
}

runMain(main);
