// The HTTP load test of `npm run bench`: autocannon against Scoutr's local server and against a bare node:http
// server making the same DynamoDB calls, each in its own process (bench/http-server.ts), on loopback, bounded in
// time. Reports requests/s and p99 latency, and Scoutr's share of the bare server's throughput.
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { API_KEY, INDEXED_CATEGORY, itemId } from './fixtures';

export interface LoadResult {
  target: string;
  server: 'scoutr' | 'bare';
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
}

interface Target {
  name: string;
  /** a path for the n-th request */
  path(n: number): string;
}

function targets(size: number): Target[] {
  return [
    { name: 'get by id', path: (n) => `/item/${itemId((n * 7_919 + 13) % size)}` },
    { name: `list category=${INDEXED_CATEGORY}`, path: () => `/items?category=${INDEXED_CATEGORY}&price__gte=0` },
  ];
}

async function startServer(mode: 'scoutr' | 'bare', endpoint: string): Promise<{ url: string; child: ChildProcess }> {
  const child = fork(join(__dirname, 'http-server.ts'), [mode], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_ENDPOINT: endpoint, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { url: string }).url));
    child.once('exit', (code) => reject(new Error(`${mode} server exited with ${code}`)));
  });
  return { url, child };
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill();
  });
}

function fire(url: string, target: Target, seconds: number, connections: number): Promise<autocannon.Result> {
  let n = 0;
  return autocannon({
    url,
    connections,
    duration: seconds,
    headers: { 'x-api-key': API_KEY },
    requests: [
      {
        setupRequest: (req) => {
          req.path = target.path(n++);
          return req;
        },
      },
    ],
  });
}

export async function httpLoad(
  endpoint: string,
  size: number,
  opts: { seconds: number; warmup: number; connections: number },
): Promise<LoadResult[]> {
  const out: LoadResult[] = [];
  for (const mode of ['bare', 'scoutr'] as const) {
    const { url, child } = await startServer(mode, endpoint);
    try {
      for (const target of targets(size)) {
        if (opts.warmup > 0) await fire(url, target, opts.warmup, opts.connections);
        const r = await fire(url, target, opts.seconds, opts.connections);
        out.push({
          target: target.name,
          server: mode,
          rps: r.requests.average,
          p50: r.latency.p50,
          p99: r.latency.p99,
          requests: r.requests.total,
          non2xx: r.non2xx,
          errors: r.errors,
        });
      }
    } finally {
      await stop(child);
    }
  }
  return out;
}
