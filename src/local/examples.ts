import { resolve } from 'node:path';
import { ConfigError } from '../config';
import type { SeedData } from './seed';

// The examples `npm start -- --example NAME` serves (SPEC.md §13), each an app config and its seed under example/.
// The pet store is the default and lives at example/ itself.

export interface ExampleSeed extends SeedData {
  /** environment defaults the example needs (DEFAULT_ROLE, ANONYMOUS_ROLE): set variables win */
  env?: Record<string, string>;
  /** [label, curl headers] for the banner */
  identities: Array<[string, string]>;
}

const root = resolve(__dirname, '../../example');
export const EXAMPLES = {
  petstore: { app: resolve(root, 'app.ts'), seed: () => import('../../example/seed') },
  recipes: { app: resolve(root, 'recipes/app.ts'), seed: () => import('../../example/recipes/seed') },
  repos: { app: resolve(root, 'repos/app.ts'), seed: () => import('../../example/repos/seed') },
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
