// What several of the console's views use (api/index.ts): the request they decide, the caller's roles, the tables.
import { itemKey } from '../../actions/get';
import type { Caller } from '../../core/caller';
import { ScoutrError } from '../../core/errors';
import { type JsonOut, toJson } from '../../core/json';
import { decide, decisionRoutes } from '../../core/permissions/decide';
import type { AuthRecord, GroupRecord } from '../../core/permissions/record';
import { buildRole, type Role } from '../../core/permissions/roles';
import { parseIdentity } from '../../core/policy/load-policy';
import type { ScoutrRequest } from '../../core/request';
import { itemRoute, itemsRoute, routesFor } from '../../core/routes';
import { type Item, keyText } from '../../core/values';
import { parseGroup, parseRecord } from '../../dynamo/auth';
import { scanAll } from '../../dynamo/policy';
import { getItem, newStats } from '../../dynamo/read';
import { authenticate } from '../../engine/authorize';
import type { Ctx, Deps, Reply } from '../../engine/context';
import { type Decision, shownDecision } from '../../http/decision';
import { httpAnswer } from '../../http/status';

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

export type Params = URLSearchParams;
export const PAGE = 50;

export const required = (params: Params, name: string): string => {
  const v = params.get(name);
  if (v === null || v.trim() === '') throw new ConsoleInputError(`${name}: required`);
  return v.trim();
};

/** `key:ID`, `user:ID[:group,...]` or `anonymous`, as `scoutr check --as` takes it. */
export function identityOf(params: Params): { text: string; caller: Caller } {
  const text = required(params, 'as');
  try {
    return { text, caller: parseIdentity(text) };
  } catch (err) {
    throw new ConsoleInputError(`as: ${(err as Error).message}`);
  }
}

/** The answer the server would give, for a refusal or a bad request: status, code, message. */
export const answerOf = (err: unknown) => {
  if (!(err instanceof ScoutrError)) throw err;
  const { code, message, details } = err;
  return { status: httpAnswer(err).status, code, error: message, ...(details ? { details } : {}) };
};

export const request = (
  _cx: ConsoleContext,
  caller: Caller,
  method: string,
  path: string,
  query: [string, string][] = [],
) =>
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
export async function rolesOf(cx: ConsoleContext, caller: Caller) {
  try {
    return await authenticate(cx.deps, request(cx, caller, 'GET', '/user'), newStats());
  } catch (err) {
    if (err instanceof ScoutrError && err.code === 'UNAUTHENTICATED') return { caller, roles: [] as Role[] };
    throw err;
  }
}

export const callerJson = (c: Caller) => ({
  kind: c.kind,
  id: c.id ?? null,
  username: c.username ?? null,
  groups: c.groups,
});

/** The server's decision for (roles, caller) on METHOD PATH, on the app's own routes (core/permissions/decide.ts). */
export const decideFor = (
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

export const pk = (deps: Deps) => deps.schema.partitionKey.name;
export const keyOf = (deps: Deps, item: Item) => keyText(item[pk(deps)]!);
export const itemPath = (deps: Deps, key: string) => `${itemRoute(deps.app)}/${key}`;

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
export async function loadTables(deps: Deps) {
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
export function identityOfRecord(r: AuthRecord): string | null {
  if (r.type === 'API_KEY') return `key:${r.id}`;
  if (r.type === 'USERNAME') return `user:${r.id}`;
  if (r.type === 'OIDC_GROUP') return `user:${memberOf(r.id)}:${r.id}`;
  return null;
}
/** A stand-in user id for "a member of group G whom no record or grant names". */
export const memberOf = (group: string) => `(member of ${group})`;
export const ANYONE = '(any signed-in user)';

/** An item of the data table by its key text (consistent read), or a 400 when the text is no key of the table. */
export async function readItem(deps: Deps, id: string): Promise<Item | undefined> {
  let key: Item;
  try {
    key = itemKey(deps, id, 'item');
  } catch (err) {
    throw new ConsoleInputError((err as Error).message);
  }
  return getItem(deps.db, { table: deps.schema.table, key, consistent: true });
}

/** The console reads the audit table as the operator: every record, nothing hidden (a role with no filters). */
export function operator(deps: Deps, req: ScoutrRequest): Ctx {
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

export const parseReply = (reply: Reply) => ({
  rows: JSON.parse(reply.rawBody ?? '[]') as Record<string, JsonOut>[],
  next: reply.headers?.['X-Next-Cursor'] ?? null,
});
