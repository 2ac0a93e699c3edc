import { between } from '../../../../src/core/operators/between';
import type { Item, KeySpec } from '../../../../src/core/values';
import { compiled, entryRefusal, fromEntry, fromQuery, num, queryRefusal, selects } from '../../../factories/operators';

const items: Record<string, Item> = {
  low: { v: { N: '1' } },
  middle: { v: { N: '2.5' } },
  high: { v: { N: '5' } },
  above: { v: { N: '10' } },
  text: { v: { S: '3' } },
  none: {},
};

describe('between: field__between=[low,high], {field, operator: between, value: [low, high]}', () => {
  it('compiles to #n0 BETWEEN :v0 AND :v1', () => {
    expect(compiled(fromQuery('v__between', '[1,5]'))).toEqual({
      expression: '#n0 BETWEEN :v0 AND :v1',
      names: { '#n0': 'v' },
      values: { ':v0': { N: '1' }, ':v1': { N: '5' } },
    });
  });

  it('is the same condition in a query and in an entry', () => {
    const want = { op: 'between', field: 'v', low: { N: '1' }, high: { N: '5' } };
    expect(fromQuery('v__between', '[1,5.0]')).toEqual(want);
    expect(fromEntry({ field: 'v', operator: 'between', value: [num('1'), num('5.0')] })).toEqual(want);
  });

  it('is inclusive and orders numbers numerically; another type never matches', () => {
    expect(selects(fromQuery('v__between', '[1,5]'), items)).toEqual(['low', 'middle', 'high']);
  });

  it('keeps a JSON string element a string', () => {
    expect(fromQuery('v__between', '["1","5"]')).toEqual({
      op: 'between',
      field: 'v',
      low: { S: '1' },
      high: { S: '5' },
    });
  });

  // One check of the bounds, whichever way the condition was written (docs/reference/query-language.md#operators and docs/reference/permissions.md#auth-records-and-groups).
  it.each<[string, unknown[], string]>([
    ['[2,1]', [num('2'), num('1')], 'needs low ≤ high'],
    ['["b","a"]', ['b', 'a'], 'needs low ≤ high'],
    ['["😀","\uFFFF"]', ['😀', '\uFFFF'], 'needs low ≤ high'], // code points, not UTF-16 units
    ['[1,"2"]', [num('1'), '2'], 'needs two numbers or two strings'],
  ])('refuses %s in a query and as an entry: %s', (text, value, reason) => {
    expect(queryRefusal('v__between', text)).toBe(`v__between: between ${reason}`);
    expect(entryRefusal({ field: 'v', operator: 'between', value })).toContain(`'between' ${reason}`);
  });

  it.each<[string, unknown]>([
    ['[1]', [num('1')]],
    ['[1,2,3]', [num('1'), num('2'), num('3')]],
    ['[false,true]', [false, true]],
  ])('refuses the arity or type of %s in both syntaxes', (text, value) => {
    queryRefusal('v__between', text);
    entryRefusal({ field: 'v', operator: 'between', value: value as unknown[] });
  });

  it('types the bounds of a key attribute by the key schema', () => {
    const keyTypes = new Map<string, KeySpec>([['sku', { type: 'S', maxBytes: 1024 }]]);
    expect(fromQuery('sku__between', '[1,2]', keyTypes)).toEqual({
      op: 'between',
      field: 'sku',
      low: { S: '1' },
      high: { S: '2' },
    });
  });

  it('is a sort key condition when both bounds have the key type, and bounds a range at both ends', () => {
    const f = { op: 'between', field: 'sk', low: { N: '1' }, high: { N: '2' } } as const;
    expect([between.key?.sort?.(f, 'N'), between.key?.sort?.(f, 'S')]).toEqual([true, false]);
    expect(between.range?.(f)).toEqual({ low: { N: '1' }, high: { N: '2' } });
  });
});
