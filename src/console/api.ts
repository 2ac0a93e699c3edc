import { readAudit, readHistory } from '../actions/audit';
import { itemKey } from '../actions/get';
import { canonicalizePath } from '../actions/user';
import { ConfigError } from '../config';
import type { Caller } from '../core/caller';
import { ScoutrError } from '../core/errors';
import { ACL, aclOf, checkItemRoles, heldRoles } from '../core/item-roles';
import { type JsonOut, toJson } from '../core/json';
import { countingRoles, visibleJson } from '../core/permissions/access';
import { decide, decisionRoutes } from '../core/permissions/decide';
import type { AuthRecord, GroupRecord } from '../core/permissions/record';
import { buildRole, type Role } from '../core/permissions/roles';
import { planList } from '../core/plan';
import type { PolicyPlan } from '../core/policy/diff';
import { parseIdentity, policyOf } from '../core/policy/load-policy';
import type { ScoutrRequest } from '../core/request';
import { itemRoute, itemsRoute, routesFor } from '../core/routes';
import { type Item, keyText } from '../core/values';
import { mayUpdateField } from '../core/write';
import { parseGroup, parseRecord } from '../dynamo/auth';
import { planPolicy, scanAll } from '../dynamo/policy';
import { getItem, newStats } from '../dynamo/read';
import { authenticate, authorizeEndpoint } from '../engine/authorize';
import type { Ctx, Deps, Reply } from '../engine/context';
import { pageReply } from '../engine/read/reply';
import { grantsScope, readRequest } from '../engine/read/request';
import { type Decision, decisionJson, shownDecision } from '../http/decision';
import { callerView, openApiDocument } from '../http/openapi';
import { httpAnswer } from '../http/status';
import { loadPolicyFile } from '../policy-file';

// The console's answers (docs/how-to/use-the-console.md). Every decision is the server's own: the caller's roles from
// engine/authorize.ts, decide() (what `scoutr check` prints), the list action's steps and planner, the policy
// file's validation and plan, the audit and history reads. Nothing here is a rule; it arranges their answers.

/** What the console reads with: the server's dependencies for the app and tables, and the project's policy file. */
export interface ConsoleContext {
  deps: Deps;
  /** the policy file of the project (docs/reference/policy-file.md#the-document), if any */
  policyFile: string | undefined;
}

/** A request to the console's API that it cannot answer: a 400 naming the parameter. */
export class ConsoleInputError extends Error {
  override readonly name = 'ConsoleInputError';
}

type Params = URLSearchParams;
const PAGE = 50;

const required = (params: Params, name: string): string => {
  const v = params.get(name);
  if (v === null || v.trim() === '') throw new ConsoleInputError(`${name}: required`);
  return v.trim();
};

/** `key:ID`, `user:ID[:group,...]` or `anonymous`, as `scoutr check --as` takes it. */
function identityOf(params: Params): { text: string; caller: Caller } {
  const text = required(params, 'as');
  try {
    return { text, caller: parseIdentity(text) };
  } catch (err) {
    throw new ConsoleInputError(`as: ${(err as Error).message}`);
  }
}

/** The answer the server would give, for a refusal or a bad request: status, code, message. */
const answerOf = (err: unknown) => {
  if (!(err instanceof ScoutrError)) throw err;
  const { code, message, details } = err;
  return { status: httpAnswer(err).status, code, error: message, ...(details ? { details } : {}) };
};

const request = (_cx: ConsoleContext, caller: Caller, method: string, path: string, query: [string, string][] = []) =>
  ({
    requestId: 'console',
    method,
    path,
    publicPath: path,
    resource: path,
    pathParams: {},
    query,
    headers: {},
    body: undefined,
    caller,
    stage: 'console',
  }) satisfies ScoutrRequest;

/**
 * The caller's roles as the server resolves them on every request (engine/authorize.ts): their records, their
 * groups, DEFAULT_ROLE or ANONYMOUS_ROLE. No role: an empty list and the server's 401.
 */
async function rolesOf(cx: ConsoleContext, caller: Caller) {
  try {
    return await authenticate(cx.deps, request(cx, caller, 'GET', '/user'), newStats());
  } catch (err) {
    if (err instanceof ScoutrError && err.code === 'UNAUTHENTICATED') return { caller, roles: [] as Role[] };
    throw err;
  }
}

