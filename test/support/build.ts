import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

// dist/, what the package ships (`npm run build`), for the tests that run Scoutr as a user's project does: the bin,
// osls with scoutr/serverless, the tarball.

const ROOT = resolve(__dirname, '../..');

const run = (command: string, args: string[], cwd: string): Promise<string> =>
  new Promise((done, fail) => {
    execFile(command, args, { cwd, env: process.env, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) =>
      err ? fail(new Error(`${args.join(' ')} failed:\n${stderr}\n${stdout}`)) : done(stdout),
    );
  });

const LOCK = resolve(ROOT, 'node_modules/.cache/scoutr-build.lock');
const STAMP = resolve(ROOT, 'dist/.built');
const newest = (dir: string): number =>
  Math.max(
    ...readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => statSync(join(dir, f)).mtimeMs),
    ...['tsconfig.json', 'tsconfig.build.json', 'tsconfig.esm.json', 'package.json'].map(
      (f) => statSync(resolve(ROOT, f)).mtimeMs,
    ),
  );
const isBuilt = () => {
  try {
    return statSync(STAMP).mtimeMs >= newest(resolve(ROOT, 'src'));
  } catch {
    return false;
  }
};

/**
 * `npm run build` (dist/, what the package ships), once for every test file of a run that needs it: the first to
 * take the lock builds, the others wait for it; a build newer than every source is kept.
 */
export async function buildPackage(): Promise<void> {
  for (;;) {
    if (isBuilt()) return;
    try {
      mkdirSync(resolve(LOCK, '..'), { recursive: true });
      mkdirSync(LOCK);
    } catch {
      // another test file is building; a lock older than 10 minutes was left by a run that died
      const lock = statSync(LOCK, { throwIfNoEntry: false });
      if (lock && Date.now() - lock.mtimeMs > 600_000) rmSync(LOCK, { force: true, recursive: true });
      await new Promise((r) => setTimeout(r, 1000));
      continue;
    }
    try {
      if (!isBuilt()) {
        const started = new Date(); // a source changed while building makes the next run build again
        await run('npm', ['run', '--silent', 'build'], ROOT);
        writeFileSync(STAMP, '');
        utimesSync(STAMP, started, started);
      }
      return;
    } finally {
      rmSync(LOCK, { force: true, recursive: true });
    }
  }
}
