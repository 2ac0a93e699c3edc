import type * as z from 'zod/mini';
import type { Caller } from '../caller';
import { AuthConfigCause, ScoutrError } from '../errors';
import type { ItemRoles } from '../item-roles';
import { plainToJson } from '../json';
import { entryToPred } from '../permissions/filters';
import {
  type AuthRecord,
  type EndpointRule,
  FILTER_LIST_FIELDS,
  type FilterEntry,
  type GroupRecord,
} from '../permissions/record';
import { buildRole, endpointGrant } from '../permissions/roles';
import { expandEndpoint } from './records';
import { type PolicyDocument, PolicyGroupSchema, PolicyRecordSchema, PolicySchema } from './schema';

export type PolicyPath = readonly (string | number)[];
export interface PolicyIssue {
  path: PolicyPath;
  message: string;
  /** point at the key itself (an unknown field), not at its value */
  key?: boolean;
}

const FILTER_LISTS = FILTER_LIST_FIELDS;
// Every caller attribute set, so `${user.*}` values substitute and the typed checks run on them.
const CHECK_CALLER: Caller = {
  kind: 'jwt',
  id: 'policy-check',
  username: 'policy-check',
  email: 'policy-check@example.com',
  groups: [],
};

export interface ValidateOptions {
  /**
   * The app config's item roles (`scoutr policy validate --app MODULE`), checked at startup: `{"item_role": r}`
   * entries must name one of them. Without it item roles are not checked (no app to check them against); with an
   * app that declares none, every such entry is a mistake.
   */
  itemRoles?: ItemRoles | null;
}

/**
 * Every mistake in a policy document, at once (docs/reference/policy-file.md#validation). The shape is the zod schema's; regexes, methods,
 * operators, values, `${user.*}` variables, group references, cycles and expression limits are checked by the
 * very functions the server runs on its records, so a file that validates is one the server accepts.
 */
export function validatePolicy(
  input: unknown,
  options: ValidateOptions = {},
): { doc: PolicyDocument | undefined; issues: PolicyIssue[] } {
  const parsed = PolicySchema.safeParse(input);
  const issues = parsed.success ? [] : schemaIssues(parsed.error.issues, input, []);
  issues.push(...semanticIssues(input, options.itemRoles));
  const seen = new Set<string>();
  const unique = issues.filter((i) => {
    const k = JSON.stringify([i.path, i.message, i.key ?? false]);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  return { doc: parsed.success && unique.length === 0 ? parsed.data : undefined, issues: unique };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function valueAt(root: unknown, path: PolicyPath): unknown {
  let v = root;
  for (const p of path) v = isObject(v) || Array.isArray(v) ? (v as Record<string | number, unknown>)[p] : undefined;
  return v;
}

const describe = (v: unknown) =>
  v === null ? 'null' : Array.isArray(v) ? 'a list' : isObject(v) ? 'a map' : `${typeof v} ${JSON.stringify(v)}`;

const KNOWN_FIELDS = [
  ...new Set([...Object.keys(PolicyRecordSchema.shape), ...Object.keys(PolicyGroupSchema.shape)]),
  'version',
  'groups',
  'records',
  'field',
  'operator',
  'value',
  'method',
  'endpoint',
];

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const here = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = here;
    }
  }
  return row[b.length]!;
}

const suggestion = (key: string) => {
  const near = KNOWN_FIELDS.map((k) => ({ k, d: distance(key, k) })).sort((x, y) => x.d - y.d)[0];
  return near && near.d <= 2 ? ` (did you mean '${near.k}'?)` : '';
};

function schemaIssues(found: readonly z.core.$ZodIssue[], input: unknown, base: PolicyPath): PolicyIssue[] {
  const out: PolicyIssue[] = [];
  for (const iss of found) {
    const path = [...base, ...iss.path] as (string | number)[];
    const raw = valueAt(input, path);
    switch (iss.code) {
      case 'unrecognized_keys':
        for (const key of iss.keys)
          out.push({ path: [...path, key], key: true, message: `unknown field${suggestion(key)}` });
        break;
      case 'invalid_union': {
        // The one union is an endpoint rule: a string is judged as shorthand, a map as {method, endpoint}.
        const branch = typeof raw === 'string' ? iss.errors[0] : isObject(raw) ? iss.errors[1] : undefined;
        if (branch) out.push(...schemaIssues(branch, input, path));
        else out.push({ path, message: `expected "METHOD regex" or {method, endpoint}, got ${describe(raw)}` });
        break;
      }
      case 'invalid_type':
        out.push({ path, message: raw === undefined ? 'required' : `expected ${iss.expected}, got ${describe(raw)}` });
        break;
      case 'invalid_value':
        if (raw === undefined) {
          out.push({ path, message: 'required' });
          break;
        }
        out.push({
          path,
          message:
            iss.values.length > 1
              ? `must be one of ${iss.values.join(', ')}`
              : `must be ${JSON.stringify(iss.values[0])}`,
        });
        break;
      case 'too_small':
        out.push({ path, message: 'must not be empty' });
        break;
      case 'invalid_key':
        out.push({ path, key: true, message: 'ids must be non-empty strings' });
        break;
      default:
        out.push({ path, message: iss.message });
    }
  }
  return out;
}