const callerJson = (c: Caller) => ({
  kind: c.kind,
  id: c.id ?? null,
  username: c.username ?? null,
  groups: c.groups,
});

/** The server's decision for (roles, caller) on METHOD PATH, on the app's own routes (core/permissions/decide.ts). */
const decideFor = (
  deps: Deps,
  roles: readonly Role[],
  caller: Caller,
  method: string,
  path: string,
  item?: Item,
): Decision => shownDecision(decide(roles, { caller, method, path, item }, routesOfApp(deps)));
const routeTables = new WeakMap<Deps, ReturnType<typeof decisionRoutes>>();
function routesOfApp(deps: Deps) {
  let table = routeTables.get(deps);
  if (!table) {
    table = decisionRoutes(deps.app, deps.itemRoles);
    routeTables.set(deps, table);
  }
  return table;
}

const pk = (deps: Deps) => deps.schema.partitionKey.name;
const keyOf = (deps: Deps, item: Item) => keyText(item[pk(deps)]!);
const itemPath = (deps: Deps, key: string) => `${itemRoute(deps.app)}/${key}`;

/** The app and tables the console reads: for the page's header and its links. */
export function meta(cx: ConsoleContext) {
  const { deps } = cx;
  return {
    items: itemsRoute(deps.app),
    item: itemRoute(deps.app),
    key: pk(deps),
    itemRoles: deps.itemRoles ? [...deps.itemRoles.roles] : null,
    routes: routesFor(deps.app).map((r) => `${r.method} ${r.path}`),
    tables: {
      data: deps.tables.data,
      auth: deps.tables.auth,
      groups: deps.tables.groups,
      audit: deps.tables.audit ?? null,
      grants: deps.tables.grants ?? null,
    },
    settings: {
      defaultRole: deps.settings.roles.defaultRole ?? null,
      anonymousRole: deps.settings.roles.anonymousRole ?? null,
    },
    policyFile: cx.policyFile ?? null,
    audit: deps.tables.audit !== undefined,
  };
}

/** Every auth record and group of the tables, parsed by the server's schema; one that fails is listed with why. */
async function loadTables(deps: Deps) {
  const [authItems, groupItems] = await Promise.all([
    scanAll(deps.db, deps.tables.auth),
    scanAll(deps.db, deps.tables.groups),
  ]);
  const invalid: { table: 'auth' | 'groups'; id: string; error: string }[] = [];
  const parse = <T>(table: 'auth' | 'groups', items: Item[], key: string, fn: (i: Item) => T): T[] =>
    items.flatMap((item) => {
      try {
        return [fn(item)];
      } catch (err) {
        invalid.push({ table, id: String(toJson(item[key] ?? { NULL: true })), error: (err as Error).message });
        return [];
      }
    });
  const records = parse('auth', authItems, 'id', parseRecord);
  const groups = parse('groups', groupItems, 'group_id', parseGroup);
  return {
    records: new Map<string, AuthRecord>(records.map((r) => [r.id, r])),
    groups: new Map<string, GroupRecord>(groups.map((g) => [g.group_id, g])),
    invalid,
    read: { auth: authItems.length, groups: groupItems.length },
  };
}

/** The identity a record stands for, as `--as` spells it; ROLE records are nobody's (a setting names them). */
function identityOfRecord(r: AuthRecord): string | null {
  if (r.type === 'API_KEY') return `key:${r.id}`;
  if (r.type === 'USERNAME') return `user:${r.id}`;
  if (r.type === 'OIDC_GROUP') return `user:${memberOf(r.id)}:${r.id}`;
  return null;
}
/** A stand-in user id for "a member of group G whom no record or grant names". */
const memberOf = (group: string) => `(member of ${group})`;
const ANYONE = '(any signed-in user)';

