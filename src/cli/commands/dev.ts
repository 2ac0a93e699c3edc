import { Command } from 'commander';
import { startConsole } from '../../console/server';
import { startDev } from '../../local/dev';
import { findProject, loadProject } from '../../local/project';
import { type CliContext, portOption } from '../context';
import { consoleBanner } from './console';

/**
 * `scoutr dev`: the project's API on 127.0.0.1 over the embedded DynamoDB Local (docs: reference/cli#scoutr-dev),
 * until stopped (docs: reference/cli#stopping).
 */
export function devCommand(cx: CliContext): Command {
  const { io } = cx;
  return new Command('dev')
    .description('serve the project on 127.0.0.1 over an embedded DynamoDB, its policy applied and its seed put')
    .option('--app <module>', 'the app config (default: SCOUTR_CONFIG, else ./scoutr.config.ts)')
    .option('--policy <file>', 'the policy file (default: policy.yml beside the app config)')
    .option('--seed <file>', 'items to put into an empty data table (default: seed.ts or seed.json beside it)')
    .option('--port <n>', 'the port (default: PORT, else 3000)', portOption)
    .option('--data <dir>', 'keep the embedded DynamoDB on disk here between runs (default: SCOUTR_DATA_DIR)')
    .option('--console', 'also serve the console (scoutr console) on these tables, at a free port')
    .addHelpText(
      'after',
      '\nWith DYNAMODB_ENDPOINT it serves the tables there and never creates, seeds or resets them unless\n' +
        'SCOUTR_SEED=example. Every variable of the server applies (docs: reference/configuration).',
    )
    .action(
      async (opts: {
        app?: string;
        policy?: string;
        seed?: string;
        port?: number;
        data?: string;
        console?: boolean;
      }) => {
        const cwd = io.cwd ?? process.cwd();
        const project = await loadProject(findProject(opts, io.env, cwd));
        const server = await startDev(project, {
          env: io.env,
          port: opts.port,
          dataDir: opts.data,
          cwd,
          print: (text) => io.out(`${text}\n`),
        });
        // The console reads the same tables through the same client (docs/how-to/use-the-console.md); it stops with the server.
        const consoleServer = opts.console
          ? await startConsole({
              app: project.app,
              config: server.config,
              db: server.db,
              policyFile: project.files.policy,
            })
          : undefined;
        if (consoleServer) io.out(consoleBanner(consoleServer, server.config, server.endpoint, project.files));
        io.started?.(server);
        await (io.untilStopped?.() ?? new Promise<void>(() => {}));
        await consoleServer?.close();
        await server.close();
      },
    );
}
