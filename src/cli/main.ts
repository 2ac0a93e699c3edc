import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config';
import { ScoutrError } from '../core/errors';
import { checkCommand } from './commands/check';
import { consoleCommand } from './commands/console';
import { devCommand } from './commands/dev';
import { initCommand } from './commands/init';
import { openapiCommand } from './commands/openapi';
import { policyCommand } from './commands/policy';
import { CliContext, CliError, EXIT, Exit } from './context';
import type { Io } from './io';

export type { Io } from './io';

/** The command line: one file per command under commands/, in the order `scoutr --help` lists them. */
const COMMANDS = [initCommand, devCommand, consoleCommand, policyCommand, checkCommand, openapiCommand];

/** Runs `scoutr ARGS...`; resolves to the exit code. Never throws, never prints a stack. */
export async function run(args: readonly string[], io: Io): Promise<number> {
  const cx = new CliContext(io);
  const program = new Command('scoutr')
    .description('Scoutr: make a project, serve it locally, manage and check its permissions.')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .showHelpAfterError('(add --help for usage)')
    .addHelpText(
      'after',
      '\nThe tables are found as the server finds them: AUTH_TABLE, GROUP_TABLE (DATA_TABLE for check --item),\n' +
        'DYNAMODB_ENDPOINT, AWS_REGION, and AWS credentials from the default chain.',
    );
  // Every command, and every subcommand, answers usage errors and --help through io, never by exiting the process.
  const inherit = (command: Command): Command => {
    command.copyInheritedSettings(program);
    for (const sub of command.commands) inherit(sub);
    return command;
  };
  for (const make of COMMANDS) program.addCommand(inherit(make(cx)));
  try {
    await program.parseAsync([...args], { from: 'user' });
    return cx.code;
  } catch (err) {
    if (err instanceof Exit) return err.code;
    if (err instanceof CommanderError) {
      // Help and version are answers, not failures; commander has already printed usage errors.
      return err.exitCode === 0 ? EXIT.ok : EXIT.error;
    }
    io.err(`scoutr: ${messageOf(err)}\n`);
    return EXIT.error;
  } finally {
    cx.close();
  }
}

const NO_CREDENTIALS =
  'no AWS credentials in the default chain. For a local DynamoDB, set DYNAMODB_ENDPOINT and the variables ' +
  '`scoutr dev` prints under "Permissions as a policy file"; for AWS, configure credentials (AWS_PROFILE, ...)';

/** A clean message: ours, the configuration's, or the SDK's name and message. Never a stack. */
export function messageOf(err: unknown): string {
  if (err instanceof CliError || err instanceof ConfigError) return err.message;
  if (err instanceof ScoutrError) {
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
    if (err.code !== 'AUTH_CONFIG') return err.message;
    // Item-role filters are decided with the app's declaration: say where the command finds it.
    const hint = /not an item role of the app config/.test(cause)
      ? ' (the app config is --app MODULE or SCOUTR_CONFIG)'
      : '';
    return `${err.message}${cause}${hint}`;
  }
  if (err instanceof Error && err.name === 'CredentialsProviderError') {
    // A newcomer's first `scoutr console` or `check` outside `scoutr dev`: say which variables reach a local DynamoDB
    // (docs/reference/configuration.md#the-command-line).
    return `${err.name}: ${err.message}: ${NO_CREDENTIALS}`;
  }
  if (err instanceof Error) return err.name && err.name !== 'Error' ? `${err.name}: ${err.message}` : err.message;
  return String(err);
}
