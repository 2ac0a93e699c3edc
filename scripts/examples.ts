import { resolve } from 'node:path';
import { ConfigError } from '../src/config';
import type { AuthRecord, GroupRecord } from '../src/core/permissions/record';
import { policyRecords } from '../src/core/policy/records';
import type { PolicyDocument } from '../src/core/policy/schema';
import { findProject, loadProject, type Project } from '../src/local/project';
import { formatIssue, loadPolicyFile } from '../src/policy-file';

// The examples of this repository (docs: tutorials), each a project under example/NAME as `scoutr init` makes one:
// `npm start -- --example NAME` serves it, and the tests start it through here.

export const EXAMPLES = ['petstore', 'recipes', 'repos', 'articles'] as const;
export type ExampleName = (typeof EXAMPLES)[number];

export const exampleDir = (name: ExampleName) => resolve(__dirname, '..', 'example', name);

export function exampleNamed(name: string): ExampleName {
  if (!(EXAMPLES as readonly string[]).includes(name)) {
    throw new ConfigError(`--example: no example '${name}'; the examples are ${EXAMPLES.join(', ')}`);
  }
  return name as ExampleName;
}

/** An example's files: its scoutr.config.ts and, beside it, its policy and seed files. */
export const exampleFiles = (name: ExampleName) =>
  findProject({ app: resolve(exampleDir(name), 'scoutr.config.ts') }, {}, exampleDir(name));

/** An example loaded as `scoutr dev` loads it: app config, policy document, seed. */
export const loadExample = (name: ExampleName): Promise<Project> => loadProject(exampleFiles(name));

/** An example's policy file, validated as `scoutr policy validate` validates it. */
export function examplePolicy(name: ExampleName): PolicyDocument {
  const file = exampleFiles(name).policy!;
  const loaded = loadPolicyFile(file);
  if ('issues' in loaded) throw new ConfigError(loaded.issues.map(formatIssue).join('\n'));
  return loaded.doc;
}

/** The auth records and groups an example's policy file declares, as the tables hold them. */
export function examplePolicyRecords(name: ExampleName): { authRecords: AuthRecord[]; groups: GroupRecord[] } {
  const { records, groups } = policyRecords(examplePolicy(name));
  return { authRecords: records, groups };
}
