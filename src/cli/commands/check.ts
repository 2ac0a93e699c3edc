import { Command } from 'commander';
import { canonicalizePath } from '../../actions/user';
import { roleSettings } from '../../core/app';
import { describeFilter } from '../../core/filter/describe';
import { decide, decisionRoutes } from '../../core/permissions/decide';
import type { AuthRecord, GroupRecord } from '../../core/permissions/record';
import { type FoundRecords, resolveRoles } from '../../core/permissions/resolve';
import { lookupOf, namedRoleFor } from '../../core/permissions/roles';
import { parseIdentity } from '../../core/policy/load-policy';
import { policyRecords } from '../../core/policy/records';
import { type Item, keyValue } from '../../core/values';
import { AuthStore } from '../../dynamo/auth';
import { getItem } from '../../dynamo/read';
import { describeDataTable } from '../../dynamo/schema';
import { type Decision, decisionJson, shownDecision } from '../../http/decision';
import { appFileOf } from '../../local/project';
import { appItemRoles } from '../../policy-file';
import { type CliContext, CliError, EXIT } from '../context';
import { rolesEnv } from '../env';

interface CheckOptions {
  as: string;
  item?: string;
  body?: string;
  policy?: string;
  app?: string;
  json?: boolean;
}

/**
 * `scoutr check --as IDENTITY METHOD PATH` (docs: reference/cli): what the server decides, through the server's own
 * role resolution and decision on the app's routes (core/permissions: resolve.ts, decide.ts). Tests:
 * test/integration/cli/check.test.ts, custom-actions.test.ts, item-roles.test.ts; test/integration/core/decide-agreement.
 */
export function checkCommand(cx: CliContext): Command {
  return new Command('check')
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
    .option(
      '--app <module>',
      'the app config module: its routes and item roles (default: SCOUTR_CONFIG, else ./scoutr.config.ts)',
    )
    .option('--json', 'print the decision as JSON')
    .action(async (method: string, rawPath: string, opts: CheckOptions) => {
      const path = canonicalizePath(rawPath);
      const appFile = appFileOf(opts.app, cx.io.env, cx.io.cwd ?? process.cwd());
      const app = appFile === undefined ? undefined : appItemRoles(appFile);
      const body = opts.body === undefined ? undefined : jsonObject(opts.body);
      const asked = parseIdentity(opts.as);
      // DEFAULT_ROLE and ANONYMOUS_ROLE as the server takes them: the variables, else the app's own.
      const settings = roleSettings(app?.app ?? {}, opts.policy ? rolesEnv(cx.io.env) : cx.connect().env);
      let found: FoundRecords;
      if (opts.policy) {
        const { records, groups } = policyRecords(cx.loadPolicy(opts.policy, opts.json));
        found = {
          records: new Map<string, AuthRecord>(records.map((r) => [r.id, r])),
          groups: new Map<string, GroupRecord>(groups.map((g) => [g.group_id, g])),
        };
      } else {
        const lookup = lookupOf(asked);
        const store = new AuthStore(cx.connect().db, cx.policyTables(), {
          cacheSeconds: 0,
          now: cx.io.now ?? (() => 0),
        });
        found = await store.load(lookup, undefined, namedRoleFor(lookup, settings));
      }
      const itemRoles = app?.roles ?? undefined;
      const { caller, roles } = resolveRoles(asked, found, settings, itemRoles);
      const item = opts.item === undefined ? undefined : await readItem(cx, opts.item);
      const d = shownDecision(decide(roles, { caller, method, path, item, body }, decisionRoutes(app?.app, itemRoles)));
      const { allowed, reason, ...rest } = decisionJson(d, opts.item);
      cx.output(opts.json).result({ allowed, reason, identity: caller.id ?? null, ...rest }, () =>
        decisionText(d, method.toUpperCase(), path, opts.item),
      );
      cx.code = d.allowed ? EXIT.ok : EXIT.denied;
    });
}

/** `--item ID`: the stored item, read consistently from DATA_TABLE. */
async function readItem(cx: CliContext, id: string): Promise<Item> {
  const { env, db } = cx.connect();
  if (!env.DATA_TABLE) throw new CliError('--item needs DATA_TABLE');
  const schema = await describeDataTable(db, env.DATA_TABLE);
  const key = keyValue(schema.partitionKey.type, id);
  if (!key) throw new CliError(`--item ${id}: not a valid key for ${schema.partitionKey.name}`);
  const item = await getItem(db, { table: env.DATA_TABLE, key: { [schema.partitionKey.name]: key }, consistent: true });
  if (!item) throw new CliError(`--item ${id}: no such item in ${env.DATA_TABLE}`);
  return item;
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
