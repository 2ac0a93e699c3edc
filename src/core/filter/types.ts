import type { LeafFilter } from '../operators';
import * as tree from './tree';

export type { LengthCmp } from '../operators/length';
export type { NonEmpty } from './tree';
export type { LeafFilter };
export type Cmp = 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte';

/**
 * A condition as plain data: the parser and role filters build it, compile.ts and evaluate.ts read it. Its leaves are
 * the operators' (core/operators/index.ts), one kind per module; its connectives are tree.ts's.
 */
export type Filter = tree.Tree<LeafFilter>;

/** A filter after simplification: `true` matches every item, `false` none. */
export type Pred = tree.PredOf<LeafFilter>;

export const and: (preds: readonly Pred[]) => Pred = tree.and;
export const or: (preds: readonly Pred[]) => Pred = tree.or;
export const not: (p: Pred) => Pred = tree.not;

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
