import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Command, CommanderError, Option } from 'commander';
import { stringify } from 'yaml';
import { canonicalizePath } from '../actions/user';
import { ConfigError } from '../config';
import { roleSettings } from '../core/app';
import { ScoutrError } from '../core/errors';
import { describeFilter } from '../core/filter/describe';
import { toJson } from '../core/json';
import { decide, decisionRoutes } from '../core/permissions/decide';
import type { AuthRecord, GroupRecord } from '../core/permissions/record';
import { type FoundRecords, resolveRoles } from '../core/permissions/resolve';
import { lookupOf, namedRoleFor, type RoleSettings } from '../core/permissions/roles';
import type { PolicyChange, PolicyPlan, PolicyTable } from '../core/policy/diff';
import { parseIdentity } from '../core/policy/load-policy';
import { policyDocument, policyRecords } from '../core/policy/records';
import { policyJsonSchema } from '../core/policy/schema';
import { routesFor } from '../core/routes';
import { type AttributeValue, type Item, keyValue } from '../core/values';
import { AuthStore } from '../dynamo/auth';
import { applyPolicy, PolicyRaced, type PolicyTables, planPolicy, scanAll } from '../dynamo/policy';
import { getItem } from '../dynamo/read';
import { describeDataTable } from '../dynamo/schema';
import { type Decision, decisionJson, shownDecision } from '../http/decision';
import { consoleCommand } from './commands/console';
import { devCommand } from './commands/dev';
import { initCommand } from './commands/init';
import { openapiCommand } from './commands/openapi';
import { type CliEnv, cliClient, cliEnv, rolesEnv } from './env';
import type { Io } from './io';
import { appItemRoles, CliError, formatIssue, loadPolicyFile } from './policy-file';

export type { Io } from './io';

const EXIT = { ok: 0, error: 1, changes: 2, denied: 2 } as const;
const PROGRESS_PAST = 100;

class Exit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

const label = (table: PolicyTable) => (table === 'auth' ? 'record' : 'group');
const show = (v: AttributeValue | undefined) => (v === undefined ? '(absent)' : JSON.stringify(toJson(v)));

function planText(plan: PolicyPlan): string[] {
  const lines: string[] = [];
  const sign = { create: '+', update: '~', delete: '-' } as const;
  for (const c of plan.changes) {
    lines.push(`${sign[c.action]} ${label(c.table)} ${c.id}`);
    if (c.action === 'update')
      for (const f of c.fields) lines.push(`    ${f.field}: ${show(f.before)} → ${show(f.after)}`);
  }
  if (plan.undeclared.length > 0) {
    const names = plan.undeclared.slice(0, 10).map((u) => `${label(u.table)} ${u.id}`);
    const more = plan.undeclared.length > 10 ? `, and ${plan.undeclared.length - 10} more` : '';
    lines.push(
      `${plan.undeclared.length} in the tables but not in the file, kept (--prune deletes them): ${names.join(', ')}${more}`,
    );
  }
  lines.push(summary(plan));
  return lines;
}

const count = (plan: PolicyPlan, action: PolicyChange['action']) =>
  plan.changes.filter((c) => c.action === action).length;
function summary(plan: PolicyPlan): string {
  if (plan.changes.length === 0) return 'No changes: the tables match the policy.';
  return `Plan: ${count(plan, 'create')} to create, ${count(plan, 'update')} to update, ${count(plan, 'delete')} to delete.`;
}

const planJson = (plan: PolicyPlan) => ({
  changes: plan.changes.map((c) => ({
    action: c.action,
    kind: label(c.table),
    id: c.id,
    fields: Object.fromEntries(
      c.fields.map((f) => [f.field, { before: f.before && toJson(f.before), after: f.after && toJson(f.after) }]),
    ),
  })),
  undeclared: plan.undeclared.map((u) => ({ kind: label(u.table), id: u.id })),
  summary: { create: count(plan, 'create'), update: count(plan, 'update'), delete: count(plan, 'delete') },
});

