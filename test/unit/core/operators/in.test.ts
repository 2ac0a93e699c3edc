import { chunk, oneOf } from '../../../../src/core/operators/in';
import type { Item } from '../../../../src/core/values';
import { compiled, entryRefusal, fromEntry, fromQuery, num, queryRefusal, selects } from '../../../factories/operators';

const items: Record<string, Item> = {
  one: { v: { N: '1' } },
  oneText: { v: { S: '1' } },
  two: { v: { S: '2' } },
  none: {},
};

describe('in: field__in=[...], {field, value: [...]}', () => {
  it('compiles to #n0 IN (:v0, ...)', () => {
    expect(compiled(fromQuery('v__in', '["a","b"]'))).toEqual({
      expression: '#n0 IN (:v0, :v1)',
      names: { '#n0': 'v' },
      values: { ':v0': { S: 'a' }, ':v1': { S: 'b' } },
    });
  });

  it('doubles a query number element (the number rule) and keeps a string element a string', () => {
    expect(selects(fromQuery('v__in', '[1]'), items)).toEqual(['one', 'oneText']);
    expect(selects(fromQuery('v__in', '["1","2"]'), items)).toEqual(['oneText', 'two']);
  });

  it('is what an entry with a list and no operator means, with values of their own type', () => {
    const filter = fromEntry({ field: 'v', value: [num('1'), '2'] });
    expect(filter).toEqual(fromEntry({ field: 'v', operator: 'in', value: [num('1'), '2'] }));
    expect(selects(filter, items)).toEqual(['one', 'two']);
  });

  it('splits more than 100 operands, counted after the number rule, into IN groups OR-ed', () => {
    const fifty = JSON.stringify(Array.from({ length: 50 }, (_, i) => i));
    const fiftyOne = JSON.stringify(Array.from({ length: 51 }, (_, i) => i));
    expect(compiled(fromQuery('v__in', fifty)).expression).toMatch(/^#n0 IN \((:v\d+, ){99}:v99\)$/);
    expect(compiled(fromQuery('v__in', fiftyOne)).expression).toMatch(
      /^\(#n0 IN \((:v\d+, ){99}:v99\) OR #n0 IN \(:v100, :v101\)\)$/,
    );
  });

  it.each([
    ['[]', 'expects at least 1 value'],
    ['1', 'expects a JSON array'],
    ['[1,', 'malformed JSON array'],
    ['[null]', 'array elements must be strings, numbers or booleans'],
    [`[${'9'.repeat(39)}]`, 'number beyond DynamoDB precision or range (38 digits)'],
  ])('refuses the query value %s: %s', (value, reason) => {
    expect(queryRefusal('v__in', value)).toBe(`v__in: ${reason}`);
  });

  it('refuses an entry value that is no list, or an empty one', () => {
    expect(entryRefusal({ field: 'v', operator: 'in', value: 'x' })).toContain("'in' needs a non-empty list");
    expect(entryRefusal({ field: 'v', operator: 'in', value: [] })).toContain("'in' needs a non-empty list");
  });

  it('pins a key to its values (BatchGetItem), but is no Query key condition', () => {
    const f = { op: 'in', field: 'id', values: [{ S: 'a' }, { S: 'b' }] } as const;
    expect(oneOf.key?.pins?.(f)).toEqual([{ S: 'a' }, { S: 'b' }]);
    expect(oneOf.key?.partition).toBeUndefined();
    expect(oneOf.key?.sort).toBeUndefined();
  });
});

describe('chunk', () => {
  it.each([
    { n: 1, sizes: [1] },
    { n: 100, sizes: [100] },
    { n: 101, sizes: [100, 1] },
    { n: 250, sizes: [100, 100, 50] },
  ])('splits $n values into IN groups of at most 100', ({ n, sizes }) => {
    const values = Array.from({ length: n }, (_, i) => i);
    const groups = chunk(values);
    expect(groups.map((g) => g.length)).toEqual(sizes);
    expect(groups.flat()).toEqual(values);
  });

  it('returns no group for no values', () => {
    expect(chunk([])).toEqual([]);
  });
});
