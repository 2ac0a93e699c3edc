import { Command } from 'commander';
import { applyPolicy, PolicyRaced } from '../../dynamo/policy';
import { type CliContext, CliError } from '../context';
import { kindOf, planFile, planJson, planText } from './policy-plan';

const PROGRESS_PAST = 100;

/**
 * `scoutr policy apply FILE [--prune] [--yes]` (docs: reference/cli): the plan, applied with each write conditioned on
 * the record as planned. Test: test/integration/cli/policy.test.ts.
 */
export function policyApplyCommand(cx: CliContext): Command {
  return new Command('apply')
    .description(
      'apply the plan; each write is conditioned on the record as planned, so a concurrent change stops the apply',
    )
    .argument('<file>', 'the policy file')
    .option('--prune', 'also delete the records and groups the file does not declare')
    .option('--yes', 'apply without asking (required without a terminal)')
    .option('--json', 'print the plan and the result as JSON')
    .action(async (file: string, opts: { prune?: boolean; yes?: boolean; json?: boolean }) => {
      const { io } = cx;
      const plan = await planFile(cx, file, opts);
      const total = plan.changes.length;
      if (!opts.json) io.out(`${planText(plan).join('\n')}\n`);
      if (total > 0 && !opts.yes) {
        if (!io.interactive) throw new CliError('no terminal to confirm the apply: pass --yes');
        const answer = await io.ask(`Apply ${total} change${total === 1 ? '' : 's'}? Type yes: `);
        if (answer.trim() !== 'yes') throw new CliError('apply cancelled; nothing was written');
      }
      if (total > 0) {
        try {
          await applyPolicy(cx.connect().db, cx.policyTables(), plan.changes, (done) => {
            if (total > PROGRESS_PAST) io.err(`applied ${done}/${total}\n`);
          });
        } catch (err) {
          if (!(err instanceof PolicyRaced)) throw err;
          throw new CliError(
            `${kindOf(err.change.table)} ${err.change.id} changed since the plan; stopped without writing it. ` +
              `${err.applied} of ${total} changes were applied before it; run plan again.`,
          );
        }
      }
      cx.output(opts.json).result({ ...planJson(plan), applied: total }, () =>
        total === 0 ? [] : [`Applied ${total} change${total === 1 ? '' : 's'}.`],
      );
    });
}
