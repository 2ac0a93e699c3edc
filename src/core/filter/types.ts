import type { Scalar } from '../values';

export type NonEmpty<T> = readonly [T, ...T[]];
export type Cmp = 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte';
export type LengthCmp = 'eq' | 'gt' | 'gte' | 'lt' | 'lte';

/** A condition as plain data: the parser and role filters build it, compile.ts and evaluate.ts read it. */
export type Filter =
  | { op: 'and' | 'or'; children: NonEmpty<Filter> }
  | { op: 'not'; child: Filter } // notin, notcontains
  | { op: Cmp; field: string; value: Scalar }
  | { op: 'length'; cmp: LengthCmp; field: string; value: { N: string } } // field__length__gt=3
  | { op: 'in'; field: string; values: NonEmpty<Scalar> } // at most 100 values: the parser splits larger sets
  | { op: 'between'; field: string; low: Scalar; high: Scalar }
  | { op: 'startswith' | 'contains'; field: string; value: { S: string } }
  // a string set holding the value, and nothing else: an item role in `_acl` (a plain string does not match by substring)
  | { op: 'member'; field: string; value: { S: string } }
  | { op: 'exists'; field: string; present: boolean };

/** A filter after simplification: `true` matches every item, `false` none. */
export type Pred = Filter | boolean;

const MAX_IN = 100; // DynamoDB's limit on IN operands

export function and(preds: readonly Pred[]): Pred {
  const children: Filter[] = [];
  for (const p of preds) {
    if (p === false) return false;
    if (p === true) continue;
    if (p.op === 'and') children.push(...p.children);
    else children.push(p);
  }
  if (children.length === 0) return true;
  return children.length === 1 ? children[0]! : { op: 'and', children: children as unknown as NonEmpty<Filter> };
}

export function or(preds: readonly Pred[]): Pred {
  const children: Filter[] = [];
  for (const p of preds) {
    if (p === true) return true;
    if (p === false) continue;
    if (p.op === 'or') children.push(...p.children);
    else children.push(p);
  }
  if (children.length === 0) return false;
  return children.length === 1 ? children[0]! : { op: 'or', children: children as unknown as NonEmpty<Filter> };
}

/** Every field path a filter reads (for the exclusion check and for planning). */
export function fieldsOf(f: Filter, out: Set<string> = new Set()): Set<string> {
  switch (f.op) {
    case 'and':
    case 'or':
      for (const c of f.children) fieldsOf(c, out);
      return out;
    case 'not':
      return fieldsOf(f.child, out);
    default:
      out.add(f.field);
      return out;
  }
}

/** The top-level conjuncts of a filter. */
export const conjuncts = (p: Pred): Filter[] =>
  p === true || p === false ? [] : p.op === 'and' ? [...p.children] : [p];

/** Splits a value list into IN groups of at most MAX_IN operands. */
export function chunk<T>(values: readonly T[], size = MAX_IN): NonEmpty<T>[] {
  const out: NonEmpty<T>[] = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size) as unknown as NonEmpty<T>);
  return out;
}
