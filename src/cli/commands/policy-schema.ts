import { Command } from 'commander';
import { policyJsonSchema } from '../../core/policy/schema';
import type { CliContext } from '../context';

/** `scoutr policy schema` (docs: reference/cli): the policy document's JSON Schema. Test: test/integration/cli/policy.test.ts. */
export function policySchemaCommand(cx: CliContext): Command {
  return new Command('schema')
    .description("print the policy document's JSON Schema, for editors (always JSON)")
    .option('--json', 'print the schema as JSON (the only format: accepted for uniformity)')
    .action(() => cx.output(true).result(policyJsonSchema(), () => ''));
}
