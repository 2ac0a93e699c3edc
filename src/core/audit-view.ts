import { LAST_GRANTS } from './audit';
import { forbidden, invalidQuery } from './errors';
import { and, conjuncts, type Filter, type Pred } from './filter/types';
import { itemToJson, type JsonOut } from './json';
import { nodeOf } from './operators';
import { redact } from './permissions/access';
import { pathsOverlap } from './query/names';
import { canonicalSegment } from './routes';
import type { AttributeValue, Item } from './values';

const ITEM_PARTS = ['body', 'resource', 'item', 'query_params', 'path_params'];

/**
 * The parts of an audit record that a caller with hidden fields may be shown redacted (docs/reference/audit.md#no-filter-selects-on-what-you-are-not-shown): a filter on them
 * is decided on the record as shown, never on the stored one (see `shownFilter`).
 */
const REDACTED_PARTS = new Set([...ITEM_PARTS, 'path', 'changed']);

/**
 * An audit filter on body.F, resource.F, item.F (or a query or path parameter F) for a hidden F is 403 (docs/reference/audit.md#no-filter-selects-on-what-you-are-not-shown),
 * and so is one on a whole part that holds hidden fields (`query_params__length` would count the hidden ones).
 */
export function checkAuditFields(fields: Iterable<string>, hidden: readonly string[]): void {
  const blocked: string[] = [];
  for (const f of fields) {
    const [head, ...rest] = f.split('.');
    if (!head || !ITEM_PARTS.includes(head)) continue;
    if (rest.length === 0) {
      if (hidden.length > 0) blocked.push(f); // the whole part holds hidden fields
      continue;
    }
    if (head === 'path_params') continue; // checkAuditValues: parameter names are field names only for some routes
    const inner = head === 'query_params' ? rest.join('.').split('__')[0]! : rest.join('.');
    if (hidden.some((h) => pathsOverlap(inner, h))) blocked.push(f);
  }
  if (blocked.length > 0) throw forbidden(`field not permitted: ${blocked.join(', ')}`, { fields: blocked });
}

/** The string operands of a leaf condition (what it compares its field with). */
const textOperands = (f: Filter): string[] =>
  'field' in f
    ? nodeOf(f)
        .operands(f)
        .flatMap((v) => ('S' in v ? [v.S] : []))
    : [];

/** The strings a leaf pins its field to (`=`, `IN`): none for any other condition. */
const pinnedTexts = (f: Filter): string[] =>
  'field' in f ? (nodeOf(f).key?.pins?.(f) ?? []).flatMap((v) => ('S' in v ? [v.S] : [])) : [];

function leaves(p: Pred): Filter[] {
  if (typeof p === 'boolean') return [];
  if (p.op === 'and' || p.op === 'or') return p.children.flatMap(leaves);
  if (p.op === 'not') return leaves(p.child);
  return [p];
}

/** A path template's segments (`/items/{search_key}/{search_value}`), and the parameter at each, if any. */
const templateSegments = (template: string): Array<{ text: string; param: string | undefined }> =>
  template.split('/').map((text) => ({ text, param: /^\{([^}+]+)\+?\}$/.exec(text)?.[1] }));

/**
 * Whether a `path` operand reaches a path segment that is shown as `*` to a caller with these hidden fields: the
 * value (or name) of a hidden search key, or a filter route's parameter named after a hidden field (docs/reference/audit.md#what-a-caller-with-hidden-fields-sees).
 * `prefix`: the operand of `startswith`, whose last segment may be the beginning of a longer one.
 */
function pathReachesRedacted(
  operand: string,
  prefix: boolean,
  templates: readonly string[],
  names: (text: string) => boolean,
): boolean {
  const ops = operand.split('/');
  for (const template of templates) {
    const segs = templateSegments(template);
    if (ops.length > segs.length || (!prefix && ops.length !== segs.length)) continue;
    for (let i = 0; i < ops.length; i++) {
      const o = ops[i]!;
      const last = prefix && i === ops.length - 1;
      const { text, param } = segs[i]!;
      if (param === undefined) {
        if (last ? !text.startsWith(o) : text !== o) break;
        continue;
      }
      if (o === '') continue; // nothing of this segment is compared
      const redacted =
        param === 'search_key'
          ? names(o) || last // a partial key name may be the start of a hidden one
          : param === 'search_value'
            ? i > 0 && names(ops[i - 1]!)
            : names(param);
      if (redacted) return true;
    }
  }
  return false;
}

/**
 * Conditions on what an audit record says about fields — `changed`, `path`, `path_params` — are 403 when they could
 * tell anything the record's answer hides from the caller (docs/reference/audit.md#what-a-caller-with-hidden-fields-sees): `changed__contains=cost` would find the records
 * whose answers hide cost, `changed__length` would count the hidden names, `path__startswith=/items/cos` or
 * `path_params.search_value__contains=vip` would spell out a value searched on a hidden key. `templates` are the
 * app's list and search routes, whose parameters a path may carry.
 */
