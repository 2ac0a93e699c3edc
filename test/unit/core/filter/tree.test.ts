import { and, not, or, type PredOf, type Tree } from '../../../../src/core/filter/tree';
import { NODES, OPERATORS } from '../../../../src/core/operators';

// Leaves of any shape: the connectives know no operator.
type Leaf = { op: 'x' | 'y'; field: string };
const x: Leaf = { op: 'x', field: 'a' };
const y: Leaf = { op: 'y', field: 'b' };

describe('the connectives, over leaves of any kind', () => {
  it('leave out their unit, let the opposite decide, and flatten their own kind', () => {
    expect(and<Leaf>([])).toBe(true);
    expect(or<Leaf>([])).toBe(false);
    expect(and([true, x])).toBe(x);
    expect(or([false, x])).toBe(x);
    expect(and([x, false, y])).toBe(false);
    expect(or([x, true, y])).toBe(true);
    const xy: Tree<Leaf> = { op: 'and', children: [x, y] };
    expect(and([xy, x])).toEqual({ op: 'and', children: [x, y, x] });
    expect(or([xy, x])).toEqual({ op: 'or', children: [xy, x] });
  });

  it('negate a boolean to its opposite and wrap a condition, without simplifying a double negation', () => {
    expect(not<Leaf>(true)).toBe(false);
    expect(not<Leaf>(false)).toBe(true);
    const notX: PredOf<Leaf> = not(x);
    expect(notX).toEqual({ op: 'not', child: x });
    expect(not(notX)).toEqual({ op: 'not', child: { op: 'not', child: x } });
  });

  it('tell a leaf from a connective by its op, so no operator builds a leaf named and, or or not', () => {
    const leafOps = Object.keys(NODES);
    const conditionOps = OPERATORS.map((o) => o.name);
    for (const op of ['and', 'or', 'not']) {
      expect(leafOps).not.toContain(op);
      expect(conditionOps).not.toContain(op);
    }
  });
});
