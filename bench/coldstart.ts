// npm run bench:coldstart — each Lambda bundle's size and module-load time in a fresh Node process, next to a
// bundle that imports nothing but the SDK's DynamoDB client (the floor). Bundles are built exactly as
// serverless-esbuild builds them (serverless.yml custom.esbuild). Prints a table; never asserts.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';

const RUNS = Number(process.env.RUNS ?? 15);
const excluded = (require('../deploy/esbuild-exclude.js') as () => string[])();
const root = resolve(__dirname, '..');
const out = mkdtempSync(join(tmpdir(), 'scoutr-coldstart-'));

const floorSource = join(out, 'floor.ts');
writeFileSync(
  floorSource,
  "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nexport const client = new DynamoDBClient({});\nexport const handler = async () => client.config.region;\n",
);

function bundle(entry: string, name: string): string {
  const outfile = join(out, `${name}.js`);
  buildSync({
    entryPoints: [entry],
    outfile,
    bundle: true,
    minify: true,
    sourcemap: 'linked',
    target: 'node22',
    platform: 'node',
    format: 'cjs',
    mainFields: ['module', 'main'],
    absWorkingDir: root,
    nodePaths: [join(root, 'node_modules')],
    // As serverless.yml: @sentry/node stays out unless SENTRY_DSN is set while packaging.
    external: excluded,
    logLevel: 'error',
  });
  return outfile;
}

// The environment a deployed function starts with; DynamoDB points at a closed port (nothing is awaited here).
const env = {
  ...process.env,
  DATA_TABLE: 'bench-items',
  AUTH_TABLE: 'bench-auth',
  GROUP_TABLE: 'bench-groups',
  AUDIT_TABLE: 'bench-audit',
  CURSOR_SECRET: 'bench-cursor-secret-0123456789',
  DYNAMODB_ENDPOINT: 'http://127.0.0.1:9',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  LOG_LEVEL: 'error',
};

/** Median ms to require the bundle in a fresh process (the part of a cold start that is ours). */
function loadMs(file: string): number {
  const script = `const t=process.hrtime.bigint();require(${JSON.stringify(file)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6));process.exit(0)`;
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) times.push(Number(execFileSync(process.execPath, ['-e', script], { env }).toString()));
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

const handlers = readdirSync(join(root, 'handlers')).filter((f) => f.endsWith('.ts'));
const rows: Array<{ name: string; kb: number; ms: number }> = [];
const floorFile = bundle(floorSource, 'floor');
const floor = { name: 'floor (SDK client only)', kb: statSync(floorFile).size / 1024, ms: loadMs(floorFile) };
for (const h of handlers) {
  const name = h.replace(/\.ts$/, '');
  const file = bundle(join(root, 'handlers', h), name);
  rows.push({ name, kb: statSync(file).size / 1024, ms: loadMs(file) });
}
const pad = (s: string, n: number) => s.padEnd(n);
console.log(`\nCold start: module load in a fresh Node ${process.version} process, median of ${RUNS} runs\n`);
console.log(`${pad('bundle', 26)}${pad('size KB', 10)}${pad('load ms', 10)}${pad('× floor size', 14)}× floor load`);
const line = (r: { name: string; kb: number; ms: number }) =>
  console.log(
    `${pad(r.name, 26)}${pad(r.kb.toFixed(0), 10)}${pad(r.ms.toFixed(1), 10)}${pad((r.kb / floor.kb).toFixed(2), 14)}${(r.ms / floor.ms).toFixed(2)}`,
  );
line(floor);
for (const r of rows) line(r);
const worst = Math.max(...rows.map((r) => r.ms / floor.ms));
console.log(`\nworst load ratio: ${worst.toFixed(2)}× the floor (target ≤ 1.5×)\n`);
rmSync(out, { recursive: true, force: true });
