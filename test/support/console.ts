import { type ExampleName, exampleFiles } from '../../scripts/examples';
import { type ConsoleServer, startConsole } from '../../src/console/server';
import { startExample } from './examples';
import { as, beforeTests, type Harness, lazy } from './harness';

/** An example served as `npm start -- --example NAME` does, and the console on its tables and policy file. */
export async function startConsoleOn(
  name: ExampleName,
): Promise<{ h: Harness; c: ConsoleServer; close(): Promise<void> }> {
  const h = await startExample(name);
  const c = await startConsole({
    app: h.runtime.deps.app,
    config: h.config,
    db: h.db,
    policyFile: exampleFiles(name).policy,
  });
  return {
    h,
    c,
    async close() {
      await c.close();
      await h.close();
    },
  };
}

/**
 * The file's (or describe block's) example and console (startConsoleOn), started before its first test and closed
 * after its last; `prepare` runs once both are up, and if it fails both are closed.
 */
export function consoleForTests(
  name: ExampleName,
  prepare?: (site: { h: Harness; c: ConsoleServer }) => Promise<unknown>,
): { h: Harness; c: ConsoleServer } {
  const site = beforeTests(
    async () => {
      const started = await startConsoleOn(name);
      try {
        await prepare?.(started);
      } catch (err) {
        await started.close(); // nothing is left running when the set-up fails
        throw err;
      }
      return started;
    },
    (started) => started.close(),
  );
  return { h: lazy(() => site.h), c: lazy(() => site.c) };
}

/** One answer of the console's API, with its token. */
export async function consoleGet<T = Record<string, unknown>>(c: ConsoleServer, path: string): Promise<T> {
  const res = await fetch(`${c.url}${path}`, { headers: { 'X-Scoutr-Token': c.token } });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** The local server's headers for an identity as the console (and `scoutr check --as`) spells it. */
export function headersOf(identity: string): Record<string, string> {
  if (identity === 'anonymous') return {};
  const [kind, id, groups] = identity.split(':');
  return kind === 'key' ? as.key(id!) : as.user(id!, groups ? groups.split(',') : undefined);
}
