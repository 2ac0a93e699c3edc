import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadApp } from '../config';
import { itemsRoute, RouteTableError, routesFor } from '../core/routes';
import {
  auditTableSpec,
  authTableSpec,
  createMissingTables,
  grantsTableSpec,
  groupTableSpec,
  isTableEmpty,
  type TableSpec,
  tableExists,
} from '../dynamo/admin';
import { createClient, type DynamoDBClient, localCredentials } from '../dynamo/client';
import { applyPolicy, planPolicy } from '../dynamo/policy';
import { openApiDocument } from '../http/openapi';
import { createRuntime } from '../http/runtime';
import { type LocalConfig, loadLocalConfig } from './config';
import { type Emulator, startEmulator } from './emulator';
import {
  EXAMPLES,
  type ExampleName,
  type ExampleSeed,
  exampleByFile,
  exampleKey,
  exampleNamed,
  examplePolicy,
  exampleSeed,
} from './examples';
import { seed } from './seed';
import { startServer } from './server';

/**
 * `npm start`: the example API (or SCOUTR_CONFIG's) on localhost, on an embedded DynamoDB Local, or on the
 * DynamoDB at DYNAMODB_ENDPOINT. Tables we were pointed at are never created, seeded or reset, unless
 * SCOUTR_SEED=example asks for it (and then only missing tables are created and missing records put).
 */
export async function main(
  env: Record<string, string | undefined> = process.env,
  argv: readonly string[] = [],
): Promise<() => Promise<void>> {
  // The SDK's notice that its 2027 releases need Node 22 says nothing about this server (README "Requirements").
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const chosen = exampleFromArgs(argv);
  if (chosen && env.SCOUTR_CONFIG) throw new ConfigError('--example and SCOUTR_CONFIG: give one or the other');
  // SCOUTR_CONFIG naming an example's own app file is that example (seeded like it).
  const configured = env.SCOUTR_CONFIG ? resolve(process.cwd(), env.SCOUTR_CONFIG) : undefined;
  const example = chosen ?? exampleByFile(configured ?? EXAMPLES.petstore.app);
  const exampleData = example ? await exampleSeed(example.name) : undefined;
  // An example's own defaults (its DEFAULT_ROLE, ANONYMOUS_ROLE) apply unless the environment says otherwise.
  const config = loadLocalConfig({ ...exampleData?.env, ...env });
  // Without SCOUTR_CONFIG the example is the pet store's, so one of the two names the app module.
  const app = await loadApp(example?.app ?? configured!);
  // A route table API Gateway could not deploy is refused before anything starts (also for an app not written with
  // defineApp, which refuses it as the module loads).
  const routes = routesFor(app);
  // The embedded DynamoDB is ours: an app with item roles gets its grants table there by default. Against an
  // external DynamoDB, GRANTS_TABLE is honoured exactly (the runtime refuses item roles without it).
  if (!config.DYNAMODB_ENDPOINT && app.itemRoles && !config.GRANTS_TABLE) config.GRANTS_TABLE = 'scoutr-grants';
  let emulator: Emulator | undefined;
  let endpoint = config.DYNAMODB_ENDPOINT;
  const region = config.AWS_REGION ?? 'us-east-1';
  if (!endpoint) {
    emulator = await startEmulator({ dataDir: config.SCOUTR_DATA_DIR, region });
    endpoint = emulator.endpoint;
  }
  const db = createClient({
    endpoint,
    region,
    readBudgetMs: config.READ_BUDGET_MS, // a DynamoDB that stops answering is a 503, not a hang (client.ts)
    // The embedded database answers only its own key; another DynamoDB gets the credentials the environment gives.
    credentials: emulator ? emulator.credentials : localCredentials(endpoint, env),
  });
  try {
    const specs: TableSpec[] = [
      { name: config.DATA_TABLE, ...(app.localTable ?? { partitionKey: { name: 'id', type: 'S' } }) },
      authTableSpec(config.AUTH_TABLE),
      groupTableSpec(config.GROUP_TABLE),
      ...(config.AUDIT_TABLE ? [auditTableSpec(config.AUDIT_TABLE)] : []),
      ...(config.GRANTS_TABLE ? [grantsTableSpec(config.GRANTS_TABLE)] : []),
    ];
    const mayCreate = emulator !== undefined || config.SCOUTR_SEED === 'example';
    if (mayCreate) {
      const created = await createMissingTables(db, specs);
      if (created.length > 0) console.log(`created tables: ${created.join(', ')}`);
    } else {
      await requireTables(db, specs);
    }
    if (exampleData && (config.SCOUTR_SEED === 'example' || emulator)) {
      await seedExample(db, config, example!.name, exampleKey(app));
    }

    const runtime = await createRuntime(app, { ...config, DYNAMODB_ENDPOINT: endpoint }, { db });
    const doc = openApiDocument(app);
    const server = await startServer({
      runtime,
      routes,
      host: config.HOST,
      port: config.PORT,
      extra: { '/openapi.json': () => doc },
    });
    printBanner(server.url, endpoint, itemsRoute(app), config, emulator, example?.name, exampleData);
    return async () => {
      await server.close();
      db.destroy();
      await emulator?.stop();
    };
  } catch (err) {
    // Nothing is left running when start-up fails: no open client, no orphaned DynamoDB Local.
    db.destroy();
    await emulator?.stop();
    throw err;
  }
}

