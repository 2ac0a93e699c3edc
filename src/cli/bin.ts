import { createInterface } from 'node:readline/promises';
import { run } from './main';

// The process edge of `scoutr`: the only place it reads process.env and the standard streams.

// `scoutr policy export | head`: a reader that stops early is not an error worth a stack.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(process.exitCode ?? 0);
  });
}
// The SDK's once-per-process Node 20 notice is the docs' to give (docs/reference/package.md#requirements), not every
// command's; it is given when a client is made, after this line.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
run(process.argv.slice(2), {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  env: process.env,
  interactive: process.stdin.isTTY === true,
  async ask(question) {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return await rl.question(question);
    } finally {
      rl.close();
    }
  },
  now: () => Date.now(),
  untilStopped: () =>
    new Promise<void>((resolve) => {
      // docs/reference/cli.md#stopping: Ctrl-C, a supervisor's SIGTERM, a closed terminal's SIGHUP, or the process
      // that started this one gone (`kill` of an npx alone leaves its child running, handed to init).
      const parent = process.ppid;
      const orphaned = setInterval(() => process.ppid !== parent && stop(), 1000).unref();
      const stop = () => {
        clearInterval(orphaned);
        resolve();
      };
      for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, stop);
    }),
}).then((code) => {
  process.exitCode = code;
});
