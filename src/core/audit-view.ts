import { LAST_GRANTS } from './audit';
import { forbidden } from './errors';
import { conjuncts, type Filter, type Pred } from './filter/types';
import { itemToJson, type JsonOut, toJson } from './json';
import { redact } from './permissions/access';
import { pathsOverlap } from './query/names';
import type { AttributeValue, Item } from './values';

const ITEM_PARTS = ['body', 'resource', 'item', 'query_params'];

/** An audit filter on body.F, resource.F, item.F (or a query parameter F) for a hidden F is 403 (SPEC.md §5). */
export function checkAuditFields(fields: Iterable<string>, hidden: readonly string[]): void {
  const blocked: string[] = [];
  for (const f of fields) {
    const [head, ...rest] = f.split('.');
    if (!head || !ITEM_PARTS.includes(head)) continue;
    if (rest.length === 0) {
      if (hidden.length > 0 && head !== 'query_params') blocked.push(f); // the whole part holds hidden fields
      continue;
    }
    const inner = head === 'query_params' ? rest.join('.').split('__')[0]! : rest.join('.');
    if (hidden.some((h) => pathsOverlap(inner, h))) blocked.push(f);
  }
  if (blocked.length > 0) throw forbidden(`field not permitted: ${blocked.join(', ')}`, { fields: blocked });
}

/** The string operands of a leaf condition (what it compares its field with). */
function textOperands(f: Filter): string[] {
  switch (f.op) {
    case 'and':
    case 'or':
    case 'not':
    case 'exists':
    case 'length':
      return [];
    case 'in':
      return f.values.flatMap((v) => ('S' in v ? [v.S] : []));
    case 'between':
      return [f.low, f.high].flatMap((v) => ('S' in v ? [v.S] : []));
    default:
      return 'S' in f.value ? [f.value.S] : [];
  }
}

function leaves(p: Pred): Filter[] {
  if (typeof p === 'boolean') return [];
  if (p.op === 'and' || p.op === 'or') return p.children.flatMap(leaves);
  if (p.op === 'not') return leaves(p.child);
  return [p];
}

/**
 * Conditions on what an audit record says about fields — `changed`, `path`, `path_params` — are 403 when they name a
 * field hidden from the caller: `changed__contains=cost` would otherwise find the records whose answers hide it.
 */
export function checkAuditValues(filter: Pred, hidden: readonly string[]): void {
  if (hidden.length === 0) return;
  const names = (text: string) => hidden.some((h) => pathsOverlap(text, h));
  const segmentNames = (text: string) => text.split('/').some((seg) => seg !== '' && names(seg));
  const blocked = new Set<string>();
  for (const leaf of leaves(filter)) {
    if (!('field' in leaf)) continue;
    const field = leaf.field;
    const texts = textOperands(leaf);
    if (field === 'changed' && texts.some(names)) blocked.add(field);
    // `path` is text: any operand that mentions a hidden name (a segment, or a substring for contains) is refused.
    const mentions = (t: string) =>
      leaf.op === 'contains' ? hidden.some((h) => t.includes(h.split('.')[0]!)) : segmentNames(t);
    if (field === 'path' && texts.some(mentions)) {
      blocked.add(field);
    }
    if (field.startsWith('path_params.')) {
      const param = field.slice('path_params.'.length);
      if (param === 'search_key' ? texts.some(names) : param !== 'search_value' && names(param)) blocked.add(field);
    }
  }
  if (blocked.size > 0) throw forbidden(`field not permitted: ${[...blocked].join(', ')}`, { fields: [...blocked] });
}

const hiddenParam = (name: string, hidden: readonly string[]) =>
  hidden.some((h) => pathsOverlap(name.split('__')[0]!, h));

const mapOf = (v: AttributeValue | undefined): Item | undefined => (v && 'M' in v ? v.M : undefined);

/**
 * An audit record as a caller with these hidden fields may see it: hidden fields removed from body, resource, item
 * and changed, and query parameters, path parameters and path segments naming them dropped.
 */