async function requireTables(db: DynamoDBClient, specs: readonly TableSpec[]): Promise<void> {
  const missing: string[] = [];
  for (const spec of specs) if (!(await tableExists(db, spec.name))) missing.push(spec.name);
  if (missing.length > 0) {
    throw new ConfigError(
      `These tables do not exist at DYNAMODB_ENDPOINT: ${missing.join(', ')}. ` +
        'Create them (README "Tables"), or set SCOUTR_SEED=example to create and seed the example.',
    );
  }
}

/**
 * Seeds an example into empty tables: its policy file applied through the same plan and conditioned writes as
 * `scoutr policy apply` (creates only: nothing declared elsewhere is touched), then its items and item grants.
 */
async function seedExample(db: DynamoDBClient, config: LocalConfig, name: ExampleName, key: string): Promise<void> {
  const tables = {
    data: config.DATA_TABLE,
    auth: config.AUTH_TABLE,
    groups: config.GROUP_TABLE,
    grants: config.GRANTS_TABLE,
  };
  if (!(await isTableEmpty(db, tables.data)) && !(await isTableEmpty(db, tables.auth))) return;
  const policyTables = { auth: tables.auth, groups: tables.groups };
  const plan = await planPolicy(db, policyTables, examplePolicy(name), { prune: false });
  // Records someone already has are theirs: seeding puts only the ones that are missing.
  const creates = plan.changes.filter((c) => c.action === 'create');
  await applyPolicy(db, policyTables, creates);
  const data = await exampleSeed(name);
  const written = await seed(db, tables, { ...data, authRecords: [], groups: [] }, key);
  console.log(
    `seeded the example: ${creates.length} policy records (${EXAMPLES[name].policy}), ${written} items and grants`,
  );
}

/** `--example NAME` (or `--example=NAME`), the only argument `npm start` takes. */
function exampleFromArgs(argv: readonly string[]) {
  const { values } = parseArgs({ args: [...argv], options: { example: { type: 'string' } }, strict: true });
  return values.example === undefined ? undefined : exampleNamed(values.example);
}

