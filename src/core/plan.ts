import { checkLimits, compileFilter, Placeholders } from './filter/compile';
import { and, conjuncts, type Filter, fieldsOf, type NonEmpty, or, type Pred } from './filter/types';
import { needsItemRole } from './item-roles';
import { nodeOf } from './operators';
import { inGroups } from './operators/in';
import type { IndexSchema, KeyAttribute, TableSchema } from './schema';
import { type AttributeValue, compareStrings, type Item, keyText, type Scalar } from './values';

/**
 * How a read is served (docs/reference/query-language.md#planning). `residual` is what DynamoDB cannot filter in that operation
 * (conditions on the queried key's own attributes; anything on GetItem/BatchGetItem results): the verified
 * in-memory evaluator applies it.
 */
export type Plan =
  | { kind: 'none' } // the caller can see no row: nothing is read
  | { kind: 'get'; key: Item; residual: Pred }
  | { kind: 'batch'; keys: Item[]; residual: Pred }
  // One source per key condition (several for a search over an index key), read one after the other.
  | {
      kind: 'query';
      index: IndexSchema;
      keyConditions: NonEmpty<Filter>;
      filter: Pred;
      residual: Pred;
      /** newest first (audit and history) */
      descending?: boolean;
    }
  | { kind: 'scan'; filter: Pred; residual: Pred }
  /**
   * The caller's rows of the grants table (a Query on `principal`), then BatchGetItem of their items (docs/reference/item-roles.md#planning-what-a-list-costs). `residual` is the whole visible filter: `_acl` on the item is the truth, so a stale row shows nothing.
   */
  | { kind: 'grants'; user: string; residual: Pred };

const ofType = (type: KeyAttribute['type'], v: Scalar): boolean => type in v;

/** The values a conjunct pins a key attribute to (`=`, `IN`, OR-ed), or undefined when it is not such a conjunct. */
function pinnedValues(c: Filter, key: KeyAttribute): Scalar[] | undefined {
  if ('field' in c) {
    const pins = nodeOf(c).key?.pins;
    return c.field === key.name && pins ? pins(c).filter((v) => ofType(key.type, v)) : undefined;
  }
  if (c.op === 'or') {
    const parts = c.children.map((child) => pinnedValues(child, key));
    if (parts.every((p) => p !== undefined)) return parts.flat() as Scalar[];
  }
  return undefined;
}

const topField = (path: string) => path.split('.')[0]!;
const touches = (f: Filter, names: ReadonlySet<string>) => [...fieldsOf(f)].some((p) => names.has(topField(p)));

/**
 * A Query on an index. DynamoDB refuses conditions on the queried key attributes (the index's and the table's) in a
 * FilterExpression, so those conditions are checked in memory and the others go to DynamoDB.
 */
export function indexQuery(
  schema: TableSchema,
  index: IndexSchema,
  keyConditions: NonEmpty<Filter>,
  rest: readonly Filter[],
  descending = false,
): Plan {
  const keyNames = new Set([
    index.partitionKey.name,
    schema.partitionKey.name,
    ...(index.sortKey ? [index.sortKey.name] : []),
  ]);
  return {
    kind: 'query',
    index,
    keyConditions,
    filter: and(rest.filter((c) => !touches(c, keyNames))),
    residual: and(rest.filter((c) => touches(c, keyNames))),
    ...(descending ? { descending } : {}),
  };
}

export function planRead(pred: Pred, schema: TableSchema): Plan {
  if (pred === false) return { kind: 'none' };
  const parts = conjuncts(pred);
  const pk = schema.partitionKey;

  const pkIndex = parts.findIndex((c) => pinnedValues(c, pk) !== undefined);
  if (pkIndex >= 0) {
    const values = pinnedValues(parts[pkIndex]!, pk)!;
    const residual = and(parts.filter((_, i) => i !== pkIndex));
    const texts = new Map<string, Item>();
    for (const v of values) texts.set(keyText(v as AttributeValue), { [pk.name]: v as AttributeValue });
    const keys = [...texts.entries()].sort(([a], [b]) => compareStrings(a, b)).map(([, k]) => k);
    if (keys.length === 0) return { kind: 'none' };
    if (keys.length === 1) return { kind: 'get', key: keys[0]!, residual };
    return { kind: 'batch', keys, residual };
  }

  let best: { index: IndexSchema; pkAt: number; skAt: number } | undefined;
  for (const index of schema.indexes) {
    if (!index.projectsAll) continue;
    const pkAt = parts.findIndex((c) => keyCondition(c, index.partitionKey, 'partition'));
    if (pkAt < 0) continue;
    const sk = index.sortKey;
    const skAt = sk ? parts.findIndex((c, i) => i !== pkAt && keyCondition(c, sk, 'sort')) : -1;
    // An index with a sort key holds only items that have it: without a condition on it, a Query would miss rows.
    if (sk && skAt < 0) continue;
    if (!best || (best.skAt < 0 && skAt >= 0)) best = { index, pkAt, skAt };
  }
  if (best) {
    const { index, pkAt, skAt } = best;
    const keyCondition = and(skAt >= 0 ? [parts[pkAt]!, parts[skAt]!] : [parts[pkAt]!]) as Filter;
    return indexQuery(
      schema,
      index,
      [keyCondition],
      parts.filter((_, i) => i !== pkAt && i !== skAt),
    );
  }
  return { kind: 'scan', filter: and(parts), residual: true };
}

