// npm run bench:coldstart — each Lambda bundle's size and module-load time in a fresh Node process, next to a
// bundle that imports nothing but the SDK's DynamoDB client (the floor). The pet store's bundles are built exactly
// as `npm run package` builds them (src/deploy/bundle.ts, from dist/: run `npm run build` first), or from the
// TypeScript sources with FROM_SOURCES=1 (what an ES module build would give). Prints a table; never asserts.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import app from '../example/petstore/scoutr.config';
import { routesFor } from '../src/core/routes';
import { bundleFunctions } from '../src/deploy/bundle';

const RUNS = Number(process.env.RUNS ?? 15);
const root = resolve(__dirname, '..');
const out = mkdtempSync(join(tmpdir(), 'scoutr-coldstart-'));
// the ES-module copy of the built package, as scoutr/serverless bundles it (src/deploy/serverless.ts)
const scoutr = resolve(root, process.env.FROM_SOURCES ? 'src/index.ts' : 'dist/esm/index.js');
if (!existsSync(scoutr)) throw new Error(`${scoutr} is missing: run npm run build first`);

const floorSource = join(out, 'floor.ts');
writeFileSync(
  floorSource,
  "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nexport const client = new DynamoDBClient({});\nexport const handler = async () => client.config.region;\n",
);
const floorFile = join(out, 'floor.js');
buildSync({
  entryPoints: [floorSource],
  outfile: floorFile,
  bundle: true,
  minify: true,
  target: 'node22',
  platform: 'node',
  format: 'cjs',
  mainFields: ['module', 'main'],
  absWorkingDir: root,
  nodePaths: [join(root, 'node_modules')],
  logLevel: 'error',
});

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

async function main(): Promise<void> {
  const bundles = await bundleFunctions({
    serviceDir: resolve(root, 'example/petstore'),
    app: './scoutr.config.ts',
    functions: [...new Set(routesFor(app).map((r) => r.verb))],
    scoutr,
    target: 'node22',
    sentry: Boolean(process.env.SENTRY_DSN), // as packaging: @sentry/node only with a DSN
  });
  const rows: Array<{ name: string; kb: number; ms: number }> = [];
  const floor = { name: 'floor (SDK client only)', kb: statSync(floorFile).size / 1024, ms: loadMs(floorFile) };
  for (const b of bundles) {
    const file = join(out, `${b.fn}.js`);
    writeFileSync(file, b.files.get(`${b.fn}.js`)!);
    rows.push({ name: b.fn, kb: statSync(file).size / 1024, ms: loadMs(file) });
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
}

main().finally(() => rmSync(out, { recursive: true, force: true }));
