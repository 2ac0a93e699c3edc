import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../src/local/emulator';
import { leftAfter } from '../test/support/processes';

// `npm run try-package` (a step of .ci/run): Scoutr as a team adopts it, from the tarball `npm pack` makes, in an
// empty folder with nothing else installed by hand: install, `scoutr init`, the scaffold's own `npm test`, `scoutr
// dev` answering a curl as a seeded identity, and an offline package of the scaffold's own routes, key and IAM.
// Only `npm install` reaches a registry: for the tarball's dependencies and the scaffold's dev dependencies.

const root = resolve(__dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'scoutr-try-'));
const project = join(work, 'library-api');
const started = Date.now();
const step = (name: string) => console.log(`\n== ${name} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
const sh = (cmd: string, args: string[], cwd = project, env: NodeJS.ProcessEnv = process.env) =>
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', env });
const clean = { ...process.env };
for (const k of Object.keys(clean))
  if (/^(DYNAMODB_|SCOUTR_|DATA_TABLE|AUTH_TABLE|GROUP_TABLE)/.test(k)) delete clean[k];

let dev: ChildProcess | undefined;
async function main(): Promise<void> {
  step('npm pack');
  const [packed] = JSON.parse(sh('npm', ['pack', '--json', '--pack-destination', work], root)) as Array<{
    filename: string;
    size: number;
    unpackedSize: number;
    entryCount: number;
    files: Array<{ path: string }>;
  }>;
  assert.ok(packed);
  console.log(`${packed.filename}: ${packed.entryCount} files, ${(packed.size / 1024).toFixed(0)} KB packed`);
  const stray = packed.files.map((f) => f.path).filter((p) => /^(test|bench|example|scripts|src)\//.test(p));
  assert.deepEqual(stray, [], 'the tarball holds no tests, benches, examples or sources');

  step('npm init -y && npm install <tarball>');
  mkdirSync(project);
  sh('npm', ['init', '-y'], project, clean);
  sh('npm', ['install', '--no-audit', '--no-fund', join(work, packed.filename)], project, clean);

  step('npx scoutr init --table books --key isbn');
  process.stdout.write(sh('npx', ['scoutr', 'init', '--table', 'books', '--key', 'isbn'], project, clean));

  step('npm test (the scaffold: tsc under strict, exactOptionalPropertyTypes, verbatimModuleSyntax; its tests)');
  process.stdout.write(sh('npm', ['test'], project, clean));

  step('npx scoutr dev, and a curl as each seeded identity');
  const port = await freePort();
  let log = '';
  dev = spawn('npx', ['scoutr', 'dev', '--port', String(port)], { cwd: project, env: clean, detached: true });
  dev.stdout?.on('data', (d) => {
    log += String(d);
  });
  dev.stderr?.on('data', (d) => {
    log += String(d);
  });
  for (let i = 0; !log.includes('Scoutr is listening'); i++) {
    assert.ok(i < 1200 && dev.exitCode === null, `scoutr dev did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  console.log(log);
  const url = `http://127.0.0.1:${port}`;
  assert.ok(log.includes(`curl -s ${url}/books -H 'x-api-key: reader-key'`), 'a curl line for the reader key');
  const reader = (await (await fetch(`${url}/books`, { headers: { 'x-api-key': 'reader-key' } })).json()) as Array<
    Record<string, unknown>
  >;
  assert.deepEqual(reader.map((b) => b.isbn).sort(), ['b-1', 'b-2'], 'the read-only key sees what is published');
  assert.ok(
    reader.every((b) => !('notes' in b)),
    'notes are hidden from it',
  );
  const editor = (await (await fetch(`${url}/books`, { headers: { 'Oidc-Claim-Sub': 'alice' } })).json()) as Array<
    Record<string, unknown>
  >;
  assert.equal(editor.length, 3, 'the editor sees every row, with notes');

  step('kill npx alone: scoutr dev and its DynamoDB Local stop too (docs/reference/cli.md#stopping)');
  process.kill(dev.pid!, 'SIGTERM');
  const left = await leftAfter(dev.pid!, 20_000); // npx leads its own process group (detached)
  assert.deepEqual(left, [], `still running 20 s after npx was killed:\n${left.join('\n')}`);
  console.log('nothing of it is left running');
  dev = undefined;

  step('npx serverless package (offline)');
  sh('npx', ['serverless', 'package'], project, {
    ...clean,
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
  });
  const template = JSON.parse(
    readFileSync(join(project, '.serverless', 'cloudformation-template-update-stack.json'), 'utf8'),
  ) as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
  checkTemplate(template.Resources);
  console.log(`\ntry-package passed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

/** The scaffold's routes, its table key, and IAM that names its tables. */
function checkTemplate(resources: Record<string, { Type: string; Properties: Record<string, unknown> }>): void {
  const of = (type: string) => Object.values(resources).filter((r) => r.Type === type);
  const paths = of('AWS::ApiGateway::Resource').map((r) => r.Properties.PathPart);
  for (const part of ['books', 'book', '{id}']) assert.ok(paths.includes(part), `route part ${part}`);
  const methods = of('AWS::ApiGateway::Method').map((r) => r.Properties.HttpMethod);
  for (const m of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) assert.ok(methods.includes(m), `method ${m}`);
  const tables = of('AWS::DynamoDB::Table').map((r) => r.Properties);
  const books = tables.find((t) =>
    (t.KeySchema as Array<{ AttributeName: string }> | undefined)?.some((k) => k.AttributeName === 'isbn'),
  );
  assert.ok(books, 'the data table is keyed by isbn');
  const roles = of('AWS::IAM::Role');
  assert.ok(roles.length >= 3, 'IAM roles per kind of function');
  assert.ok(!JSON.stringify(roles).includes('"dynamodb:*"'), 'no dynamodb:* in IAM');
}

function stopDev(): void {
  if (dev?.pid && dev.exitCode === null) process.kill(-dev.pid, 'SIGTERM');
  dev = undefined;
}

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => {
    stopDev();
    if (existsSync(work) && !process.env.KEEP_TRY) rmSync(work, { recursive: true, force: true });
  });
