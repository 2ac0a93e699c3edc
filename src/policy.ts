import { resolve } from 'node:path';
import { formatIssue, loadPolicyFile } from './cli/policy-file';
import { ConfigError } from './config';
import type { AppConfig } from './core/app';
import { checkItemRoles } from './core/item-roles';
import { loadPolicy as decisionsOf, type Policy, type PolicyOptions } from './core/policy/load-policy';

export interface LoadPolicyOptions extends PolicyOptions {
  /** the app config: its item roles, and its default and anonymous roles unless the options above name them */
  app?: AppConfig;
}

/**
 * A policy as decisions (docs: reference/policy-file#decisions-in-code): `can` and `filter` by the server's own
 * rules, without a database. `policy` is a document, or the path of a policy file (.yml, .json, .ts), read and
 * validated as `scoutr policy validate` does; every mistake is thrown at once.
 */
export function loadPolicy(policy: unknown, options: LoadPolicyOptions = {}): Policy {
  const { app, ...rest } = options;
  const merged: PolicyOptions = {
    itemRoles: rest.itemRoles ?? app?.itemRoles,
    defaultRole: rest.defaultRole ?? app?.defaultRole,
    anonymousRole: rest.anonymousRole ?? app?.anonymousRole,
  };
  if (typeof policy !== 'string') return decisionsOf(policy, merged);
  const itemRoles = merged.itemRoles ? checkItemRoles(merged.itemRoles) : null;
  const loaded = loadPolicyFile(resolve(policy), { itemRoles });
  if ('issues' in loaded) throw new ConfigError(loaded.issues.map(formatIssue).join('\n'));
  return decisionsOf(loaded.doc, merged);
}
