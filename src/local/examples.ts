import { resolve } from 'node:path';
import { formatIssue, loadPolicyFile } from '../cli/policy-file';
import { ConfigError } from '../config';
import { policyRecords } from '../core/policy/records';
import type { PolicyDocument } from '../core/policy/schema';
import type { SeedData } from './seed';

// The examples `npm start -- --example NAME` serves (SPEC.md §13), each an app config and its seed under example/.
// The pet store is the default and lives at example/ itself.

/** An example's seed: its items and item grants; its permissions are its policy file (`policyFile`). */
export interface ExampleSeed extends Omit<SeedData, 'authRecords' | 'groups'> {
  /** environment defaults the example needs (DEFAULT_ROLE, ANONYMOUS_ROLE): set variables win */
  env?: Record<string, string>;
  /** [label, curl headers] for the banner */
  identities: Array<[string, string]>;
}

const root = resolve(__dirname, '../../example');
/** An example's folder under example/: its app config and policy file; its seed is imported by name (bundlers). */
const example = (dir: string, policy: string, seed: () => Promise<unknown>) => ({
  app: resolve(root, dir, 'app.ts'),
  policy: resolve(root, dir, policy),
  seed,
});
export const EXAMPLES = {
  petstore: example('.', 'policy.yml', () => import('../../example/seed')),
  recipes: example('recipes', 'policy.yml', () => import('../../example/recipes/seed')),
  repos: example('repos', 'policy.yml', () => import('../../example/repos/seed')),
  articles: example('articles', 'policy.ts', () => import('../../example/articles/seed')),
} as const;
export type ExampleName = keyof typeof EXAMPLES;

export function exampleNamed(name: string): (typeof EXAMPLES)[ExampleName] & { name: ExampleName } {
  if (!Object.hasOwn(EXAMPLES, name)) {
    throw new ConfigError(`--example: no example '${name}'; the examples are ${Object.keys(EXAMPLES).join(', ')}`);
  }
  return { ...EXAMPLES[name as ExampleName], name: name as ExampleName };
}

export async function exampleSeed(name: ExampleName): Promise<ExampleSeed> {
  return (await EXAMPLES[name].seed()) as unknown as ExampleSeed;
}

/** The key attribute of an example's data table (from its app config's localTable). */
export const exampleKey = (app: { localTable?: { partitionKey: { name: string } } }) =>
  app.localTable?.partitionKey.name ?? 'id';

/** The example whose app config is this file, if any. */
export function exampleByFile(file: string) {
  const name = (Object.keys(EXAMPLES) as ExampleName[]).find((n) => EXAMPLES[n].app === file);
  return name === undefined ? undefined : { ...EXAMPLES[name], name };
}

/** An example's policy file (SPEC.md §13), validated as `scoutr policy validate` does. */
export function examplePolicy(name: ExampleName): PolicyDocument {
  const loaded = loadPolicyFile(EXAMPLES[name].policy);
  if ('issues' in loaded) throw new ConfigError(loaded.issues.map(formatIssue).join('\n'));
  return loaded.doc;
}

/** The auth records and groups an example's policy file declares, as the tables hold them. */
export function examplePolicyRecords(name: ExampleName): Pick<SeedData, 'authRecords' | 'groups'> {
  const { records, groups } = policyRecords(examplePolicy(name));
  return { authRecords: records, groups };
}
