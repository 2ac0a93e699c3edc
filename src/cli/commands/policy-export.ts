import { Command, Option } from 'commander';
import { stringify } from 'yaml';
import { toJson } from '../../core/json';
import { policyDocument } from '../../core/policy/records';
import type { Item } from '../../core/values';
import { scanAll } from '../../dynamo/policy';
import { type CliContext, CliError } from '../context';

/**
 * `scoutr policy export [--format yaml|json|ts]` (docs: reference/cli): the tables as a policy document; export, then
 * plan: no changes. Test: test/integration/cli/policy.test.ts.
 */
export function policyExportCommand(cx: CliContext): Command {
  return new Command('export')
    .description('print the tables as a policy document (export, then plan: no changes)')
    .addOption(new Option('--format <format>', 'output format (default: yaml)').choices(['yaml', 'json', 'ts']))
    .option('--json', 'print the document as JSON (--format json)')
    .action(async (opts: { format?: 'yaml' | 'json' | 'ts'; json?: boolean }) => {
      if (opts.json && opts.format !== undefined && opts.format !== 'json') {
        throw new CliError(`--json and --format ${opts.format}: give one or the other`);
      }
      const format = opts.json ? 'json' : (opts.format ?? 'yaml');
      const { db } = cx.connect();
      const t = cx.policyTables();
      const [auth, groups] = await Promise.all([scanAll(db, t.auth), scanAll(db, t.groups)]);
      const plain = (items: Item[]) => items.map((i) => toJson({ M: i }) as Record<string, never>);
      const doc = policyDocument({ records: plain(auth), groups: plain(groups) });
      cx.output(format === 'json').result(doc, () =>
        format === 'yaml'
          ? stringify(doc, { lineWidth: 0 })
          : `// Exported by scoutr policy export\nexport default ${JSON.stringify(doc, null, 2)};\n`,
      );
    });
}
