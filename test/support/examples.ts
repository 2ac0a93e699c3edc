import { type ExampleName, examplePolicyRecords, loadExample } from '../../scripts/examples';
import { dataTableOf } from '../../src/core/app';
import { type Harness, type HarnessOptions, startHarness } from './harness';

/**
 * A harness serving one example as `npm start -- --example NAME` does: its app config, its seed (items, grants) and
 * its policy file's records, on fresh tables. `env` adds variables (DEFAULT_ROLE, ...).
 */
export async function startExample(name: ExampleName, opts: Pick<HarnessOptions, 'env'> = {}): Promise<Harness> {
  const { app, seed } = await loadExample(name);
  return startHarness({
    app,
    seed: { items: seed?.items ?? [], grants: seed?.grants ?? [], ...examplePolicyRecords(name) },
    ...(opts.env ? { env: opts.env } : {}),
    dataTable: dataTableOf(app),
  });
}
