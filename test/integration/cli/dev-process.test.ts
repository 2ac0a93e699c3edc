import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { run } from '../../../src/cli/main';
import { freePort } from '../../../src/local/emulator';
import { groupMembers, leftAfter } from '../../support/processes';

// `scoutr dev` as a process, over its embedded DynamoDB Local (docs/reference/cli.md#stopping): it stops, and stops
// its Java process, on SIGHUP (a closed terminal) and when the process that started it goes. `kill` of an npx alone
// ended npx and left `scoutr dev` and Java running, handed to init.

jest.setTimeout(120_000);

const bin = resolve(__dirname, '../../../src/cli/bin.ts');
// The embedded database, not the suite's: no endpoint, no tables, no seed request from the test environment.
const env = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !/^(DYNAMODB_|SCOUTR_|DATA_TABLE|AUTH_TABLE|GROUP_TABLE|AUDIT_)/.test(k)),
);

let app: string;
beforeAll(async () => {
  const project = mkdtempSync(join(tmpdir(), 'scoutr-dev-process-'));
  const io = { out: () => {}, err: () => {}, env: {}, interactive: false, ask: async () => '' };
  expect(await run(['init', project, '--table', 'books', '--key', 'isbn', '--no-install'], io)).toBe(0);
  app = join(project, 'scoutr.config.ts');
});

/** The DynamoDB Local processes `pid` started (tsx may have started an esbuild service beside it). */
const emulatorsOf = (pid: number): number[] =>
  execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(pid)], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.includes('DynamoDBLocal'))
    .map((l) => Number.parseInt(l, 10));

const pidsOf = (group: number): number[] => groupMembers(group).map((m) => Number.parseInt(m, 10));

/**
 * Waits until the `scoutr dev` that `child` runs serves; `readPid`: child is the sh that started it, which printed its
 * pid first. Returns the dev process's pid and its Java's.
 */
async function startDev(child: ChildProcess, readPid: boolean) {
  let out = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  for (let i = 0; i < 600 && !out.includes('Scoutr is listening'); i++) {
    if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}: ${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(out).toContain('Scoutr is listening');
  const dev = readPid ? Number(/^(\d+)\n/.exec(out)?.[1]) : child.pid!;
  const java = emulatorsOf(dev);
  expect(java).toHaveLength(1);
  return { dev, java: java[0]! };
}

const devArgs = async () => ['--import', 'tsx', bin, 'dev', '--app', app, '--port', String(await freePort())];

it('stops, with its DynamoDB Local, when the process that started it is killed', async () => {
  // Prepare: sh starts dev in the background, as npm exec does, and waits
  const args = await devArgs();
  const sh = spawn('sh', ['-c', '"$@" & echo $!; wait', 'sh', process.execPath, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own group, so that a failed test can end all of it
  });
  try {
    const { dev, java } = await startDev(sh, true);
    expect(pidsOf(sh.pid!)).toEqual(expect.arrayContaining([dev, java]));
    // Act: the parent alone is killed, and can forward nothing
    sh.kill('SIGKILL');
    // Assess
    expect(await leftAfter(sh.pid!, 30_000)).toEqual([]);
  } finally {
    try {
      process.kill(-sh.pid!, 'SIGKILL');
    } catch {
      // the group is gone
    }
  }
});

it('stops, with its DynamoDB Local, on SIGHUP (its terminal closed), exiting 0', async () => {
  // Prepare
  const child = spawn(process.execPath, await devArgs(), { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  try {
    const { java } = await startDev(child, false);
    expect(pidsOf(child.pid!)).toContain(java);
    // Act
    child.kill('SIGHUP');
    const [code] = await once(child, 'exit');
    // Assess
    expect(code).toBe(0);
    expect(await leftAfter(child.pid!, 30_000)).toEqual([]);
  } finally {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // the group is gone
    }
  }
});