/**
 * A list (docs/reference/item-roles.md#planning-what-a-list-costs): a key lookup stays a key lookup; otherwise, when every counting role's read filter
 * needs an item role of the caller (and there is a grants table), the caller's grants rows name the items, so the cost
 * follows their grants, not the table. Anything else plans as planRead does.
 */
export function planList(pred: Pred, schema: TableSchema, grants?: GrantsScope): Plan {
  return viaGrants(planRead(pred, schema), pred, grants);
}

/** Who asks and the read filters of their counting roles: whether their grants rows can name what they may see. */
export interface GrantsScope {
  user: string | undefined;
  readFilters: readonly Pred[];
}

/** A Query or Scan for `pred` becomes a read of the caller's grants rows when every visible row needs an item role. */
function viaGrants(plan: Plan, pred: Pred, grants: GrantsScope | undefined): Plan {
  if (plan.kind === 'none' || plan.kind === 'get' || plan.kind === 'batch') return plan;
  if (grants?.user !== undefined && needsItemRole(grants.readFilters, grants.user)) {
    return { kind: 'grants', user: grants.user, residual: pred };
  }
  return plan;
}

/** Whether a conjunct can be a Query's condition on this key attribute: its operator's module says. */
function keyCondition(c: Filter, key: KeyAttribute, part: 'partition' | 'sort'): boolean {
  if (!('field' in c) || c.field !== key.name) return false;
  return nodeOf(c).key?.[part]?.(c, key.type) ?? false;
}

/** A short, value-free description for the log line, `_explain` and the cursor's plan check. */
export interface PlanSummary {
  operation: 'None' | 'GetItem' | 'BatchGetItem' | 'Query' | 'Scan' | 'GrantsQuery+BatchGetItem';
  index?: string;
  keyCondition?: string[];
  /** how many key conditions (queries) a search runs */
  sources?: number;
  filter?: string[];
  inMemory?: string[];
}

const names = (p: Pred): string[] | undefined => (typeof p === 'boolean' ? undefined : [...fieldsOf(p)].sort());

function describeKey(f: Filter): string[] {
  return conjuncts(f).map((c) => ('field' in c ? `${c.field} ${c.op}` : c.op));
}

export function summarize(plan: Plan): PlanSummary {
  switch (plan.kind) {
    case 'none':
      return { operation: 'None' };
    case 'get':
      return { operation: 'GetItem', ...opt('inMemory', names(plan.residual)) };
    case 'batch':
      return { operation: 'BatchGetItem', ...opt('inMemory', names(plan.residual)) };
    case 'query':
      return {
        operation: 'Query',
        index: plan.index.name,
        keyCondition: describeKey(plan.keyConditions[0]),
        ...(plan.keyConditions.length > 1 ? { sources: plan.keyConditions.length } : {}),
        ...opt('filter', names(plan.filter)),
        ...opt('inMemory', names(plan.residual)),
      };
    case 'scan':
      return { operation: 'Scan', ...opt('filter', names(plan.filter)) };
    case 'grants':
      return {
        operation: 'GrantsQuery+BatchGetItem',
        keyCondition: ['principal eq'],
        ...opt('inMemory', names(plan.residual)),
      };
  }
}

const opt = <K extends string>(k: K, v: string[] | undefined) => (v ? ({ [k]: v } as Record<K, string[]>) : {});

/** What a cursor records of its plan, to compare with the plan recomputed for the next page (docs/reference/pagination.md#cursors). */
export const fingerprint = (s: PlanSummary): string => `${s.operation}:${s.index ?? ''}:${s.sources ?? 1}`;

/** The Query/Scan input a plan sends (without paging fields): plain data, so tests can check it offline. */
interface ReadParams {
  operation: 'Query' | 'Scan';
  input: {
    TableName: string;
    IndexName?: string;
    KeyConditionExpression?: string;
    FilterExpression?: string;
    ProjectionExpression?: string;
    ScanIndexForward?: boolean;
    ExpressionAttributeNames?: Record<string, string>;
    ExpressionAttributeValues?: Record<string, AttributeValue>;
    Limit?: number;
  };
}

export interface Projection {
  ProjectionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
}

/**
 * The projection of a read (GetItem, BatchGetItem, Query, Scan): counter placeholders per path segment
 * (`a.b` → `#pn0.#pn1`, prefix `p` so they never meet a key condition's or a filter's), never attribute text.
 */
