import { gte } from '../../../../src/core/operators/gte';
import type { Item } from '../../../../src/core/values';
import { compiled, entryRefusal, fromEntry, fromQuery, num, selects } from '../../../factories/operators';

const items: Record<string, Item> = {
  small: { v: { N: '2' } },
  three: { v: { N: '3.0' } },
  big: { v: { N: '10' } },
  text: { v: { S: 'm' } },
  textAfter: { v: { S: 'n' } },
  bool: { v: { BOOL: true } },
  none: {},
};

describe('gte: field__gte=value, {field, operator: gte, value}', () => {
  it('compiles to #n0 >= :v0', () => {
    expect(compiled(fromQuery('v__gte', '3'))).toEqual({
      expression: '#n0 >= :v0',
      names: { '#n0': 'v' },
      values: { ':v0': { N: '3' } },
    });
  });

  it('reads a query value that looks like a number as a number, any other as a string', () => {
    expect(fromQuery('v__gte', '3')).toEqual({ op: 'gte', field: 'v', value: { N: '3' } });
    expect(fromQuery('v__gte', '03')).toEqual({ op: 'gte', field: 'v', value: { S: '03' } });
    expect(fromQuery('v__gte', 'true')).toEqual({ op: 'gte', field: 'v', value: { S: 'true' } });
  });

  it('is also written __ge', () => {
    expect(fromQuery('v__ge', '3')).toEqual(fromQuery('v__gte', '3'));
    expect(fromEntry({ field: 'v', operator: 'ge', value: num('3') })).toEqual(fromQuery('v__gte', '3'));
  });

  it('orders numbers numerically and strings by code point; another type or no value never matches', () => {
    expect(selects(fromEntry({ field: 'v', operator: 'gte', value: num('3') }), items)).toEqual(['three', 'big']);
    expect(selects(fromEntry({ field: 'v', operator: 'gte', value: 'm' }), items)).toEqual(['text', 'textAfter']);
  });

  it('refuses an entry value that is neither a number nor a string', () => {
    expect(entryRefusal({ field: 'v', operator: 'gte', value: true })).toContain("'gte' needs a number or a string");
    expect(entryRefusal({ field: 'v', operator: 'gte', value: null })).toContain("'gte' needs a number or a string");
  });

  it('is a sort key condition on a key of its value type, and bounds the low end of a range', () => {
    const f = { op: 'gte', field: 'sk', value: { S: 'a' } } as const;
    expect([gte.key?.sort?.(f, 'S'), gte.key?.sort?.(f, 'N')]).toEqual([true, false]);
    expect(gte.key?.partition).toBeUndefined();
    expect(gte.range?.(f)).toEqual({ low: { S: 'a' } });
  });
});