/** The reason an AUTH_CONFIG error gives in the log, without the record name the path already carries. */
function reasonOf(err: unknown, where: string): { message: string; at: AuthConfigCause['at'] } {
  if (!(err instanceof ScoutrError) || !(err.cause instanceof AuthConfigCause)) throw err;
  const text = err.cause.message;
  const prefix = `${err.cause.at.set ?? where}: `;
  return { message: text.startsWith(prefix) ? text.slice(prefix.length) : text, at: err.cause.at };
}

type Kind = 'groups' | 'records';
const LABEL: Record<Kind, string> = { groups: 'group', records: 'record' };

/** What passed the per-entry checks of one group or record: the merge is checked on these alone. */
interface CleanSet {
  groups: string[];
  rules: EndpointRule[];
  filters: Record<string, FilterEntry[]>;
}
type Clean = Record<Kind, Map<string, CleanSet>>;
/** Where a group or record is: its label for messages (`record k`) and the path of its parts in the document. */
interface Place {
  where: string;
  at: (...rest: (string | number)[]) => PolicyPath;
}

/** Per-entry checks, then the merge of each record with its groups, on the entries that passed. */
function semanticIssues(input: unknown, itemRoles: ItemRoles | null | undefined): PolicyIssue[] {
  const out: PolicyIssue[] = [];
  const clean: Clean = { groups: new Map(), records: new Map() };
  for (const kind of ['groups', 'records'] as const) {
    for (const [id, set] of setsOf(input, kind)) {
      const place: Place = { where: `${LABEL[kind]} ${id}`, at: (...rest) => [kind, id, ...rest] };
      clean[kind].set(id, {
        groups: Array.isArray(set.groups) ? set.groups.filter((g): g is string => typeof g === 'string') : [],
        rules: checkEndpoints(set, place, out),
        filters: checkFilterLists(set, place, itemRoles, out),
      });
    }
  }
  out.push(...mergeIssues(clean));
  return out;
}

/** The groups or the records of a document, those that are maps (the schema reports the others). */
function setsOf(input: unknown, kind: Kind): [string, Record<string, unknown>][] {
  const sets = isObject(input) ? input[kind] : undefined;
  if (!isObject(sets)) return [];
  return Object.entries(sets).filter((e): e is [string, Record<string, unknown>] => isObject(e[1]));
}

/** Each permitted endpoint rule compiled as the server compiles it; the rules that pass. */
function checkEndpoints(set: Record<string, unknown>, { where, at }: Place, out: PolicyIssue[]): EndpointRule[] {
  const rules: EndpointRule[] = [];
  const endpoints = Array.isArray(set.permitted_endpoints) ? set.permitted_endpoints : [];
  endpoints.forEach((e: unknown, i) => {
    const rule =
      typeof e === 'string'
        ? expandEndpoint(e)
        : isObject(e) && typeof e.method === 'string' && typeof e.endpoint === 'string'
          ? { method: e.method, endpoint: e.endpoint }
          : undefined;
    if (!rule || (typeof e === 'string' && rule.endpoint === '')) return; // the schema reports it
    try {
      endpointGrant(rule, where);
      rules.push(rule);
    } catch (err) {
      const r = reasonOf(err, where);
      const path =
        typeof e === 'string' ? at('permitted_endpoints', i) : at('permitted_endpoints', i, r.at.field ?? 'endpoint');
      out.push({ path, message: r.message });
    }
  });
  return rules;
}

/** Each filter entry of each filter list read as the server reads it; per list, the entries that pass. */
function checkFilterLists(
  set: Record<string, unknown>,
  place: Place,
  itemRoles: ItemRoles | null | undefined,
  out: PolicyIssue[],
): Record<string, FilterEntry[]> {
  const filters: Record<string, FilterEntry[]> = {};
  for (const list of FILTER_LISTS) {
    const entries: unknown[] = Array.isArray(set[list]) ? set[list] : [];
    filters[list] = entries.flatMap((entry, i) => {
      const path = place.at(list, i);
      if (isObject(entry) && typeof entry.item_role === 'string' && itemRoles !== undefined) {
        checkItemRoleEntry(entry.item_role, place.where, path, itemRoles, out);
        return [];
      }
      const typed = checkFieldEntry(entry, place.where, path, out);
      return typed ? [typed] : [];
    });
  }
  return filters;
}

