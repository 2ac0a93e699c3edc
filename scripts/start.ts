import { parseArgs } from 'node:util';
import { ConfigError } from '../src/config';
import { RouteTableError } from '../src/core/routes';
import { type DevServer, startDev } from '../src/local/dev';
import { findProject, loadProject } from '../src/local/project';
import { exampleFiles, exampleNamed } from './examples';

/**
 * `npm start [-- --example NAME]`: `scoutr dev` on one of this repository's examples (the pet store by default), or
 * on the app SCOUTR_CONFIG names. Every variable `scoutr dev` honours keeps its meaning (docs: reference/configuration).
 */
export async function main(
  env: Record<string, string | undefined> = process.env,
  argv: readonly string[] = [],
  print: (text: string) => void = (text) => console.log(text),
): Promise<DevServer> {
  const { values } = parseArgs({ args: [...argv], options: { example: { type: 'string' } }, strict: true });
  if (values.example !== undefined && env.SCOUTR_CONFIG) {
    throw new ConfigError('--example and SCOUTR_CONFIG: give one or the other');
  }
  const files = env.SCOUTR_CONFIG
    ? findProject({}, env, process.cwd())
    : exampleFiles(exampleNamed(values.example ?? 'petstore'));
  // In this repository `npx scoutr` is the package's bin, which runs the built dist/: the banner's commands run the
  // sources instead (docs/how-to/contribute.md).
  return startDev(await loadProject(files), { env, print, command: 'npm run -s scoutr --' });
}

if (require.main === module) {
  main(process.env, process.argv.slice(2)).then(
    (server) => {
      let stopping = false;
      const shutdown = () => {
        if (stopping) return;
        stopping = true;
        server.close().then(() => process.exit(0));
      };
      process.on('SIGINT', shutdown);
      process.on('SIGTERM', shutdown);
    },
    (err: unknown) => {
      console.error(err instanceof ConfigError || err instanceof RouteTableError ? err.message : err);
      process.exit(1);
    },
  );
}
