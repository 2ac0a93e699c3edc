import type { AppConfig } from '../../src/core/app';
import { EXAMPLES, type ExampleName, examplePolicyRecords, exampleSeed } from '../../src/local/examples';
import { type Harness, type HarnessOptions, startHarness } from './harness';

/**
 * A harness serving one example as `npm start -- --example NAME` does: its app config, its seed (items, grants, the
 * environment defaults it needs) and its policy file's records, on fresh tables. `env` adds to the example's.
 */
export async function startExample(name: ExampleName, opts: Pick<HarnessOptions, 'env'> = {}): Promise<Harness> {
  const app = ((await import(EXAMPLES[name].app)) as { default: AppConfig }).default;
  const data = await exampleSeed(name);
  return startHarness({
    app,
    seed: { items: data.items, ...(data.grants ? { grants: data.grants } : {}), ...examplePolicyRecords(name) },
    env: { ...data.env, ...opts.env },
    dataTable: app.localTable!,
  });
}