/** `{"item_role": r}` against the app config's item roles (`--app`). */
function checkItemRoleEntry(
  role: string,
  where: string,
  path: PolicyPath,
  itemRoles: ItemRoles | null,
  out: PolicyIssue[],
): void {
  try {
    entryToPred({ item_role: role }, CHECK_CALLER, where, itemRoles ?? undefined);
  } catch (err) {
    const declared = itemRoles ? `its item roles are ${itemRoles.roles.join(', ')}` : 'it declares none';
    out.push({ path: [...path, 'item_role'], message: `${reasonOf(err, where).message} (${declared})` });
  }
}

/** `{field, operator?, value}` typed and turned into a condition as the server does; the entry when it passes. */
function checkFieldEntry(entry: unknown, where: string, path: PolicyPath, out: PolicyIssue[]): FilterEntry | undefined {
  if (!isObject(entry) || typeof entry.field !== 'string') return undefined;
  if (entry.operator !== undefined && typeof entry.operator !== 'string') return undefined;
  let typed: FilterEntry;
  try {
    const value = plainToJson(entry.value);
    typed = { field: entry.field, value, ...(entry.operator === undefined ? {} : { operator: entry.operator }) };
  } catch {
    out.push({ path: [...path, 'value'], message: 'values must be strings, numbers, booleans, null or lists' });
    return undefined;
  }
  try {
    entryToPred(typed, CHECK_CALLER, where);
    return typed;
  } catch (err) {
    const r = reasonOf(err, where);
    const field = r.at.field && r.at.field in entry ? [r.at.field] : [];
    out.push({ path: [...path, ...field], message: r.message });
    return undefined;
  }
}

const asSet = (c: CleanSet) => ({ groups: c.groups, permitted_endpoints: c.rules, ...c.filters });

/**
 * Each record merged with its groups as the server merges them (unknown groups, cycles, expression limits). Each listed
 * group is followed on its own, so one broken group does not hide the next; then the whole merge. Groups no record
 * lists are checked too: a cycle or an unknown id there breaks the first record to list them.
 */
function mergeIssues(clean: Clean): PolicyIssue[] {
  const out: PolicyIssue[] = [];
  const groups = new Map<string, GroupRecord>(
    [...clean.groups].map(([id, c]) => [id, { group_id: id, ...asSet(c) } as GroupRecord]),
  );
  const cycles = new Set<string>(); // one cycle is found from each of its members and every record listing one
  const follow = (record: AuthRecord, kind: Kind, id: string): boolean => {
    try {
      buildRole(record, 'USERNAME', groups, CHECK_CALLER);
      return true;
    } catch (err) {
      const issue = mergeIssue(reasonOf(err, `${LABEL[kind]} ${id}`), kind, id, clean, cycles);
      if (issue) out.push(issue);
      return false;
    }
  };
  const merge = (record: AuthRecord, kind: Kind, id: string): void => {
    const listed = record.groups ?? [];
    const broken = listed.map((g) => follow({ ...record, groups: [g] }, kind, id)).some((ok) => !ok);
    if (!broken && listed.length !== 1) follow(record, kind, id);
  };
  for (const [id, c] of clean.records) merge({ id, ...asSet(c) } as AuthRecord, 'records', id);
  for (const id of clean.groups.keys()) merge({ id: `\u0000${id}`, groups: [id] }, 'groups', id);
  return out;
}

/** Where a failed merge points: the listing of the group at fault, the record over its limits, or nothing new. */
function mergeIssue(
  r: ReturnType<typeof reasonOf>,
  kind: Kind,
  id: string,
  clean: Clean,
  cycles: Set<string>,
): PolicyIssue | undefined {
  if (r.at.limits && kind === 'records') return { path: [kind, id], message: r.message };
  const set = r.at.set;
  if (r.at.group === undefined || !set) return undefined;
  const cycle = /^group cycle (.*)$/.exec(r.message)?.[1];
  if (cycle) {
    const ids = cycle.split(' → ');
    const members = ids
      .slice(ids.indexOf(ids.at(-1)!), -1)
      .sort()
      .join('\u0000');
    if (cycles.has(members)) return undefined;
    cycles.add(members);
  }
  const [label, ...name] = set.split(' ');
  const from: Kind = label === 'group' ? 'groups' : 'records';
  const fromId = from === 'records' ? id : name.join(' ');
  const index = clean[from].get(fromId)?.groups.indexOf(r.at.group) ?? -1;
  return { path: index >= 0 ? [from, fromId, 'groups', index] : [from, fromId], message: r.message };
}
