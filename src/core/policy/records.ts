import { type JsonOut, plainToJson } from '../json';
import { type AuthRecord, type EndpointRule, FILTER_LIST_FIELDS, type GroupRecord } from '../permissions/record';
import { ENDPOINT_SHORTHAND, type PolicyDocument, type PolicyEndpoint } from './schema';

/** `"GET /items"` → `{method: 'GET', endpoint: '/items'}`; the server stores and reads only the object form. */
export function expandEndpoint(rule: PolicyEndpoint): EndpointRule {
  if (typeof rule !== 'string') return rule;
  const m = ENDPOINT_SHORTHAND.exec(rule);
  // The schema only lets matching strings through; a caller skipping it gets a method the server refuses.
  return m ? { method: m[1]!, endpoint: m[2]! } : { method: rule, endpoint: '' };
}

const expand = <T extends { permitted_endpoints?: PolicyEndpoint[] | undefined }>(set: T) =>
  set.permitted_endpoints ? { ...set, permitted_endpoints: set.permitted_endpoints.map(expandEndpoint) } : set;

export interface PolicyRecords {
  records: AuthRecord[];
  groups: GroupRecord[];
}

/**
 * A valid policy document → the records as the tables hold them: ids inside, shorthand expanded, numbers as
 * exact JSON numbers (the server's records are read that way, so both run through the same code).
 */
export function policyRecords(doc: PolicyDocument): PolicyRecords {
  const json = (value: unknown) => plainToJson(value) as unknown;
  return {
    groups: Object.entries(doc.groups ?? {}).map(([id, g]) => json({ group_id: id, ...expand(g) }) as GroupRecord),
    records: Object.entries(doc.records ?? {}).map(([id, r]) => json({ id, ...expand(r) }) as AuthRecord),
  };
}

/** A stored rule back as shorthand when it reads back the same; otherwise the object form. */
function shortenEndpoint(rule: JsonOut): JsonOut {
  if (rule === null || typeof rule !== 'object' || Array.isArray(rule)) return rule;
  const { method, endpoint, ...rest } = rule;
  if (typeof method !== 'string' || typeof endpoint !== 'string' || Object.keys(rest).length > 0) return rule;
  const text = `${method} ${endpoint}`;
  const back = ENDPOINT_SHORTHAND.exec(text);
  return back && back[1] === method && back[2] === endpoint ? text : rule;
}

type Plain = { [key: string]: JsonOut };
// The order a person reads a record in; DynamoDB returns attributes in no particular order.
const FIELD_ORDER = [
  'type',
  'name',
  'description',
  'username',
  'email',
  'groups',
  'permitted_endpoints',
  ...FILTER_LIST_FIELDS,
  'exclude_fields',
  'update_fields_permitted',
  'update_fields_restricted',
  'explain',
];
const rank = (field: string) => {
  const i = FIELD_ORDER.indexOf(field);
  return i < 0 ? FIELD_ORDER.length : i;
};
const ENTRY_ORDER = ['field', 'operator', 'value'];
const orderEntry = (entry: JsonOut): JsonOut => {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return entry;
  const at = (k: string) => (ENTRY_ORDER.includes(k) ? ENTRY_ORDER.indexOf(k) : ENTRY_ORDER.length);
  return Object.fromEntries(
    Object.keys(entry)
      .sort((a, b) => at(a) - at(b))
      .map((k) => [k, entry[k]!]),
  );
};
const without = (item: Plain, key: string): Plain => {
  const { [key]: _, ...rest } = item;
  const endpoints = rest.permitted_endpoints;
  if (Array.isArray(endpoints)) rest.permitted_endpoints = endpoints.map(shortenEndpoint);
  for (const list of FILTER_LIST_FIELDS) {
    const entries = rest[list];
    if (Array.isArray(entries)) rest[list] = entries.map(orderEntry);
  }
  const fields = Object.keys(rest).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return Object.fromEntries(fields.map((f) => [f, rest[f]!]));
};
const byKey = (key: string) => (a: Plain, b: Plain) => String(a[key]).localeCompare(String(b[key]));

/** The tables' items (as JSON) → a policy document, ids sorted: what `scoutr policy export` writes. */
export function policyDocument(tables: { records: readonly Plain[]; groups: readonly Plain[] }): {
  version: 1;
  groups: Record<string, Plain>;
  records: Record<string, Plain>;
} {
  const map = (items: readonly Plain[], key: string) =>
    Object.fromEntries([...items].sort(byKey(key)).map((item) => [String(item[key]), without(item, key)]));
  return { version: 1, groups: map(tables.groups, 'group_id'), records: map(tables.records, 'id') };
}