/** View 1: the auth records, groups and ROLE records, with what each inherits. */
export async function identities(cx: ConsoleContext) {
  const { deps } = cx;
  const { records, groups, invalid } = await loadTables(deps);
  const settings = deps.settings.roles;
  const usedBy = new Map<string, string[]>();
  const recordRows = [...records.values()]
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((r) => {
      const setting = [
        ...(settings.defaultRole === r.id ? ['DEFAULT_ROLE'] : []),
        ...(settings.anonymousRole === r.id ? ['ANONYMOUS_ROLE'] : []),
      ];
      let merged: Pick<Role, 'groups' | 'endpoints' | 'exclude' | 'explain'> | undefined;
      let error: string | undefined;
      try {
        // The record merged with its groups as the server merges it (its filters need a caller: a stand-in).
        merged = buildRole(
          r,
          r.type === 'ROLE' ? 'ROLE' : 'USERNAME',
          groups,
          { kind: 'jwt', groups: [] },
          deps.itemRoles,
        );
      } catch (err) {
        error = (err as Error).message;
      }
      for (const g of merged?.groups ?? r.groups ?? []) usedBy.set(g, [...(usedBy.get(g) ?? []), r.id]);
      return {
        id: r.id,
        type: r.type ?? null,
        name: r.name ?? null,
        description: r.description ?? null,
        username: r.username ?? null,
        email: r.email ?? null,
        groups: r.groups ?? [],
        inherits: merged?.groups ?? [],
        identity: identityOfRecord(r),
        setting,
        endpoints: (merged?.endpoints ?? []).map((e) => ({ method: e.method, endpoint: e.endpoint, from: e.from })),
        hidden: merged?.exclude ?? [],
        explain: merged?.explain ?? false,
        ...(error ? { error } : {}),
      };
    });
  const groupRows = [...groups.values()]
    .sort((a, b) => a.group_id.localeCompare(b.group_id))
    .map((g) => ({
      group_id: g.group_id,
      description: g.description ?? null,
      groups: g.groups ?? [],
      endpoints: (g.permitted_endpoints ?? []).map((e) => `${e.method} ${e.endpoint}`),
      hidden: g.exclude_fields ?? [],
      usedBy: (usedBy.get(g.group_id) ?? []).sort(),
    }));
  return {
    records: recordRows,
    groups: groupRows,
    settings: { defaultRole: settings.defaultRole ?? null, anonymousRole: settings.anonymousRole ?? null },
    invalid,
  };
}

/**
 * View 2: the data as the identity lists it — the list action's own steps (endpoint check, query parse and field
 * check, planner, page reader) without its audit record — with per row the item roles held and whether PATCH and
 * DELETE may change it (decide), and per column whether a role permitting PATCH or PUT may update the field.
 */
export async function seeAs(cx: ConsoleContext, params: Params) {
  const { deps } = cx;
  const { text, caller: asked } = identityOf(params);
  const { caller, roles } = await rolesOf(cx, asked);
  const filterText = (params.get('q') ?? '').replace(/^\?/, '');
  const query: [string, string][] = [...new URLSearchParams(filterText)].filter(([k]) => k !== '_explain');
  if (!query.some(([k]) => k === '_limit')) query.push(['_limit', String(PAGE)]);
  const cursor = params.get('cursor');
  if (cursor) query.push(['_cursor', cursor]);
  const path = itemsRoute(deps.app);
  const base = {
    identity: text,
    caller: callerJson(caller),
    roles: roles.map((r) => r.id),
    route: `GET ${path}`,
    query: filterText,
  };
  const req = request(cx, caller, 'GET', path, query);
  const ctx: Ctx = { req, caller, roles, counting: [], stats: newStats(), started: deps.now(), note: {} };
  try {
    if (roles.length === 0) throw new ScoutrError('UNAUTHENTICATED', 'no role applies to this identity');
    ctx.counting = authorizeEndpoint(roles, req);
    const { query: parsed, scope, visible } = readRequest(deps, ctx, []);
    const plan = planList(visible, deps.schema, grantsScope(deps, ctx));
    const render = (item: Item) => {
      const key = keyOf(deps, item);
      const at = itemPath(deps, key);
      return {
        key,
        item: visibleJson(item, scope.hidden),
        itemRoles: deps.itemRoles ? [...heldRoles(deps.itemRoles, item, caller.id)].sort() : [],
        change: decideFor(deps, roles, caller, 'PATCH', at, item).item?.changeable === true,
        delete: decideFor(deps, roles, caller, 'DELETE', at, item).item?.changeable === true,
      };
    };
    const { reply } = await pageReply(deps, ctx, plan, { query: parsed, hidden: scope.hidden, render });
    const rows = JSON.parse(reply.rawBody ?? '[]') as ReturnType<typeof render>[];
    const sample = itemPath(deps, rows[0]?.key ?? 'x');
    const writers = [...countingRoles(roles, 'PATCH', sample), ...countingRoles(roles, 'PUT', sample)];
    const columns = [...new Set(rows.flatMap((r) => Object.keys(r.item)))].sort(columnOrder(pk(deps)));
    const hiddenTop = scope.hidden.filter((h) => !h.includes('.') && !columns.includes(h));
    return {
      ...base,
      status: 200,
      reason: decideFor(deps, roles, caller, 'GET', path).reason,
      rows,
      columns: [...columns, ...hiddenTop],
      hidden: scope.hidden,
      updatable: Object.fromEntries(
        [...columns, ...hiddenTop].map((f) => [f, writers.some((r) => mayUpdateField(r, f))]),
      ),
      plan: ctx.note.plan,
      reads: { calls: ctx.stats.calls, items_read: ctx.stats.scanned, capacity: ctx.stats.capacity },
      next: reply.headers?.['X-Next-Cursor'] ?? null,
    };
  } catch (err) {
    return { ...base, ...answerOf(err), rows: [], reads: { calls: ctx.stats.calls, items_read: ctx.stats.scanned } };
  }
}

