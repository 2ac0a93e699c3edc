import { ConfigError } from '../../config';
import { toJson } from '../../core/json';
import type { PolicyPlan } from '../../core/policy/diff';
import { planPolicy } from '../../dynamo/policy';
import { loadPolicyFile } from '../../policy-file';
import type { ConsoleContext, Params } from './shared';

/** The plan in the shape `scoutr policy plan --json` prints (an absent side is left out). */
const planJson = (plan: PolicyPlan) => ({
  changes: plan.changes.map((c) => ({
    action: c.action,
    kind: c.table === 'auth' ? 'record' : 'group',
    id: c.id,
    fields: Object.fromEntries(
      c.fields.map((f) => [f.field, { before: f.before && toJson(f.before), after: f.after && toJson(f.after) }]),
    ),
  })),
  undeclared: plan.undeclared.map((u) => ({ kind: u.table === 'auth' ? 'record' : 'group', id: u.id })),
  summary: {
    create: plan.changes.filter((c) => c.action === 'create').length,
    update: plan.changes.filter((c) => c.action === 'update').length,
    delete: plan.changes.filter((c) => c.action === 'delete').length,
  },
});

/** View 5: the policy file validated as `scoutr policy validate` does, and its plan as `scoutr policy plan`. */
export async function policy(cx: ConsoleContext, params: Params) {
  const { deps } = cx;
  const file = cx.policyFile;
  if (file === undefined) return { file: null, valid: false, issues: [], text: null, plan: null };
  const prune = params.get('prune') === 'true';
  // A module policy (policy.ts) has no text worth showing: its issues name field paths, not lines.
  const text = /\.(ts|js|cjs|mjs|mts|cts)$/.test(file) ? null : await readText(file);
  let loaded: ReturnType<typeof loadPolicyFile>;
  try {
    loaded = loadPolicyFile(file, { itemRoles: deps.itemRoles ?? null });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return { file, valid: false, issues: [{ file, path: '', message: err.message }], text: null, plan: null };
  }
  if ('issues' in loaded) return { file, valid: false, issues: loaded.issues, text, plan: null };
  const plan = await planPolicy(deps.db, { auth: deps.tables.auth, groups: deps.tables.groups }, loaded.doc, { prune });
  return { file, valid: true, issues: [], text, prune, plan: planJson(plan) };
}

async function readText(file: string): Promise<string | null> {
  const { readFile } = await import('node:fs/promises');
  return readFile(file, 'utf8').catch(() => null);
}
