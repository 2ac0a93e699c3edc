import { lt } from '../../../../src/core/operators/lt';
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

describe('lt: field__lt=value, {field, operator: lt, value}', () => {
  it('compiles to #n0 < :v0', () => {
    expect(compiled(fromQuery('v__lt', '3'))).toEqual({
      expression: '#n0 < :v0',
      names: { '#n0': 'v' },
      values: { ':v0': { N: '3' } },
    });
  });

  it('reads a query value that looks like a number as a number, any other as a string', () => {
    expect(fromQuery('v__lt', '3')).toEqual({ op: 'lt', field: 'v', value: { N: '3' } });
    expect(fromQuery('v__lt', '03')).toEqual({ op: 'lt', field: 'v', value: { S: '03' } });
    expect(fromQuery('v__lt', 'true')).toEqual({ op: 'lt', field: 'v', value: { S: 'true' } });
  });

  it('orders numbers numerically and strings by code point; another type or no value never matches', () => {
    expect(selects(fromEntry({ field: 'v', operator: 'lt', value: num('3') }), items)).toEqual(['small']);
    expect(selects(fromEntry({ field: 'v', operator: 'lt', value: 'm' }), items)).toEqual([]);
  });

  it('refuses an entry value that is neither a number nor a string', () => {
    expect(entryRefusal({ field: 'v', operator: 'lt', value: true })).toContain("'lt' needs a number or a string");
    expect(entryRefusal({ field: 'v', operator: 'lt', value: null })).toContain("'lt' needs a number or a string");
  });

  it('is a sort key condition on a key of its value type, and bounds the high end of a range', () => {
    const f = { op: 'lt', field: 'sk', value: { S: 'a' } } as const;
    expect([lt.key?.sort?.(f, 'S'), lt.key?.sort?.(f, 'N')]).toEqual([true, false]);
    expect(lt.key?.partition).toBeUndefined();
    expect(lt.range?.(f)).toEqual({ high: { S: 'a' } });
  });
});
