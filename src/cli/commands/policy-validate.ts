import { Command } from 'commander';
import { routesFor } from '../../core/routes';
import { appItemRoles, formatIssue, loadPolicyFile } from '../../policy-file';
import { type CliContext, EXIT } from '../context';

const s = (n: number) => (n === 1 ? '' : 's');

/**
 * `scoutr policy validate FILE...` (docs: reference/cli): every error at once, located; with --app, item roles checked
 * against the app's and a warning for each rule that reaches none of its routes. Tests: test/unit/cli/policy-file.test.ts,
 * test/unit/cli/validate-routes.test.ts, test/integration/cli/policy.test.ts.
 */
export function policyValidateCommand(cx: CliContext): Command {
  return new Command('validate')
    .description('check policy files; every error at once, as FILE:LINE:COL: <field path>: <message>')
    .argument('<file...>', 'policy files (.yml, .yaml, .json, .ts, .js)')
    .option(
      '--app <module>',
      'the app config module: item_role filters must name one of its item roles, and a permitted endpoint that ' +
        'matches none of its routes is a warning',
    )
    .option('--json', 'print the result as JSON')
    .action((files: string[], opts: { json?: boolean; app?: string }) => {
      const app = opts.app === undefined ? undefined : appItemRoles(opts.app);
      const options = { itemRoles: app?.roles, routes: app && routesFor(app.app) };
      const results = files.map((file) => loadPolicyFile(file, options));
      const issues = results.flatMap((r) => ('issues' in r ? r.issues : []));
      // Warnings never change the exit code: a rule that permits nothing is likely a leftover, not a mistake.
      const warnings = results.flatMap((r) => r.warnings ?? []);
      const docs = results.flatMap((r) => ('doc' in r ? [r.doc] : []));
      const records = docs.reduce((n, d) => n + Object.keys(d.records ?? {}).length, 0);
      const groups = docs.reduce((n, d) => n + Object.keys(d.groups ?? {}).length, 0);
      cx.code = issues.length > 0 ? EXIT.error : EXIT.ok;
      if (opts.json) {
        cx.output(true).result(
          { valid: issues.length === 0, files: files.length, records, groups, issues, warnings },
          () => '',
        );
        return;
      }
      if (warnings.length > 0) {
        const shown = warnings.map((w) => formatIssue({ ...w, message: `warning: ${w.message}` }));
        cx.io.err(`${shown.join('\n')}\n${warnings.length} warning${s(warnings.length)}\n`);
      }
      if (issues.length > 0)
        cx.io.err(`${issues.map(formatIssue).join('\n')}\n${issues.length} error${s(issues.length)}\n`);
      else cx.io.out(`${files.join(', ')}: valid (${records} records, ${groups} groups)\n`);
    });
}
