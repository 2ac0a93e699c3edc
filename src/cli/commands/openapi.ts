import { Command } from 'commander';
import { type AppConfig, roleSettings } from '../../core/app';
import { checkItemRoles } from '../../core/item-roles';
import type { AuthRecord, GroupRecord } from '../../core/permissions/record';
import { parseIdentity, policyOf } from '../../core/policy/load-policy';
import { policyRecords } from '../../core/policy/records';
import { AuthStore, loadRoles } from '../../dynamo/auth';
import { callerView, openApiDocument } from '../../http/openapi';
import { findProject, loadProject } from '../../local/project';
import { formatIssue, loadPolicyFile } from '../../policy-file';
import { type CliContext, CliError } from '../context';
import { cliClient, cliEnv, rolesEnv } from '../env';
import type { Io } from '../io';

/**
 * `scoutr openapi [--as IDENTITY] [--policy FILE]` (docs/reference/endpoints.md#the-api-as-each-caller-sees-it): the app's OpenAPI document, or the one
 * `GET /openapi.json` answers IDENTITY — from the tables (AUTH_TABLE, GROUP_TABLE), or from a policy file alone.
 */
export function openapiCommand(cx: CliContext): Command {
  const { io } = cx;
  return new Command('openapi')
    .description("print the app's OpenAPI document, or the one GET /openapi.json answers IDENTITY")
    .option('--as <identity>', 'key:ID, user:ID[:group,group...] or anonymous: only what this caller may call')
    .option('--app <module>', 'the app config (default: SCOUTR_CONFIG, else ./scoutr.config.ts)')
    .option('--policy <file>', "with --as: the caller's roles from this file alone, not from the auth tables")
    .option('--json', 'print the document as JSON (the only format: accepted for uniformity)')
    .action(async (opts: { as?: string; app?: string; policy?: string }) => {
      const cwd = io.cwd ?? process.cwd();
      const { app } = await loadProject({ app: findProject({ app: opts.app }, io.env, cwd).app });
      cx.output(true).result(await documentFor(app, opts, io), () => '');
    });
}

async function documentFor(app: AppConfig, opts: { as?: string; policy?: string }, io: Io) {
  if (opts.as === undefined) return openApiDocument(app);
  let caller = parseIdentity(opts.as);
  const settings = roleSettings(app, rolesEnv(io.env));
  let roles: Awaited<ReturnType<typeof loadRoles>>['roles'];
  if (opts.policy !== undefined) {
    const loaded = loadPolicyFile(opts.policy);
    if ('issues' in loaded) throw new CliError(loaded.issues.map(formatIssue).join('\n'));
    const { records, groups } = policyRecords(loaded.doc);
    ({ caller, roles } = policyOf(
      new Map<string, AuthRecord>(records.map((r) => [r.id, r])),
      new Map<string, GroupRecord>(groups.map((g) => [g.group_id, g])),
      { ...settings, itemRoles: app.itemRoles },
    ).rolesOf(caller));
  } else {
    const env = cliEnv(io.env);
    const db = io.db ?? cliClient(env, io.env);
    const tables = { auth: env.AUTH_TABLE, groups: env.GROUP_TABLE };
    const store = new AuthStore(db, tables, { cacheSeconds: 0, now: io.now ?? (() => 0) });
    try {
      const itemRoles = app.itemRoles && checkItemRoles(app.itemRoles);
      ({ caller, roles } = await loadRoles(store, caller, settings, itemRoles));
    } finally {
      if (!io.db) db.destroy();
    }
  }
  if (roles.length === 0) throw new CliError(`${opts.as}: no role applies to this identity; the server answers 401`);
  return openApiDocument(app, {}, callerView(app, roles));
}