/** Runs `scoutr ARGS...`; resolves to the exit code. Never throws, never prints a stack. */
export async function run(args: readonly string[], io: Io): Promise<number> {
  const json = (value: unknown) => io.out(`${JSON.stringify(value, null, 2)}\n`);
  const lines = (text: readonly string[]) => io.out(`${text.join('\n')}\n`);
  let clients: { env: CliEnv; db: DynamoDBClient } | undefined;
  const connect = () => {
    if (!clients) {
      const env = cliEnv(io.env);
      clients = { env, db: io.db ?? cliClient(env, io.env) };
    }
    return clients;
  };
  const tables = (): PolicyTables => ({ auth: connect().env.AUTH_TABLE, groups: connect().env.GROUP_TABLE });

  const loadOrExit = (file: string, asJson: boolean) => {
    const loaded = loadPolicyFile(file);
    if ('doc' in loaded) return loaded.doc;
    if (asJson) json({ valid: false, issues: loaded.issues });
    else io.err(`${loaded.issues.map(formatIssue).join('\n')}\n`);
    throw new Exit(EXIT.error);
  };

  const computePlan = async (file: string, prune: boolean, asJson: boolean) => {
    const doc = loadOrExit(file, asJson);
    return planPolicy(connect().db, tables(), doc, { prune });
  };

  const program = new Command('scoutr')
    .description('Manage and check Scoutr permissions: policy files, the auth and groups tables, decisions.')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .showHelpAfterError('(add --help for usage)')
    .addHelpText(
      'after',
      '\nThe tables are found as the server finds them: AUTH_TABLE, GROUP_TABLE (DATA_TABLE for check --item),\n' +
        'DYNAMODB_ENDPOINT, AWS_REGION, and AWS credentials from the default chain.',
    );
  const policy = program.command('policy').description('policy files: validate, plan, apply, export, schema');
  policy.exitOverride();

  let code: number = EXIT.ok;
  policy
    .command('validate')
    .description('check policy files; every error at once, as FILE:LINE:COL: <field path>: <message>')
    .argument('<file...>', 'policy files (.yml, .yaml, .json, .ts, .js)')
    .option(
      '--app <module>',
      'the app config module: item_role filters must name one of its item roles, and a permitted endpoint that ' +
        'matches none of its routes is a warning',
    )
    .option('--json', 'print the result as JSON')
    .action((files: string[], opts: { json?: boolean; app?: string }) => {
      const app = opts.app === undefined ? undefined : appItemRoles(opts.app);
      const options = { itemRoles: app?.roles, routes: app && routesFor(app.app) };
      const results = files.map((file) => ({ file, loaded: loadPolicyFile(file, options) }));
      const issues = results.flatMap((r) => ('issues' in r.loaded ? r.loaded.issues : []));
      // Warnings never change the exit code: a rule that permits nothing is likely a leftover, not a mistake.
      const warnings = results.flatMap((r) => r.loaded.warnings ?? []);
      const records = results.reduce(
        (n, r) => n + ('doc' in r.loaded ? Object.keys(r.loaded.doc.records ?? {}).length : 0),
        0,
      );
      const groups = results.reduce(
        (n, r) => n + ('doc' in r.loaded ? Object.keys(r.loaded.doc.groups ?? {}).length : 0),
        0,
      );
      const s = (n: number) => (n === 1 ? '' : 's');
      if (opts.json) json({ valid: issues.length === 0, files: files.length, records, groups, issues, warnings });
      else {
        if (warnings.length > 0) {
          const shown = warnings.map((w) => formatIssue({ ...w, message: `warning: ${w.message}` }));
          io.err(`${shown.join('\n')}\n${warnings.length} warning${s(warnings.length)}\n`);
        }
        if (issues.length > 0)
          io.err(`${issues.map(formatIssue).join('\n')}\n${issues.length} error${s(issues.length)}\n`);
        else io.out(`${files.join(', ')}: valid (${records} records, ${groups} groups)\n`);
      }
      code = issues.length > 0 ? EXIT.error : EXIT.ok;
    });

  policy
    .command('plan')
    .description('show what apply would change; exit 0: nothing to do, 2: changes, 1: error')
    .argument('<file>', 'the policy file')
    .option('--prune', 'also delete the records and groups the file does not declare')
    .option('--json', 'print the plan as JSON')
    .action(async (file: string, opts: { prune?: boolean; json?: boolean }) => {
      const plan = await computePlan(file, opts.prune === true, opts.json === true);
      if (opts.json) json(planJson(plan));
      else lines(planText(plan));
      code = plan.changes.length > 0 ? EXIT.changes : EXIT.ok;
    });

  policy
    .command('apply')
    .description(
      'apply the plan; each write is conditioned on the record as planned, so a concurrent change stops the apply',
    )
    .argument('<file>', 'the policy file')
    .option('--prune', 'also delete the records and groups the file does not declare')
    .option('--yes', 'apply without asking (required without a terminal)')
    .option('--json', 'print the plan and the result as JSON')
    .action(async (file: string, opts: { prune?: boolean; yes?: boolean; json?: boolean }) => {
      const plan = await computePlan(file, opts.prune === true, opts.json === true);
      if (!opts.json) lines(planText(plan));
      if (plan.changes.length === 0) {
        if (opts.json) json({ ...planJson(plan), applied: 0 });
        return;
      }
      if (!opts.yes) {
        if (!io.interactive) throw new CliError('no terminal to confirm the apply: pass --yes');
        const answer = await io.ask(
          `Apply ${plan.changes.length} change${plan.changes.length === 1 ? '' : 's'}? Type yes: `,
        );
        if (answer.trim() !== 'yes') throw new CliError('apply cancelled; nothing was written');
      }
      const total = plan.changes.length;
      try {
        await applyPolicy(connect().db, tables(), plan.changes, (done) => {
          if (total > PROGRESS_PAST) io.err(`applied ${done}/${total}\n`);
        });
      } catch (err) {
        if (!(err instanceof PolicyRaced)) throw err;
        const c = err.change;
        throw new CliError(
          `${label(c.table)} ${c.id} changed since the plan; stopped without writing it. ` +
            `${err.applied} of ${total} changes were applied before it; run plan again.`,
        );
      }
      if (opts.json) json({ ...planJson(plan), applied: total });
      else io.out(`Applied ${total} change${total === 1 ? '' : 's'}.\n`);
    });

  policy
    .command('export')
    .description('print the tables as a policy document (export, then plan: no changes)')
    .addOption(new Option('--format <format>', 'output format (default: yaml)').choices(['yaml', 'json', 'ts']))
    .option('--json', 'print the document as JSON (--format json)')
    .action(async (opts: { format?: 'yaml' | 'json' | 'ts'; json?: boolean }) => {
      if (opts.json && opts.format !== undefined && opts.format !== 'json') {
        throw new CliError(`--json and --format ${opts.format}: give one or the other`);
      }
      const format = opts.json ? 'json' : (opts.format ?? 'yaml');
      const { db } = connect();
      const t = tables();
      const [auth, groups] = await Promise.all([scanAll(db, t.auth), scanAll(db, t.groups)]);
      const plain = (items: Item[]) => items.map((i) => toJson({ M: i }) as Record<string, never>);
      const doc = policyDocument({ records: plain(auth), groups: plain(groups) });
      if (format === 'yaml') io.out(stringify(doc, { lineWidth: 0 }));
      else if (format === 'json') json(doc);
      else io.out(`// Exported by scoutr policy export\nexport default ${JSON.stringify(doc, null, 2)};\n`);
    });

  policy
    .command('schema')
    .description("print the policy document's JSON Schema, for editors (always JSON)")
    .option('--json', 'print the schema as JSON (the only format: accepted for uniformity)')
    .action(() => json(policyJsonSchema()));

  program.addCommand(initCommand(io));
  program.addCommand(devCommand(io));

  program
    .command('check')
    .description('what the server decides for IDENTITY on METHOD PATH; exit 0: allowed, 2: denied, 1: error')
    .requiredOption('--as <identity>', 'key:ID, user:ID[:group,group...] or anonymous')
    .argument('<method>', 'GET, POST, PUT, PATCH or DELETE')
    .argument('<path>', 'the request path, such as /item/p-1')
    .option('--item <id>', 'the item (read from DATA_TABLE): whether that row is visible and changeable')
    .option(
      '--body <json>',
      "the request's JSON body: an update's changes (the row after it is checked too), a create's item, a grant; " +
        'for a custom action, the change it makes',
    )
    .option('--policy <file>', 'decide from this file alone, not from the auth tables')
    .option('--app <module>', 'the app config module: its routes and item roles (default: SCOUTR_CONFIG)')
    .option('--json', 'print the decision as JSON')
    .action(
      async (
        method: string,
        rawPath: string,
        opts: { as: string; item?: string; body?: string; policy?: string; app?: string; json?: boolean },
      ) => {
        const path = canonicalizePath(rawPath);
        const appFile = opts.app ?? (io.env.SCOUTR_CONFIG || undefined);
        const app = appFile === undefined ? undefined : appItemRoles(appFile);
        const body = opts.body === undefined ? undefined : jsonObject(opts.body);
        let found: FoundRecords;
        // DEFAULT_ROLE and ANONYMOUS_ROLE as the server takes them: the variables, else the app's own.
        let settings: RoleSettings;
        if (opts.policy) {
          const { records, groups } = policyRecords(loadOrExit(opts.policy, opts.json === true));
          found = {
            records: new Map<string, AuthRecord>(records.map((r) => [r.id, r])),
            groups: new Map<string, GroupRecord>(groups.map((g) => [g.group_id, g])),
          };
          settings = roleSettings(app?.app ?? {}, rolesEnv(io.env));
        } else {
          const { env, db } = connect();
          settings = roleSettings(app?.app ?? {}, env);
          const lookup = lookupOf(parseIdentity(opts.as));
          const named = namedRoleFor(lookup, settings);
          const store = new AuthStore(db, tables(), { cacheSeconds: 0, now: io.now ?? (() => 0) });
          found = await store.load(lookup, undefined, named);
        }
        // The server's own resolution and decision, on the app's routes (core/permissions: resolve.ts, decide.ts).
        const itemRoles = app?.roles ?? undefined;
        const { caller, roles } = resolveRoles(parseIdentity(opts.as), found, settings, itemRoles);
        let item: Item | undefined;
        if (opts.item !== undefined) {
          const { env, db } = connect();
          if (!env.DATA_TABLE) throw new CliError('--item needs DATA_TABLE');
          const schema = await describeDataTable(db, env.DATA_TABLE);
          const key = keyValue(schema.partitionKey.type, opts.item);
          if (!key) throw new CliError(`--item ${opts.item}: not a valid key for ${schema.partitionKey.name}`);
          item = await getItem(db, {
            table: env.DATA_TABLE,
            key: { [schema.partitionKey.name]: key },
            consistent: true,
          });
          if (!item) throw new CliError(`--item ${opts.item}: no such item in ${env.DATA_TABLE}`);
        }
        const d = shownDecision(
          decide(roles, { caller, method, path, item, body }, decisionRoutes(app?.app, itemRoles)),
        );
        if (opts.json) {
          const { allowed, reason, ...rest } = decisionJson(d, opts.item);
          json({ allowed, reason, identity: caller.id ?? null, ...rest });
        } else lines(decisionText(d, method.toUpperCase(), path, opts.item));
        code = d.allowed ? EXIT.ok : EXIT.denied;
      },
    );

  // Added commands do not inherit the program's settings: without them a usage error would exit the process.
  program.addCommand(openapiCommand(io).copyInheritedSettings(program));
  program.addCommand(consoleCommand(io).copyInheritedSettings(program));

  try {
    await program.parseAsync([...args], { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof Exit) return err.code;
    if (err instanceof CommanderError) {
      // Help and version are answers, not failures; commander has already printed usage errors.
      return err.exitCode === 0 ? EXIT.ok : EXIT.error;
    }
    io.err(`scoutr: ${messageOf(err)}\n`);
    return EXIT.error;
  }
}

/** `--body`: a JSON object, or a one-line error. */
function jsonObject(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new CliError(`--body: not JSON (${(err as Error).message})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new CliError('--body: not a JSON object');
  return value as Record<string, unknown>;
}

/** A clean one-line message: ours, the configuration's, or the SDK's name and message. Never a stack. */
function messageOf(err: unknown): string {
  if (err instanceof CliError || err instanceof ConfigError) return err.message;
  if (err instanceof ScoutrError) {
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
    if (err.code !== 'AUTH_CONFIG') return err.message;
    // Item-role filters are decided with the app's declaration: say where the command finds it.
    const hint = /not an item role of the app config/.test(cause)
      ? ' (the app config is --app MODULE or SCOUTR_CONFIG)'
      : '';
    return `${err.message}${cause}${hint}`;
  }
  if (err instanceof Error) return err.name && err.name !== 'Error' ? `${err.name}: ${err.message}` : err.message;
  return String(err);
}

function decisionText(d: Decision, method: string, path: string, itemId: string | undefined): string[] {
  const out = [`${d.allowed ? 'allowed' : 'denied'}: ${method} ${path}: ${d.reason}`];
  if (d.route?.action !== undefined) {
    out.push(`route: ${d.route.method} ${d.route.path} (custom action ${d.route.action}, runs as ${d.route.runs})`);
  }
  if (d.roles.length > 0) {
    out.push(`roles: ${d.roles.join(', ')}`);
    out.push(`row filter: ${d.filter === true ? 'all rows' : JSON.stringify(describeFilter(d.filter))}`);
    out.push(`hidden fields: ${d.hidden.length > 0 ? d.hidden.join(', ') : 'none'}`);
  }
  if (itemId !== undefined && d.item) {
    const changeable = d.item.changeable === undefined ? '' : d.item.changeable ? ', changeable' : ', not changeable';
    out.push(`item ${itemId}: ${d.item.visible ? 'visible' : 'not visible'}${changeable}`);
  }
  return out;
}
