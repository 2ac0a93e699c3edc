import { relative } from 'node:path';
import { ConfigError } from '../config';
import { type AppConfig, dataTableOf, roleSettings } from '../core/app';
import { loadPolicy } from '../core/policy/load-policy';
import type { PolicyDocument } from '../core/policy/schema';
import { itemRoute, itemsRoute, type Route, routesFor } from '../core/routes';
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
import { createRuntime, type Runtime } from '../http/runtime';
import { type LocalConfig, loadLocalConfig } from './config';
import { type Emulator, startEmulator } from './emulator';
import type { Project } from './project';
import { seed } from './seed';
import { startServer } from './server';

export interface DevOptions {
  /** the environment (docs/reference/configuration.md#the-server): table names, DYNAMODB_ENDPOINT, HOST, PORT, ... */
  env: Record<string, string | undefined>;
  /** flags win over their variables */
  port?: number | undefined;
  dataDir?: string | undefined;
  /** where the banner goes (default: nowhere) */
  print?: (text: string) => void;
  /** the folder paths are shown relative to in the banner */
  cwd?: string;
  /** how the banner spells the scoutr command (default `npx scoutr`; this repository's `npm start`: `npm run -s scoutr --`) */
  command?: string;
}

export interface DevServer {
  url: string;
  /** the DynamoDB it serves from: the embedded one, or DYNAMODB_ENDPOINT */
  endpoint: string;
  config: LocalConfig;
  db: DynamoDBClient;
  runtime: Runtime;
  routes: Route[];
  close(): Promise<void>;
}

/**
 * `scoutr dev` (and `npm start`): the project's app on 127.0.0.1, on an embedded DynamoDB Local (in memory, or on
 * disk under --data), or on the DynamoDB at DYNAMODB_ENDPOINT. Embedded tables are made from the app's table
 * declaration; its policy is applied creating only what is missing, and its seed items are put into an empty data
 * table. Tables we were pointed at are never created, seeded or reset, unless SCOUTR_SEED=example asks for it.
 */
export async function startDev(project: Project, o: DevOptions): Promise<DevServer> {
  // The SDK's notice that its 2027 releases need Node 22 says nothing about this server (docs: reference/package#requirements).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { app } = project;
  const config = devConfig(app, o);
  // A route table API Gateway could not deploy is refused before anything starts (also for an app not written with
  // defineApp, which refuses it as the module loads).
  const routes = routesFor(app);
  const region = config.AWS_REGION ?? 'us-east-1';
  const emulator = config.DYNAMODB_ENDPOINT
    ? undefined
    : await startEmulator({ dataDir: config.SCOUTR_DATA_DIR, region });
  const endpoint = emulator?.endpoint ?? config.DYNAMODB_ENDPOINT!;
  // The embedded database answers only its own key; another DynamoDB gets the credentials the environment gives.
  const credentials = emulator ? emulator.credentials : localCredentials(endpoint, o.env);
  const db = createClient({
    endpoint,
    region,
    readBudgetMs: config.READ_BUDGET_MS, // a DynamoDB that stops answering is a 503, not a hang (client.ts)
    credentials,
  });
  try {
    const say = o.print ?? (() => {});
    await prepareTables(db, { project, config, embedded: emulator !== undefined, say });
    const runtime = await createRuntime(app, { ...config, DYNAMODB_ENDPOINT: endpoint }, { db });
    const server = await startServer({ runtime, routes, host: config.HOST, port: config.PORT });
    say(
      banner({
        url: server.url,
        endpoint,
        region,
        accessKeyId: credentials?.accessKeyId,
        config,
        emulator,
        project,
        cwd: o.cwd,
        command: o.command,
      }),
    );
    return {
      url: server.url,
      endpoint,
      config,
      db,
      runtime,
      routes,
      close: async () => {
        await server.close();
        db.destroy();
        await emulator?.stop();
      },
    };
  } catch (err) {
    // Nothing is left running when start-up fails: no open client, no orphaned DynamoDB Local.
    db.destroy();
    await emulator?.stop();
    throw err;
  }
}

