// The connectives of a condition, whatever its leaves: the operators (core/operators/) build their conditions with
// these, and core/filter/types.ts names the tree whose leaves are theirs. Nothing here knows an operator, so the
// operators and the tree they make do not import each other.

export type NonEmpty<T> = readonly [T, ...T[]];

type Join<L> = { op: 'and' | 'or'; children: NonEmpty<Tree<L>> };

/** A condition as plain data: leaves `L` under `and`, `or` and `not`. No leaf is named `and`, `or` or `not`. */
export type Tree<L> = Join<L> | { op: 'not'; child: Tree<L> } | L;

/** A condition after simplification: `true` matches every item, `false` none. */
export type PredOf<L> = Tree<L> | boolean;

const joins = <L>(p: Tree<L>, op: Join<L>['op']): p is Join<L> => (p as { op?: unknown }).op === op;

/** The `op` of `preds`, with `unit` (true for and, false for or) left out, the opposite deciding, nested ones flattened. */
function join<L>(op: Join<L>['op'], unit: boolean, preds: readonly PredOf<L>[]): PredOf<L> {
  const children: Tree<L>[] = [];
  for (const p of preds) {
    if (p === !unit) return !unit;
    if (p === unit) continue;
    const t = p as Tree<L>; // neither true nor false
    if (joins(t, op)) children.push(...t.children);
    else children.push(t);
  }
  if (children.length === 0) return unit;
  return children.length === 1 ? children[0]! : { op, children: children as unknown as NonEmpty<Tree<L>> };
}

export const and = <L>(preds: readonly PredOf<L>[]): PredOf<L> => join('and', true, preds);

export const or = <L>(preds: readonly PredOf<L>[]): PredOf<L> => join('or', false, preds);

export const not = <L>(p: PredOf<L>): PredOf<L> => (typeof p === 'boolean' ? !p : { op: 'not', child: p });