function printBanner(
  url: string,
  endpoint: string,
  itemsPath: string,
  config: LocalConfig,
  emulator: Emulator | undefined,
  example: ExampleName | undefined,
  data: ExampleSeed | undefined,
): void {
  const lines = [
    '',
    `Scoutr is listening on ${url}`,
    `  DynamoDB: ${emulator ? `embedded DynamoDB Local (${config.SCOUTR_DATA_DIR ? `on disk: ${config.SCOUTR_DATA_DIR}` : 'in memory'})` : config.DYNAMODB_ENDPOINT}`,
    `  tables:   data=${config.DATA_TABLE} auth=${config.AUTH_TABLE} groups=${config.GROUP_TABLE} audit=${config.AUDIT_TABLE ?? '(off)'}${config.GRANTS_TABLE ? ` grants=${config.GRANTS_TABLE}` : ''}`,
    `  OIDC headers trusted: ${config.TRUST_OIDC_HEADERS}`,
    ...(config.OIDC_JWKS_URL ? [`  JWT verification: bearer tokens checked against ${config.OIDC_JWKS_URL}`] : []),
  ];
  if (example && example !== 'petstore' && data) {
    const items = `${url}/${example}`;
    lines.push('', `The ${example} example (README "Examples": the demo, step by step). Its identities:`);
    for (const [label, headers] of data.identities) lines.push(`  ${label}: curl -s ${items} ${headers}`.trimEnd());
    if (config.DEFAULT_ROLE)
      lines.push(`  every signed-in caller also has the role '${config.DEFAULT_ROLE}' (DEFAULT_ROLE)`);
    if (config.ANONYMOUS_ROLE)
      lines.push(`  a call without identity has the role '${config.ANONYMOUS_ROLE}' (ANONYMOUS_ROLE)`);
  }
  if (example === 'petstore') {
    lines.push(
      '',
      'Try it (each identity is seeded; see README "Permission model"):',
      `  curl -s ${url}/items -H 'x-api-key: public-key'`,
      `  curl -s '${url}/items?type=dog&price__lt=480' -H 'x-api-key: admin-key'`,
      `  curl -s ${url}/item/p-1 -H 'Oidc-Claim-Sub: alice'`,
      `  curl -s ${url}/types -H 'x-api-key: public-key'`,
      `  curl -s -X POST ${url}/search/type -H 'x-api-key: admin-key' -d '["cat","rabbit"]'`,
      `  curl -s -X POST ${url}/item -H 'Oidc-Claim-Sub: alice' -d '{"name":"Fido","type":"dog","status":"available","price":300}'`,
      `  curl -s -X PATCH ${url}/item/p-2 -H 'x-api-key: inventory-key' -d '{"status":"pending"}'`,
      `  curl -s -X DELETE ${url}/item/p-4 -H 'x-api-key: inventory-key'`,
      `  curl -s ${url}/items -H 'Oidc-Claim-Sub: owen'`,
      `  curl -s ${url}/user -H 'Oidc-Claim-Sub: vera' -H 'Oidc-Claim-Groups: vets'`,
      `  curl -s '${url}/audit?action=UPDATE' -H 'Oidc-Claim-Sub: audrey'`,
      `  curl -s ${url}/history/p-2 -H 'Oidc-Claim-Sub: audrey'`,
      `  curl -s '${url}/items?_explain=true&status=available' -H 'x-api-key: admin-key'`,
    );
  }
  if (!example) {
    lines.push(
      '',
      `Every call needs an auth record in ${config.AUTH_TABLE} (README "Permission model"); locally, send its id as`,
      "an x-api-key header (type API_KEY) or as Oidc-Claim-Sub (type USERNAME). The API's shape: GET /openapi.json",
    );
  }
  // The tables are plain DynamoDB ones: the scoutr command manages their permissions (README "Managing permissions").
  // The embedded database is private to its access key (emulator.ts): the commands carry it, and its region.
  const key = emulator
    ? ` AWS_REGION=${emulator.region} AWS_ACCESS_KEY_ID=${emulator.credentials.accessKeyId} AWS_SECRET_ACCESS_KEY=local`
    : '';
  const env = `DYNAMODB_ENDPOINT=${endpoint}${key} AUTH_TABLE=${config.AUTH_TABLE} GROUP_TABLE=${config.GROUP_TABLE} DATA_TABLE=${config.DATA_TABLE}`;
  lines.push(
    '',
    `Permissions as a policy file, against this DynamoDB (${endpoint}${emulator ? ', whose tables only this access key reaches' : ''}):`,
    `  ${env} npx scoutr policy export > policy.yml`,
    `  ${env} npx scoutr policy plan policy.yml`,
    `  ${env} npx scoutr policy apply policy.yml --yes`,
    `  ${env} npx scoutr check --as user:alice GET ${itemsPath}`,
  );
  lines.push('', 'Stop with Ctrl-C.', '');
  console.log(lines.join('\n'));
}

if (require.main === module) {
  main(process.env, process.argv.slice(2)).then(
    (stop) => {
      let stopping = false;
      const shutdown = () => {
        if (stopping) return;
        stopping = true;
        stop().then(() => process.exit(0));
      };
      process.on('SIGINT', shutdown);
      process.on('SIGTERM', shutdown);
    },
    (err: unknown) => {
      console.error(err instanceof ConfigError || err instanceof RouteTableError ? err.message : err);
      process.exit(1);
    },
  );
}