/** The environment, over the app's table name, and the flags over both. */
function devConfig(app: AppConfig, o: DevOptions): LocalConfig {
  const config = loadLocalConfig({
    ...(app.table?.name ? { DATA_TABLE: app.table.name } : {}),
    ...o.env,
    ...(o.port === undefined ? {} : { PORT: String(o.port) }),
    ...(o.dataDir === undefined ? {} : { SCOUTR_DATA_DIR: o.dataDir }),
  });
  // The embedded DynamoDB is ours: an app with item roles gets its grants table there by default. Against an
  // external DynamoDB, GRANTS_TABLE is honoured exactly (the runtime refuses item roles without it).
  if (!config.DYNAMODB_ENDPOINT && app.itemRoles && !config.GRANTS_TABLE) config.GRANTS_TABLE = 'scoutr-grants';
  return config;
}

/**
 * The embedded DynamoDB's tables are made and seeded (and an external one's when SCOUTR_SEED=example asks for it);
 * tables we were pointed at must exist, and are left as they are.
 */
async function prepareTables(
  db: DynamoDBClient,
  {
    project,
    config,
    embedded,
    say,
  }: { project: Project; config: LocalConfig; embedded: boolean; say: (text: string) => void },
): Promise<void> {
  const specs = tableSpecs(project.app, config);
  if (!embedded && config.SCOUTR_SEED !== 'example') return requireTables(db, specs);
  const created = await createMissingTables(db, specs);
  if (created.length > 0) say(`created tables: ${created.join(', ')}`);
  say(await seedProject(db, config, project));
}

/** The tables the app needs, with the data table as the app declares it. */
function tableSpecs(app: AppConfig, config: LocalConfig): TableSpec[] {
  return [
    { name: config.DATA_TABLE, ...dataTableOf(app) },
    authTableSpec(config.AUTH_TABLE),
    groupTableSpec(config.GROUP_TABLE),
    ...(config.AUDIT_TABLE ? [auditTableSpec(config.AUDIT_TABLE)] : []),
    ...(config.GRANTS_TABLE ? [grantsTableSpec(config.GRANTS_TABLE)] : []),
  ];
}

async function requireTables(db: DynamoDBClient, specs: readonly TableSpec[]): Promise<void> {
  const missing: string[] = [];
  for (const spec of specs) if (!(await tableExists(db, spec.name))) missing.push(spec.name);
  if (missing.length > 0) {
    throw new ConfigError(
      `These tables do not exist at DYNAMODB_ENDPOINT: ${missing.join(', ')}. ` +
        'Create them (docs: reference/tables), or set SCOUTR_SEED=example to create them and seed the project.',
    );
  }
}

/**
 * The project's policy, applied through the same plan and conditioned writes as `scoutr policy apply`, creating
 * only what is missing (nothing declared elsewhere is touched); then its seed items and grants into an empty table.
 */
async function seedProject(db: DynamoDBClient, config: LocalConfig, project: Project): Promise<string> {
  const done: string[] = [];
  if (project.policy) {
    const tables = { auth: config.AUTH_TABLE, groups: config.GROUP_TABLE };
    const plan = await planPolicy(db, tables, project.policy, { prune: false });
    const creates = plan.changes.filter((c) => c.action === 'create');
    await applyPolicy(db, tables, creates);
    done.push(`${creates.length} policy records created`);
  }
  if (project.seed && (await isTableEmpty(db, config.DATA_TABLE))) {
    const tables = {
      data: config.DATA_TABLE,
      auth: config.AUTH_TABLE,
      groups: config.GROUP_TABLE,
      grants: config.GRANTS_TABLE,
    };
    const data = { items: project.seed.items, grants: project.seed.grants ?? [], authRecords: [], groups: [] };
    done.push(`${await seed(db, tables, data, dataTableOf(project.app).partitionKey.name)} seed items and grants put`);
  }
  return done.length > 0 ? `seeded: ${done.join(', ')}` : 'nothing to seed';
}