const columnOrder = (key: string) => (a: string, b: string) =>
  (a === key ? -1 : 0) - (b === key ? -1 : 0) || a.localeCompare(b);

/** An item of the data table by its key text (consistent read), or a 400 when the text is no key of the table. */
async function readItem(deps: Deps, id: string): Promise<Item | undefined> {
  let key: Item;
  try {
    key = itemKey(deps, id, 'item');
  } catch (err) {
    throw new ConsoleInputError((err as Error).message);
  }
  return getItem(deps.db, { table: deps.schema.table, key, consistent: true });
}

/** A rule's `from` ("record alice", "group staff") as a link target. */
const sourceOf = (from: string) => {
  const [kind, ...rest] = from.split(' ');
  return { kind: kind === 'group' ? 'group' : 'record', id: rest.join(' ') };
};

/** View 3: METHOD + path (+ item) → what `scoutr check --json` prints, with the records involved. */
export async function why(cx: ConsoleContext, params: Params) {
  const { deps } = cx;
  const { text, caller: asked } = identityOf(params);
  const method = required(params, 'method').toUpperCase();
  if (!['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(method)) {
    throw new ConsoleInputError('method: GET, POST, PUT, PATCH or DELETE');
  }
  let path: string;
  try {
    path = canonicalizePath(required(params, 'path'));
  } catch (err) {
    throw new ConsoleInputError(`path: ${(err as Error).message}`);
  }
  const itemId = params.get('item') || undefined;
  const { caller, roles } = await rolesOf(cx, asked);
  const item = itemId === undefined ? undefined : await readItem(deps, itemId);
  if (itemId !== undefined && !item) throw new ConsoleInputError(`item: no item ${itemId} in ${deps.tables.data}`);
  const d: Decision = decideFor(deps, roles, caller, method, path, item);
  const involved = roles.filter((r) => d.roles.includes(r.id) || !d.allowed);
  return {
    identity: text,
    caller: callerJson(caller),
    method,
    path,
    ...decisionJson(d, itemId),
    records: involved.map((r) => ({ id: r.id, type: r.type, groups: r.groups })),
    ruleSource: d.rule ? sourceOf(d.rule.from) : null,
  };
}

/**
 * View 4: for one item, every identity the tables name — API keys, users, a member of each OIDC group, the holders
 * of its item roles, any other signed-in user (DEFAULT_ROLE) and anonymous (ANONYMOUS_ROLE) — and whether each may
 * read, change (PATCH) and delete it, and the fields it sees: decide() over the roles the server would give each.
 */
export async function who(cx: ConsoleContext, params: Params) {
  const { deps } = cx;
  const id = required(params, 'item');
  const [item, loaded] = await Promise.all([readItem(deps, id), loadTables(deps)]);
  if (!item) throw new ConsoleInputError(`item: no item ${id} in ${deps.tables.data}`);
  const settings = deps.settings.roles;
  const policy = policyOf(loaded.records, loaded.groups, {
    defaultRole: settings.defaultRole,
    anonymousRole: settings.anonymousRole,
    app: deps.app,
  });
  const acl = aclOf(item);
  const candidates = new Map<string, { label: string; kind: string }>();
  for (const r of [...loaded.records.values()].sort((a, b) => a.id.localeCompare(b.id))) {
    const identity = identityOfRecord(r);
    if (!identity) continue;
    const kind = r.type === 'API_KEY' ? 'API key' : r.type === 'USERNAME' ? 'user' : 'member of an OIDC group';
    candidates.set(identity, { label: r.type === 'OIDC_GROUP' ? `a member of ${r.id}` : r.id, kind });
  }
  for (const user of [...new Set(Object.values(acl).flat())].sort()) {
    if (!candidates.has(`user:${user}`)) candidates.set(`user:${user}`, { label: user, kind: 'holds an item role' });
  }
  if (settings.defaultRole !== undefined) {
    candidates.set(`user:${ANYONE}`, { label: 'any other signed-in user', kind: 'DEFAULT_ROLE' });
  }
  if (settings.anonymousRole !== undefined) candidates.set('anonymous', { label: 'anonymous', kind: 'ANONYMOUS_ROLE' });
  const at = itemPath(deps, keyOf(deps, item));
  const itemRoles = deps.app.itemRoles && checkItemRoles(deps.app.itemRoles);
  const rows = [...candidates].map(([identity, { label, kind }]) => {
    try {
      const { caller, roles } = policy.rolesOf(identity);
      const read = decideFor(deps, roles, caller, 'GET', at, item);
      const visible = read.allowed && read.item?.visible === true;
      return {
        identity,
        label,
        kind,
        roles: roles.map((r) => r.id),
        itemRoles: itemRoles ? [...heldRoles(itemRoles, item, caller.id)].sort() : [],
        read: visible,
        change: decideFor(deps, roles, caller, 'PATCH', at, item).item?.changeable === true,
        delete: decideFor(deps, roles, caller, 'DELETE', at, item).item?.changeable === true,
        fields: visible ? Object.keys(visibleJson(item, read.hidden)).sort() : [],
        hidden: visible ? read.hidden : [],
        reason: read.reason,
      };
    } catch (err) {
      return { identity, label, kind, error: (err as Error).message };
    }
  });
  const { [ACL]: _acl, ...stored } = item;
  return {
    item: id,
    path: at,
    stored: toJson({ M: stored }),
    acl,
    rows,
    invalid: loaded.invalid,
    reads: { auth_records: loaded.read.auth, groups: loaded.read.groups, items: 1 },
  };
}

/** The plan in the shape `scoutr policy plan --json` prints (an absent side is left out). */
const planJson = (plan: PolicyPlan) => ({
  changes: plan.changes.map((c) => ({
    action: c.action,
    kind: c.table === 'auth' ? 'record' : 'group',
    id: c.id,
    fields: Object.fromEntries(
      c.fields.map((f) => [f.field, { before: f.before && toJson(f.before), after: f.after && toJson(f.after) }]),
    ),
  })),
  undeclared: plan.undeclared.map((u) => ({ kind: u.table === 'auth' ? 'record' : 'group', id: u.id })),
  summary: {
    create: plan.changes.filter((c) => c.action === 'create').length,
    update: plan.changes.filter((c) => c.action === 'update').length,
    delete: plan.changes.filter((c) => c.action === 'delete').length,
  },
});

/** View 5: the policy file validated as `scoutr policy validate` does, and its plan as `scoutr policy plan`. */
export async function policy(cx: ConsoleContext, params: Params) {
  const { deps } = cx;
  const file = cx.policyFile;
  if (file === undefined) return { file: null, valid: false, issues: [], text: null, plan: null };
  const prune = params.get('prune') === 'true';
  // A module policy (policy.ts) has no text worth showing: its issues name field paths, not lines.
  const text = /\.(ts|js|cjs|mjs|mts|cts)$/.test(file) ? null : await readText(file);
  let loaded: ReturnType<typeof loadPolicyFile>;
  try {
    loaded = loadPolicyFile(file, { itemRoles: deps.itemRoles ?? null });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return { file, valid: false, issues: [{ file, path: '', message: err.message }], text: null, plan: null };
  }
  if ('issues' in loaded) return { file, valid: false, issues: loaded.issues, text, plan: null };
  const plan = await planPolicy(deps.db, { auth: deps.tables.auth, groups: deps.tables.groups }, loaded.doc, { prune });
  return { file, valid: true, issues: [], text, prune, plan: planJson(plan) };
}

async function readText(file: string): Promise<string | null> {
  const { readFile } = await import('node:fs/promises');
  return readFile(file, 'utf8').catch(() => null);
}

/** The console reads the audit table as the operator: every record, nothing hidden (a role with no filters). */
function operator(deps: Deps, req: ScoutrRequest): Ctx {
  const caller: Caller = { kind: 'api_key', id: 'scoutr-console', groups: [] };
  const role = buildRole({ id: 'scoutr-console' }, 'ROLE', new Map(), caller);
  return {
    req: { ...req, caller },
    caller,
    roles: [role],
    counting: [role],
    stats: newStats(),
    started: deps.now(),
    note: {},
  };
}

const parseReply = (reply: Reply) => ({
  rows: JSON.parse(reply.rawBody ?? '[]') as Record<string, JsonOut>[],
  next: reply.headers?.['X-Next-Cursor'] ?? null,
});

/** View 6a: an item's versions, newest first, each with what changed since the one before (who, when, which action). */
export async function history(cx: ConsoleContext, params: Params) {
  const { deps } = cx;
  const id = required(params, 'item');
  if (!deps.tables.audit) return { item: id, audit: false, versions: [] };
  const cursor = params.get('cursor');
  const req = request(cx, { kind: 'anonymous', groups: [] }, 'GET', `/history/${id}`, [
    ['_limit', '200'],
    ...(cursor ? ([['_cursor', cursor]] as [string, string][]) : []),
  ]);
  const ctx = operator(deps, { ...req, resource: '/history/{item}', pathParams: { item: id } });
  try {
    const { rows, next } = parseReply((await readHistory(deps, ctx)).reply);
    // The oldest version recorded has nothing before it to compare with: every field it holds is shown as set.
    const versions = rows.map((v, i) => ({
      ...v,
      diff: diffItems(rows[i + 1]?.item, v.item),
      ...(i === rows.length - 1 && !next ? { first: true } : {}),
    }));
    return { item: id, audit: true, versions, next };
  } catch (err) {
    return { item: id, audit: true, versions: [], ...answerOf(err) };
  }
}

/** Field by field, what changed from one version's item to the next (null: absent or deleted). */
function diffItems(before: JsonOut | undefined, after: JsonOut | undefined) {
  const obj = (v: JsonOut | undefined) => (v && typeof v === 'object' && !Array.isArray(v) ? v : {});
  const a = obj(before);
  const b = obj(after);
  return [...new Set([...Object.keys(a), ...Object.keys(b)])]
    .sort()
    .filter((f) => JSON.stringify(a[f]) !== JSON.stringify(b[f]))
    .map((f) => ({ field: f, before: a[f] ?? null, after: b[f] ?? null }));
}

const DEFAULT_AUDIT_DAYS = 30;

/** View 6b: the audit log, newest first, filtered by user id, action, item and time (GET /audit's query). */
export async function auditLog(cx: ConsoleContext, params: Params) {
  const { deps } = cx;
  if (!deps.tables.audit) return { audit: false, records: [], next: null };
  if (params.get('item')?.trim()) params.set('from', params.get('from')?.trim() || '1970-01-01T00:00:00Z');
  const query: [string, string][] = [];
  const add = (param: string, field: string) => {
    const v = params.get(param)?.trim();
    if (v) query.push([field, v]);
  };
  add('user', 'user.id');
  add('action', 'action');
  add('item', 'resource_key');
  // GET /audit walks back day by day up to a year; without a start the console looks at the last 30 days.
  const from = params.get('from')?.trim() || new Date(deps.now() - DEFAULT_AUDIT_DAYS * 86_400_000).toISOString();
  query.push(['time__gte', from]);
  add('to', 'time__lte');
  query.push(['_limit', '100']);
  const cursor = params.get('cursor');
  if (cursor) query.push(['_cursor', cursor]);
  const ctx = operator(deps, { ...request(cx, { kind: 'anonymous', groups: [] }, 'GET', '/audit', query) });
  try {
    const { rows, next } = parseReply((await readAudit(deps, ctx)).reply);
    return { audit: true, from, records: rows, next };
  } catch (err) {
    return { audit: true, from, records: [], next: null, ...answerOf(err) };
  }
}

/** The API as the identity sees it: the same document GET /openapi.json answers that caller. */
export async function openapi(cx: ConsoleContext, params: Params) {
  const { roles } = await rolesOf(cx, identityOf(params).caller);
  if (roles.length === 0) return { status: 401, code: 'UNAUTHENTICATED', error: 'no role applies to this identity' };
  return openApiDocument(cx.deps.app, {}, callerView(cx.deps.app, roles));
}