export function redactAuditRecord(record: Item, hidden: readonly string[]): { [key: string]: JsonOut } {
  // The index keys, and a DELETE record's last grants (`_acl`: never answered, SPEC.md §11).
  const { day_shard, history_key, [LAST_GRANTS]: _grants, ...rest } = record;
  const out: Item = { ...rest };
  for (const part of ['body', 'resource', 'item']) {
    const m = mapOf(out[part]);
    if (m) out[part] = { M: redact(m, hidden) };
  }
  const changed = out.changed;
  if (changed && 'L' in changed) {
    out.changed = { L: changed.L.filter((c) => !('S' in c && hidden.some((h) => pathsOverlap(c.S, h)))) };
  }
  const query = mapOf(out.query_params);
  if (query)
    out.query_params = { M: Object.fromEntries(Object.entries(query).filter(([k]) => !hiddenParam(k, hidden))) };
  const params = mapOf(out.path_params);
  if (params && hidden.length > 0) {
    const drop = new Set<string>();
    const sk = params.search_key;
    if (sk && 'S' in sk && hiddenParam(sk.S, hidden)) drop.add('search_key').add('search_value');
    for (const name of Object.keys(params))
      if (name !== 'search_value' && name !== 'search_key' && hiddenParam(name, hidden)) drop.add(name);
    // A search on a hidden key carries that field's values as its body.
    if (drop.has('search_key')) delete out.body;
    if (drop.size > 0) {
      const values = [...drop]
        .map((k) => params[k])
        .filter((v): v is { S: string } => !!v && 'S' in v)
        .map((v) => v.S);
      out.path_params = { M: Object.fromEntries(Object.entries(params).filter(([k]) => !drop.has(k))) };
      const path = out.path;
      if (path && 'S' in path) {
        out.path = {
          S: path.S.split('/')
            .map((seg) => (values.includes(seg) ? '*' : seg))
            .join('/'),
        };
      }
    }
  }
  return itemToJson(out);
}

/** One history version (SPEC.md §5): `{time, action, version, user, item}`, or redacted when outside the filters. */
export function historyVersion(record: Item, hidden: readonly string[], visible: (item: Item) => boolean): JsonOut {
  const time = record.time ? toJson(record.time) : null;
  const action = record.action ? toJson(record.action) : null;
  const version = record.version ? toJson(record.version) : null;
  const item = mapOf(record.item);
  if (item && !visible(item)) return { time, action, version, item: null, redacted: true };
  return {
    time,
    action,
    version,
    user: record.user ? toJson(record.user) : null,
    item: item ? itemToJson(redact(item, hidden)) : null,
  };
}

const DAY_MS = 86_400_000;
export const AUDIT_LOOKBACK_DAYS = 366;

/**
 * The days GET /audit reads, newest first: from the upper bound of `time` conditions (or today) down to the lower
 * bound (or AUDIT_LOOKBACK_DAYS back).
 */
export function auditDays(filter: Pred, now: number): string[] {
  let upper = now;
  let lower = now - (AUDIT_LOOKBACK_DAYS - 1) * DAY_MS;
  const parse = (v: AttributeValue) => ('S' in v ? Date.parse(v.S) : Number.NaN);
  for (const c of conjuncts(filter) as Filter[]) {
    if (!('field' in c) || c.field !== 'time') continue;
    const bounds: Array<['lo' | 'hi', number]> = [];
    if (c.op === 'gt' || c.op === 'gte') bounds.push(['lo', parse(c.value)]);
    if (c.op === 'lt' || c.op === 'lte') bounds.push(['hi', parse(c.value)]);
    if (c.op === 'eq') bounds.push(['lo', parse(c.value)], ['hi', parse(c.value)]);
    if (c.op === 'between') bounds.push(['lo', parse(c.low)], ['hi', parse(c.high)]);
    if (c.op === 'startswith') bounds.push(['lo', Date.parse(`${c.value.S.slice(0, 10).padEnd(10, '-01')}T00:00:00Z`)]);
    for (const [side, t] of bounds) {
      if (Number.isNaN(t)) continue;
      if (side === 'lo') lower = Math.max(lower, t);
      else upper = Math.min(upper, t);
    }
  }
  const days: string[] = [];
  for (let t = Math.floor(upper / DAY_MS) * DAY_MS; t >= Math.floor(lower / DAY_MS) * DAY_MS; t -= DAY_MS) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}
