import { resolve } from 'node:path';
import { ConfigError } from './config';
import { checkItemRoles } from './core/item-roles';
import { type Policy as CorePolicy, loadPolicy as decisionsOf, type PolicyOptions } from './core/policy/load-policy';
import { type Decision, shownDecision } from './http/decision';
import { formatIssue, loadPolicyFile } from './policy-file';

export type LoadPolicyOptions = PolicyOptions;

/** A policy's decisions as the package shows them: a denial with the status the server answers. */
export interface Policy extends Omit<CorePolicy, 'can'> {
  can(...args: Parameters<CorePolicy['can']>): Decision;
}

/**
 * A policy as decisions (docs: reference/policy-file#decisions-in-code): `can` and `filter` by the server's own
 * rules, without a database. `policy` is a document, or the path of a policy file (.yml, .json, .ts), read and
 * validated as `scoutr policy validate` does; every mistake is thrown at once.
 */
export function loadPolicy(policy: unknown, options: LoadPolicyOptions = {}): Policy {
  if (typeof policy !== 'string') return shown(decisionsOf(policy, options));
  const declared = options.itemRoles ?? options.app?.itemRoles;
  const itemRoles = declared ? checkItemRoles(declared) : null;
  const loaded = loadPolicyFile(resolve(policy), { itemRoles });
  if ('issues' in loaded) throw new ConfigError(loaded.issues.map(formatIssue).join('\n'));
  return shown(decisionsOf(loaded.doc, options));
}

const shown = (p: CorePolicy): Policy => ({ ...p, can: (...args) => shownDecision(p.can(...args)) });