export function projectionParams(paths: readonly string[] | undefined): Projection | undefined {
  if (!paths || paths.length === 0) return undefined;
  const ph = new Placeholders('p');
  return { ProjectionExpression: paths.map((p) => ph.name(p)).join(', '), ExpressionAttributeNames: ph.names };
}

export function readParams(
  plan: Extract<Plan, { kind: 'query' | 'scan' }>,
  schema: TableSchema,
  projection?: readonly string[],
): ReadParams[] {
  const keyConditions: readonly (Filter | undefined)[] = plan.kind === 'query' ? plan.keyConditions : [undefined];
  return keyConditions.map((keyCondition) => {
    const keyPh = new Placeholders('k');
    const filterPh = new Placeholders('f');
    const key = keyCondition ? compileFilter(keyCondition, keyPh) : undefined;
    const filter = typeof plan.filter === 'boolean' ? undefined : compileFilter(plan.filter, filterPh);
    const projected = projectionParams(projection);
    checkLimits([key?.expression], keyCondition ? [keyCondition] : []);
    checkLimits([filter?.expression], typeof plan.filter === 'boolean' ? [] : [plan.filter]);
    const names = { ...keyPh.names, ...filterPh.names, ...projected?.ExpressionAttributeNames };
    const values = { ...keyPh.values, ...filterPh.values };
    return {
      operation: plan.kind === 'query' ? 'Query' : 'Scan',
      input: {
        TableName: schema.table,
        ...(plan.kind === 'query' ? { IndexName: plan.index.name, KeyConditionExpression: key!.expression } : {}),
        ...(plan.kind === 'query' && plan.descending ? { ScanIndexForward: false } : {}),
        ...(filter ? { FilterExpression: filter.expression } : {}),
        ...(projected ? { ProjectionExpression: projected.ProjectionExpression } : {}),
        ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
        ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
      },
    };
  });
}

/** The attributes of the key DynamoDB resumes from: the table key, plus the index key for an index query. */
export function keyAttributes(plan: Plan, schema: TableSchema): string[] {
  const attrs = [schema.partitionKey.name];
  if (plan.kind === 'query') {
    attrs.push(plan.index.partitionKey.name);
    if (plan.index.sortKey) attrs.push(plan.index.sortKey.name);
  }
  return attrs;
}

/** The key DynamoDB needs to resume after an item: the table key, plus the index key for an index query. */
export function resumeKey(plan: Plan, schema: TableSchema, item: Item): Item {
  const out: Item = {};
  for (const a of keyAttributes(plan, schema)) if (item[a] !== undefined) out[a] = item[a]!;
  return out;
}

/** Whether a filter compiles within DynamoDB's expression limits. */
function fits(f: Filter): boolean {
  try {
    checkLimits([compileFilter(f).expression], [f]);
    return true;
  } catch {
    return false;
  }
}

/**
 * The most Queries one search may make: a search on an index's partition key reads one Query per distinct value
 * (docs/reference/endpoints.md#search); more values are refused before anything is read.
 */
export const MAX_SEARCH_QUERIES = 100;

/**
 * The index a search on `field` queries, one Query per value: one projecting ALL whose only key is `field`. Not an
 * index with a sort key: it holds only items that have one, and a search names none.
 */
export function searchIndex(field: string, schema: TableSchema): IndexSchema | undefined {
  if (field === schema.partitionKey.name) return undefined;
  return schema.indexes.find((ix) => ix.projectsAll && !ix.sortKey && ix.partitionKey.name === field);
}

/**
 * POST /search/{field}: items whose field is one of `operands`, within `visible`. The partition key → BatchGetItem;
 * an index partition key → one Query per value; otherwise one Scan with IN groups of at most 100 operands, or,
 * when the values do not fit in one expression, one Scan matching the values in memory (one pass over the table
 * instead of one per chunk: reads are what DynamoDB bills).
 */
export function planSearch(
  field: string,
  operands: readonly Scalar[],
  visible: Pred,
  schema: TableSchema,
  grants?: GrantsScope,
): Plan {
  if (visible === false || operands.length === 0) return { kind: 'none' };
  const match = or(inGroups(field, operands));
  const whole = and([match, visible]);
  const pk = schema.partitionKey;
  if (field === pk.name) return planRead(whole, schema);
  const index = searchIndex(field, schema);
  if (index) {
    const values = operands.filter((v) => ofType(index.partitionKey.type, v));
    if (values.length === 0) return { kind: 'none' };
    const keyConditions = values.map((value): Filter => ({ op: 'eq', field, value })) as unknown as NonEmpty<Filter>;
    return viaGrants(indexQuery(schema, index, keyConditions, conjuncts(visible)), whole, grants);
  }
  if (typeof whole === 'boolean' || fits(whole)) {
    return viaGrants({ kind: 'scan', filter: whole, residual: true }, whole, grants);
  }
  return viaGrants({ kind: 'scan', filter: visible, residual: match }, whole, grants);
}
