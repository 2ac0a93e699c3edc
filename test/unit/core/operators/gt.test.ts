import { gt } from '../../../../src/core/operators/gt';
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

describe('gt: field__gt=value, {field, operator: gt, value}', () => {
  it('compiles to #n0 > :v0', () => {
    expect(compiled(fromQuery('v__gt', '3'))).toEqual({
      expression: '#n0 > :v0',
      names: { '#n0': 'v' },
      values: { ':v0': { N: '3' } },
    });
  });

  it('reads a query value that looks like a number as a number, any other as a string', () => {
    expect(fromQuery('v__gt', '3')).toEqual({ op: 'gt', field: 'v', value: { N: '3' } });
    expect(fromQuery('v__gt', '03')).toEqual({ op: 'gt', field: 'v', value: { S: '03' } });
    expect(fromQuery('v__gt', 'true')).toEqual({ op: 'gt', field: 'v', value: { S: 'true' } });
  });

  it('orders numbers numerically and strings by code point; another type or no value never matches', () => {
    expect(selects(fromEntry({ field: 'v', operator: 'gt', value: num('3') }), items)).toEqual(['big']);
    expect(selects(fromEntry({ field: 'v', operator: 'gt', value: 'm' }), items)).toEqual(['textAfter']);
  });

  it('refuses an entry value that is neither a number nor a string', () => {
    expect(entryRefusal({ field: 'v', operator: 'gt', value: true })).toContain("'gt' needs a number or a string");
    expect(entryRefusal({ field: 'v', operator: 'gt', value: null })).toContain("'gt' needs a number or a string");
  });

  it('is a sort key condition on a key of its value type, and bounds the low end of a range', () => {
    const f = { op: 'gt', field: 'sk', value: { S: 'a' } } as const;
    expect([gt.key?.sort?.(f, 'S'), gt.key?.sort?.(f, 'N')]).toEqual([true, false]);
    expect(gt.key?.partition).toBeUndefined();
    expect(gt.range?.(f)).toEqual({ low: { S: 'a' } });
  });
});