export function checkAuditValues(filter: Pred, hidden: readonly string[], templates: readonly string[] = []): void {
  if (hidden.length === 0) return;
  const names = (text: string) => hidden.some((h) => pathsOverlap(text, h));
  const segmentNames = (text: string) => text.split('/').some((seg) => seg !== '' && names(seg));
  const blocked = new Set<string>();
  // A search value is shown exactly when the query pins the search key to visible names.
  const keyPinned = conjuncts(filter).some(
    (c) =>
      'field' in c && c.field === 'path_params.search_key' && pinnedTexts(c).length > 0 && !pinnedTexts(c).some(names),
  );
  for (const leaf of leaves(filter)) {
    if (!('field' in leaf)) continue;
    const field = leaf.field;
    const texts = textOperands(leaf);
    // Compared by parts or order, a string can be spelt out a bit at a time (core/operators: `partial`).
    const partial = nodeOf(leaf).partial;
    if (field === 'changed' && (texts.some(names) || leaf.op === 'length')) blocked.add(field);
    if (field === 'path') {
      const reaches = (t: string) =>
        segmentNames(t) || pathReachesRedacted(t, leaf.op === 'startswith', templates, names);
      if ((partial && leaf.op !== 'startswith') || texts.some(reaches)) blocked.add(field);
    }
    if (field.startsWith('path_params.')) {
      const param = field.slice('path_params.'.length);
      if (param === 'search_key') {
        if (partial || leaf.op === 'exists' || texts.some(names)) blocked.add(field);
      } else if (param === 'search_value') {
        if (!keyPinned) blocked.add(field);
      } else if (names(param)) blocked.add(field);
    }
  }
  if (blocked.size > 0) throw forbidden(`field not permitted: ${[...blocked].join(', ')}`, { fields: [...blocked] });
}

/**
 * The conditions of an audit or history query split by what they compare: `stored` ones name only fields shown as
 * stored (they may go to DynamoDB); `shown` ones name a field the answer may redact, and are decided on the record as
 * the caller is shown it, so no filter ever selects on what it hides (docs/reference/audit.md#no-filter-selects-on-what-you-are-not-shown, docs/reference/item-roles.md#history).
 */
export function splitShownFilter(filter: Pred, redactable: (field: string) => boolean): { stored: Pred; shown: Pred } {
  const stored: Filter[] = [];
  const shown: Filter[] = [];
  for (const c of conjuncts(filter))
    (leaves(c).some((l) => 'field' in l && redactable(l.field)) ? shown : stored).push(c);
  return { stored: and(stored), shown: and(shown) };
}

/** For GET /audit and /audit/{item}: the parts redacted for a caller with hidden fields (none without). */
export const auditRedactable =
  (hidden: readonly string[]) =>
  (field: string): boolean =>
    hidden.length > 0 && REDACTED_PARTS.has(field.split('.')[0]!);

/** For /history: every field but those each version shows as stored (a redacted version shows only these). */
export const historyRedactable = (field: string): boolean => !['time', 'action', 'version'].includes(field);

const hiddenParam = (name: string, hidden: readonly string[]) =>
  hidden.some((h) => pathsOverlap(name.split('__')[0]!, h));

const mapOf = (v: AttributeValue | undefined): Item | undefined => (v && 'M' in v ? v.M : undefined);

/**
 * An audit record as a caller with these hidden fields may see it: hidden fields removed from body, resource, item
 * and changed, and query parameters, path parameters and path segments naming them dropped.
 */
export function redactAuditRecord(record: Item, hidden: readonly string[]): { [key: string]: JsonOut } {
  return itemToJson(shownAuditRecord(record, hidden));
}

/** The audit record as the caller is shown it, as an item: what `shown` filters are decided on. */
export function shownAuditRecord(record: Item, hidden: readonly string[]): Item {
  // The index keys, and a DELETE record's last grants (`_acl`: never answered, docs/reference/item-roles.md#deleting).
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
        out.path = { S: starValues(path.S, values) };
      }
    }
  }
  return out;
}

/**
 * A record of /audit/{item} as the caller is shown it: a change whose post-image is outside their read filters as
 * `{time, action, version, item: null, redacted: true}` (its body, path and user would tell what it hides), any other
 * as `shownAuditRecord` (docs/reference/audit.md#what-a-caller-with-hidden-fields-sees).
 */
export function shownItemRecord(record: Item, hidden: readonly string[], visible: (item: Item) => boolean): Item {
  const item = mapOf(record.item);
  if (!item || visible(item)) return shownAuditRecord(record, hidden);
  const NULL: AttributeValue = { NULL: true };
  return {
    time: record.time ?? NULL,
    action: record.action ?? NULL,
    version: record.version ?? NULL,
    item: NULL,
    redacted: { BOOL: true },
  };
}

/** For /audit/{item}: every field but those a redacted change still shows. */
export const itemAuditRedactable = historyRedactable;

/**
 * The path with each of these parameter values shown as `*`. A value holding `/` is one segment of the canonical path,
 * its `/` written `%2F` (core/routes.ts canonicalSegment); records written before that spelt it across segments
 * (`/items/cost/a/b`), so those runs of segments are matched too, longest value first.
 */