interface BannerInput {
  url: string;
  endpoint: string;
  region: string;
  /** the access key id the server reaches DynamoDB with, when it is not the SDK's own chain's (localCredentials) */
  accessKeyId: string | undefined;
  config: LocalConfig;
  emulator: Emulator | undefined;
  project: Project;
  cwd?: string | undefined;
  command?: string | undefined;
}

const q = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
/** A word for a POSIX shell: as it is when no character in it means anything to the shell, else quoted (q). */
const word = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : q(s));

/** What `scoutr dev` prints: where it listens, what it serves from, and curl lines for the policy's identities. */
export function banner(input: BannerInput): string {
  const { url, endpoint, config, emulator, project, cwd = process.cwd() } = input;
  const { app, files } = project;
  const show = (file: string) => relative(cwd, file) || file;
  const lines = [
    '',
    `Scoutr is listening on ${url}`,
    `  app:      ${show(files.app)}${files.policy ? `, policy ${show(files.policy)}` : ''}${files.seed ? `, seed ${show(files.seed)}` : ''}`,
    `  DynamoDB: ${emulator ? `embedded DynamoDB Local (${config.SCOUTR_DATA_DIR ? `on disk: ${config.SCOUTR_DATA_DIR}` : 'in memory'})` : config.DYNAMODB_ENDPOINT}`,
    `  tables:   data=${config.DATA_TABLE} auth=${config.AUTH_TABLE} groups=${config.GROUP_TABLE} audit=${config.AUDIT_TABLE ?? '(off)'}${config.GRANTS_TABLE ? ` grants=${config.GRANTS_TABLE}` : ''}`,
    `  OIDC headers trusted: ${config.TRUST_OIDC_HEADERS}`,
    ...(config.OIDC_JWKS_URL ? [`  JWT verification: bearer tokens checked against ${config.OIDC_JWKS_URL}`] : []),
  ];
  const roles = roleSettings(app, config);
  if (roles.defaultRole) lines.push(`  every signed-in caller also has the role '${roles.defaultRole}' (DEFAULT_ROLE)`);
  if (roles.anonymousRole)
    lines.push(`  a call without identity has the role '${roles.anonymousRole}' (ANONYMOUS_ROLE)`);
  lines.push('', 'Routes (the API as each caller may call it: GET /openapi.json):');
  for (const r of routesFor(app)) lines.push(`  ${r.method.padEnd(6)} ${r.path}${r.action ? `  (${r.action})` : ''}`);
  const tries = project.policy ? tryLines(url, project, project.policy, config) : [];
  if (tries.length > 0) {
    lines.push('', `Try it, as the identities of ${files.policy ? show(files.policy) : 'the policy'}:`, ...tries);
  } else {
    lines.push(
      '',
      `Every call needs an auth record in ${config.AUTH_TABLE} (docs: reference/permissions); locally, send its id as`,
      'an x-api-key header (type API_KEY) or as Oidc-Claim-Sub (type USERNAME).',
    );
  }
  // The tables are plain DynamoDB ones: the scoutr command manages their permissions (docs: how-to/policy-in-ci).
  const policyFile = word(files.policy ? show(files.policy) : 'policy.yml');
  const someone = word(firstIdentity(project.policy) ?? 'user:alice');
  // DynamoDB Local keeps one database per access key and region (the embedded one is private to its key, emulator.ts):
  // the commands carry the server's key id and region. It checks no secret, so none is printed: `local` stands in.
  // With credentials from the SDK's chain (a real AWS account, AWS_PROFILE), the commands find them the same way.
  const key = input.accessKeyId
    ? ` AWS_REGION=${input.region} AWS_ACCESS_KEY_ID=${input.accessKeyId} AWS_SECRET_ACCESS_KEY=local`
    : '';
  const scoutr = input.command ?? 'npx scoutr';
  // Every table the server uses, so that `scoutr console` started with these shows the audit log and the grants too.
  const optional = [
    config.AUDIT_TABLE ? ` AUDIT_TABLE=${config.AUDIT_TABLE}` : '',
    config.GRANTS_TABLE ? ` GRANTS_TABLE=${config.GRANTS_TABLE}` : '',
  ].join('');
  const env = `DYNAMODB_ENDPOINT=${endpoint}${key} AUTH_TABLE=${config.AUTH_TABLE} GROUP_TABLE=${config.GROUP_TABLE} DATA_TABLE=${config.DATA_TABLE}${optional}`;
  lines.push(
    '',
    `Permissions as a policy file, against this DynamoDB (${endpoint}${emulator ? ', whose tables only this access key reaches' : ''}):`,
    `  ${env} ${scoutr} policy export > exported-policy.yml`,
    `  ${env} ${scoutr} policy plan ${policyFile}`,
    `  ${env} ${scoutr} policy apply ${policyFile} --yes`,
    `  ${env} ${scoutr} check --as ${someone} GET ${itemsRoute(app)} --app ${word(show(files.app))}`,
    '',
    'Stop with Ctrl-C.',
    '',
  );
  return lines.join('\n');
}

