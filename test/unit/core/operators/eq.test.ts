import { eq } from '../../../../src/core/operators/eq';
import { parseQuery } from '../../../../src/core/query/parse';
import type { Item } from '../../../../src/core/values';
import { compiled, entryRefusal, fromEntry, fromQuery, num, selects } from '../../../factories/operators';

const items: Record<string, Item> = {
  number: { v: { N: '3' } },
  text: { v: { S: '3' } },
  bool: { v: { BOOL: true } },
  boolText: { v: { S: 'true' } },
  set: { v: { SS: ['3'] } },
  none: {},
};

describe('eq: field=value, field__eq=value, {field, value}', () => {
  it('compiles to #n0 = :v0', () => {
    expect(compiled(fromQuery('status__eq', 'Active'))).toEqual({
      expression: '#n0 = :v0',
      names: { '#n0': 'status' },
      values: { ':v0': { S: 'Active' } },
    });
  });

  it('is the same condition bare, with __eq, and as a policy entry', () => {
    const want = { op: 'eq', field: 'status', value: { S: 'Active' } };
    expect(fromQuery('status', 'Active')).toEqual(want);
    expect(fromQuery('status__eq', 'Active')).toEqual(want);
    expect(fromEntry({ field: 'status', value: 'Active' })).toEqual(want);
    expect(fromEntry({ field: 'status', operator: 'eq', value: 'Active' })).toEqual(want);
  });

  it('matches a query number both as a number and as its text (the number rule): #n0 IN (:v0, :v1)', () => {
    const filter = fromQuery('v', '3');
    expect(compiled(filter)).toEqual({
      expression: '#n0 IN (:v0, :v1)',
      names: { '#n0': 'v' },
      values: { ':v0': { N: '3' }, ':v1': { S: '3' } },
    });
    expect(selects(filter, items)).toEqual(['number', 'text']);
    expect(selects(fromQuery('v', 'true'), items)).toEqual(['bool', 'boolText']);
  });

  it('matches an entry value of its own type only', () => {
    expect(selects(fromEntry({ field: 'v', value: num('3') }), items)).toEqual(['number']);
    expect(selects(fromEntry({ field: 'v', value: '3' }), items)).toEqual(['text']);
    expect(selects(fromEntry({ field: 'v', value: true }), items)).toEqual(['bool']);
  });

  it('is equality with any value of a key repeated without an operator', () => {
    const { filter } = parseQuery({
      params: [
        ['s', 'x'],
        ['s', 'y'],
        ['s', 'x'],
      ],
      keyTypes: new Map(),
    });
    expect(compiled(filter).expression).toBe('#n0 IN (:v0, :v1)');
  });

  it('compares numbers by value, never through a double', () => {
    const big = '12345678901234567890123456789012345678';
    const filter = fromEntry({ field: 'v', value: num(big) });
    expect(selects(filter, { same: { v: { N: big } }, next: { v: { N: `${big.slice(0, -1)}9` } } })).toEqual(['same']);
    expect(selects(fromEntry({ field: 'v', value: num('10') }), { other: { v: { N: '1E+1' } } })).toEqual(['other']);
  });

  it('refuses a list in an entry that names eq', () => {
    expect(entryRefusal({ field: 'v', operator: 'eq', value: ['x'] })).toContain("'eq' needs a single value");
  });

  it('pins a key (GetItem), and is a partition or sort key condition on a key of its type', () => {
    const f = { op: 'eq', field: 'id', value: { N: '7' } } as const;
    expect(eq.key?.pins?.(f)).toEqual([{ N: '7' }]);
    expect([eq.key?.partition?.(f, 'N'), eq.key?.partition?.(f, 'S')]).toEqual([true, false]);
    expect([eq.key?.sort?.(f, 'N'), eq.key?.sort?.(f, 'S')]).toEqual([true, false]);
    expect(eq.range?.(f)).toEqual({ low: { N: '7' }, high: { N: '7' } });
  });
});
