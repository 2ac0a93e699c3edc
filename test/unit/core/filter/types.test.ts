import { and, conjuncts, type Filter, fieldsOf, or } from '../../../../src/core/filter/types';

const a: Filter = { op: 'eq', field: 'a', value: { S: 'x' } };
const b: Filter = { op: 'exists', field: 'b.c', present: true };
const c: Filter = { op: 'gt', field: 'c', value: { N: '1' } };

describe('and', () => {
  it.each([
    { preds: [], want: true },
    { preds: [true, true], want: true },
    { preds: [a, false], want: false },
    { preds: [false, a], want: false },
    { preds: [true, a], want: a },
    { preds: [a, b], want: { op: 'and', children: [a, b] } },
    { preds: [{ op: 'and', children: [a, b] } as Filter, c], want: { op: 'and', children: [a, b, c] } },
    {
      preds: [{ op: 'or', children: [a, b] } as Filter, c],
      want: { op: 'and', children: [{ op: 'or', children: [a, b] }, c] },
    },
  ])('simplifies AND of $preds', ({ preds, want }) => {
    expect(and(preds as (Filter | boolean)[])).toEqual(want);
  });
});

describe('or', () => {
  it.each([
    { preds: [], want: false },
    { preds: [false, false], want: false },
    { preds: [a, true], want: true },
    { preds: [false, a], want: a },
    { preds: [a, b], want: { op: 'or', children: [a, b] } },
    { preds: [{ op: 'or', children: [a, b] } as Filter, c], want: { op: 'or', children: [a, b, c] } },
    {
      preds: [{ op: 'and', children: [a, b] } as Filter, c],
      want: { op: 'or', children: [{ op: 'and', children: [a, b] }, c] },
    },
  ])('simplifies OR of $preds', ({ preds, want }) => {
    expect(or(preds as (Filter | boolean)[])).toEqual(want);
  });
});

describe('conjuncts and fieldsOf', () => {
  it('lists the top-level conjuncts of a filter', () => {
    expect(conjuncts(true)).toEqual([]);
    expect(conjuncts(a)).toEqual([a]);
    expect(conjuncts({ op: 'and', children: [a, b] })).toEqual([a, b]);
    expect(conjuncts({ op: 'or', children: [a, b] })).toEqual([{ op: 'or', children: [a, b] }]);
  });

  it('collects every field path a filter reads, through and/or/not', () => {
    const f: Filter = {
      op: 'or',
      children: [
        { op: 'not', child: a },
        { op: 'and', children: [b, c, a] },
      ],
    };
    expect([...fieldsOf(f)].sort()).toEqual(['a', 'b.c', 'c']);
  });
});