function starValues(path: string, values: readonly string[]): string {
  const segs = path.split('/');
  const given = [...new Set(values)].filter((v) => v !== '');
  const wanted = [...given.map((v) => [canonicalSegment(v)]), ...given.map((v) => v.split('/'))];
  wanted.sort((a, b) => b.length - a.length);
  const out: string[] = [];
  for (let i = 0; i < segs.length; ) {
    const hit = i > 0 ? wanted.find((w) => w.every((part, j) => segs[i + j] === part)) : undefined;
    out.push(hit ? '*' : segs[i]!);
    i += hit ? hit.length : 1;
  }
  return out.join('/');
}

/** One history version (docs/reference/audit.md#what-a-caller-with-hidden-fields-sees): `{time, action, version, user, item}`, or redacted when outside the filters. */
export function historyVersion(record: Item, hidden: readonly string[], visible: (item: Item) => boolean): JsonOut {
  return itemToJson(shownVersion(record, hidden, visible));
}

/** One history version as the caller is shown it, as an item: what `shown` filters are decided on. */
export function shownVersion(record: Item, hidden: readonly string[], visible: (item: Item) => boolean): Item {
  const NULL: AttributeValue = { NULL: true };
  const head = { time: record.time ?? NULL, action: record.action ?? NULL, version: record.version ?? NULL };
  const item = mapOf(record.item);
  if (item && !visible(item)) return { ...head, item: NULL, redacted: { BOOL: true } };
  return { ...head, user: record.user ?? NULL, item: item ? { M: redact(item, hidden) } : NULL };
}

const DAY_MS = 86_400_000;
/** GET /audit without a lower `time` bound reads back this many days (fewer when the query budget says so). */
export const AUDIT_LOOKBACK_DAYS = 366;
/**
 * The most Queries one GET /audit may make: one per day and shard read (AUDIT_SHARDS), plus one per further page of
 * a busy one. A year at 2 shards, half a year at the default 4; a `time` range that needs more is 400.
 */
export const MAX_AUDIT_QUERIES = 732;

/** The days one GET /audit may read with this many shards: at least one. */
export const auditDaysPerRequest = (shards: number): number => Math.max(1, Math.floor(MAX_AUDIT_QUERIES / shards));

/**
 * The days GET /audit reads, newest first: from the upper bound of `time` conditions (or today) down to the lower
 * bound, or without one AUDIT_LOOKBACK_DAYS back (at most `maxDays`). An explicit lower bound reaches as far back as
 * it says, older than the look-back too, but a range of more than `maxDays` days is 400: one request's queries are
 * bounded (docs/reference/audit.md#what-a-caller-with-hidden-fields-sees).
 */
export function auditDays(filter: Pred, now: number, maxDays = AUDIT_LOOKBACK_DAYS): string[] {
  let upper = now;
  let lower: number | undefined;
  const parse = (v: AttributeValue) => ('S' in v ? Date.parse(v.S) : Number.NaN);
  for (const c of conjuncts(filter)) {
    if (!('field' in c) || c.field !== 'time') continue;
    const range = nodeOf(c).range?.(c) ?? {};
    const bounds: Array<['lo' | 'hi', number]> = [];
    if (range.low) bounds.push(['lo', parse(range.low)]);
    if (range.high) bounds.push(['hi', parse(range.high)]);
    if (range.prefix !== undefined) bounds.push(...prefixBounds(range.prefix));
    for (const [side, t] of bounds) {
      if (Number.isNaN(t)) continue;
      if (side === 'lo') lower = lower === undefined ? t : Math.max(lower, t);
      else upper = Math.min(upper, t);
    }
  }
  const last = Math.floor(upper / DAY_MS) * DAY_MS;
  const first =
    lower === undefined
      ? last - (Math.min(AUDIT_LOOKBACK_DAYS, maxDays) - 1) * DAY_MS
      : Math.floor(lower / DAY_MS) * DAY_MS;
  const span = Math.max(0, (last - first) / DAY_MS + 1);
  if (span > maxDays) {
    throw invalidQuery(
      'time',
      `the range spans ${span} days, and one request reads at most ${maxDays} (${MAX_AUDIT_QUERIES} queries, one per day and shard): narrow it with time__lt or time__between`,
    );
  }
  const days: string[] = [];
  for (let t = last; t >= first; t -= DAY_MS) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

/** `time__startswith=2025`, `2025-03` or `2025-03-09`: the first and last instant of that year, month or day. */
function prefixBounds(prefix: string): Array<['lo' | 'hi', number]> {
  const y = Number(prefix.slice(0, 4));
  const m = prefix.length >= 7 ? Number(prefix.slice(5, 7)) : undefined;
  const d = prefix.length >= 10 ? Number(prefix.slice(8, 10)) : undefined;
  if (!/^\d{4}/.test(prefix) || Number.isNaN(m ?? 0) || Number.isNaN(d ?? 0)) return [];
  const lo = Date.UTC(y, (m ?? 1) - 1, d ?? 1);
  const hi = d !== undefined ? lo + DAY_MS : m !== undefined ? Date.UTC(y, m, 1) : Date.UTC(y + 1, 0, 1);
  return [
    ['lo', lo],
    ['hi', hi - 1],
  ];
}
