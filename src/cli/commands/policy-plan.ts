import { Command } from 'commander';
import { toJson } from '../../core/json';
import type { PolicyChange, PolicyPlan, PolicyTable } from '../../core/policy/diff';
import type { AttributeValue } from '../../core/values';
import { planPolicy } from '../../dynamo/policy';
import { type CliContext, EXIT } from '../context';

export const kindOf = (table: PolicyTable) => (table === 'auth' ? 'record' : 'group');
const show = (v: AttributeValue | undefined) => (v === undefined ? '(absent)' : JSON.stringify(toJson(v)));
const count = (plan: PolicyPlan, action: PolicyChange['action']) =>
  plan.changes.filter((c) => c.action === action).length;

/** A plan as text: `+` create, `~` update with its fields old → new, `-` delete, what is kept, then a summary. */
export function planText(plan: PolicyPlan): string[] {
  const lines: string[] = [];
  const sign = { create: '+', update: '~', delete: '-' } as const;
  for (const c of plan.changes) {
    lines.push(`${sign[c.action]} ${kindOf(c.table)} ${c.id}`);
    if (c.action === 'update')
      for (const f of c.fields) lines.push(`    ${f.field}: ${show(f.before)} → ${show(f.after)}`);
  }
  if (plan.undeclared.length > 0) {
    const names = plan.undeclared.slice(0, 10).map((u) => `${kindOf(u.table)} ${u.id}`);
    const more = plan.undeclared.length > 10 ? `, and ${plan.undeclared.length - 10} more` : '';
    lines.push(
      `${plan.undeclared.length} in the tables but not in the file, kept (--prune deletes them): ${names.join(', ')}${more}`,
    );
  }
  lines.push(
    plan.changes.length === 0
      ? 'No changes: the tables match the policy.'
      : `Plan: ${count(plan, 'create')} to create, ${count(plan, 'update')} to update, ${count(plan, 'delete')} to delete.`,
  );
  return lines;
}

/** A plan as data: the same facts as planText. */
export const planJson = (plan: PolicyPlan) => ({
  changes: plan.changes.map((c) => ({
    action: c.action,
    kind: kindOf(c.table),
    id: c.id,
    fields: Object.fromEntries(
      c.fields.map((f) => [f.field, { before: f.before && toJson(f.before), after: f.after && toJson(f.after) }]),
    ),
  })),
  undeclared: plan.undeclared.map((u) => ({ kind: kindOf(u.table), id: u.id })),
  summary: { create: count(plan, 'create'), update: count(plan, 'update'), delete: count(plan, 'delete') },
});

/** The plan of a policy file against the tables (plan and apply). */
export async function planFile(cx: CliContext, file: string, opts: { prune?: boolean; json?: boolean }) {
  const doc = cx.loadPolicy(file, opts.json);
  return planPolicy(cx.connect().db, cx.policyTables(), doc, { prune: opts.prune === true });
}

/**
 * `scoutr policy plan FILE [--prune]` (docs: reference/cli): what apply would change; exit 0 nothing to do, 2 changes.
 * Test: test/integration/cli/policy.test.ts.
 */
export function policyPlanCommand(cx: CliContext): Command {
  return new Command('plan')
    .description('show what apply would change; exit 0: nothing to do, 2: changes, 1: error')
    .argument('<file>', 'the policy file')
    .option('--prune', 'also delete the records and groups the file does not declare')
    .option('--json', 'print the plan as JSON')
    .action(async (file: string, opts: { prune?: boolean; json?: boolean }) => {
      const plan = await planFile(cx, file, opts);
      cx.output(opts.json).result(planJson(plan), () => planText(plan));
      cx.code = plan.changes.length > 0 ? EXIT.changes : EXIT.ok;
    });
}