/**
 * One curl line per identity the policy declares: the first route of the app it may GET (decided by loadPolicy, the
 * server's own rules), sent the way the local server identifies callers.
 */
function tryLines(url: string, project: Project, doc: PolicyDocument, config: LocalConfig): string[] {
  const { app } = project;
  const roles = roleSettings(app, config);
  const policy = loadPolicy(doc, { ...roles, itemRoles: app.itemRoles });
  const key = dataTableOf(app).partitionKey.name;
  const firstId = project.seed?.items.map((i) => i[key]).find((v) => typeof v === 'string' || typeof v === 'number');
  const gets = routesFor(app)
    .filter((r) => r.method === 'GET' && !r.path.startsWith('/audit') && !r.path.startsWith('/history'))
    .map((r) =>
      r.path === `${itemRoute(app)}/{id}` && firstId !== undefined ? `${itemRoute(app)}/${firstId}` : r.path,
    )
    .filter((p) => !p.includes('{'));
  const who: Array<{ label: string; identity: string; headers: string }> = [];
  const user = config.OIDC_USER_HEADER;
  for (const [id, record] of Object.entries(doc.records ?? {})) {
    const type = (record as { type?: string }).type;
    if (type === 'API_KEY') who.push({ label: id, identity: `key:${id}`, headers: ` -H ${q(`x-api-key: ${id}`)}` });
    if (type === 'USERNAME' && config.TRUST_OIDC_HEADERS)
      who.push({ label: id, identity: `user:${id}`, headers: ` -H ${q(`${user}: ${id}`)}` });
    if (type === 'OIDC_GROUP' && config.TRUST_OIDC_HEADERS) {
      who.push({
        label: `a member of ${id}`,
        identity: `user:someone:${id}`,
        headers: ` -H ${q(`${user}: someone`)} -H ${q(`${config.OIDC_GROUPS_HEADER}: ${id}`)}`,
      });
    }
  }
  if (roles.anonymousRole) who.push({ label: 'anonymous', identity: 'anonymous', headers: '' });
  if (roles.defaultRole && config.TRUST_OIDC_HEADERS)
    who.push({ label: 'any signed-in user', identity: 'user:someone', headers: ` -H ${q(`${user}: someone`)}` });
  const out: string[] = [];
  for (const w of who) {
    const path = gets.find((p) => policy.can(w.identity, 'GET', p).allowed);
    if (path) out.push(`  curl -s ${url}${path}${w.headers}   # ${w.label}`);
  }
  return out;
}

/** The first identity the policy declares, as `scoutr check --as` takes it. */
function firstIdentity(doc: PolicyDocument | undefined): string | undefined {
  for (const [id, record] of Object.entries(doc?.records ?? {})) {
    const type = (record as { type?: string }).type;
    if (type === 'API_KEY') return `key:${id}`;
    if (type === 'USERNAME') return `user:${id}`;
  }
  return undefined;
}
