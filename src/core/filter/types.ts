import type { LeafFilter } from '../operators';

export type { LengthCmp } from '../operators/length';
export type { LeafFilter };
export type NonEmpty<T> = readonly [T, ...T[]];
export type Cmp = 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte';

/**
 * A condition as plain data: the parser and role filters build it, compile.ts and evaluate.ts read it. Its leaves are
 * the operators' (core/operators/index.ts), one kind per module; these are the connectives.
 */
export type Filter =
  | { op: 'and' | 'or'; children: NonEmpty<Filter> }
  | { op: 'not'; child: Filter } // notin, notcontains, a query's ne
  | LeafFilter;

/** A filter after simplification: `true` matches every item, `false` none. */
export type Pred = Filter | boolean;

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

export const not = (p: Pred): Pred => (typeof p === 'boolean' ? !p : { op: 'not', child: p });

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
