import { Command } from 'commander';
import { type ConsoleServer, startConsole } from '../../console/server';
import type { AppConfig } from '../../core/app';
import type { DynamoDBClient } from '../../dynamo/client';
import { type LocalConfig, loadLocalConfig } from '../../local/config';
import { findProject, loadProject } from '../../local/project';
import { type CliContext, portOption } from '../context';
import { cliClient } from '../env';

/**
 * The tables the console reads, found as `scoutr dev` finds them (docs/reference/configuration.md#the-local-server): the app's table name, the server's
 * variables, and the embedded DynamoDB's grants table name for an app with item roles.
 */
export function consoleConfig(app: AppConfig, env: Record<string, string | undefined>): LocalConfig {
  const config = loadLocalConfig({ ...(app.table?.name ? { DATA_TABLE: app.table.name } : {}), ...env });
  if (app.itemRoles && !config.GRANTS_TABLE) config.GRANTS_TABLE = 'scoutr-grants';
  return config;
}

/** The lines `scoutr console` and `scoutr dev --console` print: where it reads, and the address with its token. */
export function consoleBanner(
  server: ConsoleServer,
  config: Pick<LocalConfig, 'DATA_TABLE' | 'AUTH_TABLE' | 'GROUP_TABLE' | 'AUDIT_TABLE' | 'GRANTS_TABLE'>,
  endpoint: string | undefined,
  files: { app: string; policy?: string | undefined },
): string {
  const tables = `data=${config.DATA_TABLE} auth=${config.AUTH_TABLE} groups=${config.GROUP_TABLE} audit=${config.AUDIT_TABLE ?? '(off)'}${config.GRANTS_TABLE ? ` grants=${config.GRANTS_TABLE}` : ''}`;
  return [
    `Scoutr console for ${files.app}${files.policy ? ` and ${files.policy}` : ''}`,
    `  tables: ${tables} at ${endpoint ?? 'AWS'}`,
    '  Open this address (its token is the key: keep it to yourself):',
    `  ${server.link}`,
    '',
  ].join('\n');
}

/**
 * `scoutr console` (docs/how-to/use-the-console.md): the console for the project in the current folder (its app config and policy file)
 * against the DynamoDB the server's variables name, on 127.0.0.1 until stopped (docs: reference/cli#stopping).
 */
export function consoleCommand(cx: CliContext): Command {
  const { io } = cx;
  return new Command('console')
    .description('a web page on 127.0.0.1 (its token in the printed address): identities, see as, why, who, policy')
    .option('--app <module>', 'the app config (default: SCOUTR_CONFIG, else ./scoutr.config.ts)')
    .option('--policy <file>', 'the policy file (default: policy.yml beside the app config)')
    .option('--port <n>', 'the port (default: a free one)', portOption)
    .addHelpText(
      'after',
      "\nThe tables are the server's (DATA_TABLE, AUTH_TABLE, GROUP_TABLE, AUDIT_TABLE, GRANTS_TABLE, DYNAMODB_ENDPOINT);\n" +
        'for the embedded DynamoDB of scoutr dev, run scoutr dev --console instead.',
    )
    .action(async (opts: { app?: string; policy?: string; port?: number }) => {
      const cwd = io.cwd ?? process.cwd();
      const files = findProject(opts, io.env, cwd);
      // The app alone: the console validates the policy file itself, to show its errors rather than stop on them.
      const { app } = await loadProject({ app: files.app });
      const config = consoleConfig(app, io.env);
      const db: DynamoDBClient = io.db ?? cliClient(config, io.env);
      try {
        const server = await startConsole({ app, config, db, policyFile: files.policy, port: opts.port ?? 0 });
        io.out(consoleBanner(server, config, config.DYNAMODB_ENDPOINT, files));
        await (io.untilStopped?.() ?? new Promise<void>(() => {}));
        await server.close();
      } finally {
        if (!io.db) db.destroy();
      }
    });
}
