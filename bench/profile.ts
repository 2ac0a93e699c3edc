// CPU profile of one bench workload: `npm run bench:profile -- <scoutr|baseline|bare> <workload index> [size]`
// (or `npm run bench:profile -- --summarize <file.cpuprofile>`).
// Starts DynamoDB Local (in memory), seeds `size` items (default 10000), runs bench/worker.ts under
// `node --cpu-prof` (BENCH_SECONDS etc. as for the bench), then prints the functions by self time, and the same
// grouped by file. The .cpuprofile stays in PROF_DIR (default /tmp/prof) for Chrome DevTools or speedscope.
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { WORKLOADS, withSeededTables } from './fixtures';
import { runMain } from './main';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
}

const [impl = 'scoutr', workloadArg = '5', sizeArg = '10000'] = process.argv.slice(2);
const size = Number(sizeArg);
const dir = process.env.PROF_DIR ?? '/tmp/prof';
const root = join(__dirname, '..');

function run(endpoint: string): Promise<string> {
  const args = ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--import', 'tsx', join(__dirname, 'worker.ts')];
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [...args, impl, workloadArg, sizeArg],
      { env: { ...process.env, BENCH_ENDPOINT: endpoint, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } },
      (err, stdout, stderr) => (err ? reject(new Error(stderr || err.message)) : resolve(stdout.trim())),
    );
  });
}

/** Self time per function (and per file), as shares of the busy (not idle) samples. */
export function summarize(profile: Profile, top = 30): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  const files = new Map<string, number>();
  let idle = 0;
  for (const id of profile.samples) {
    const { callFrame: f } = byId.get(id)!;
    if (f.functionName === '(idle)') {
      idle++;
      continue;
    }
    const file = f.url ? relative(root, f.url.replace(/^file:\/\//, '')) : `(${f.functionName || 'native'})`;
    const fn = `${f.functionName || '(anonymous)'} ${file}${f.url ? `:${f.lineNumber + 1}` : ''}`;
    self.set(fn, (self.get(fn) ?? 0) + 1);
    const group = file.replace(/^node_modules\/((@[^/]+\/)?[^/]+).*/, '$1');
    files.set(group, (files.get(group) ?? 0) + 1);
  }
  const total = profile.samples.length - idle;
  const rows = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, n]) => `${((100 * n) / total).toFixed(1).padStart(5)}%  ${name}`);
  return [
    `${total} busy samples (${idle} idle: waiting for DynamoDB Local)`,
    '',
    'self time by function:',
    ...rows(self),
    '',
    'by file:',
    ...rows(files),
  ].join('\n');
}

async function main() {
  if (impl === '--summarize') {
    console.log(summarize(JSON.parse(readFileSync(workloadArg, 'utf8')) as Profile));
    return;
  }
  mkdirSync(dir, { recursive: true });
  await withSeededTables(size, async (endpoint) => {
    const started = Date.now();
    console.log(`${impl} ${WORKLOADS[Number(workloadArg)]!.name} @${size}: ${await run(endpoint)}`);
    const newest = readdirSync(dir)
      .filter((f) => f.endsWith('.cpuprofile'))
      .map((f) => join(dir, f))
      .filter((f) => statSync(f).mtimeMs >= started)
      .sort((a, b) => statSync(b).size - statSync(a).size)[0]; // the main thread's, not tsx's loader thread
    if (!newest) throw new Error(`no profile written to ${dir}`);
    console.log(`\n${newest}\n${summarize(JSON.parse(readFileSync(newest, 'utf8')) as Profile)}`);
  });
}

runMain(main);
