import { lte } from '../../../../src/core/operators/lte';
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

describe('lte: field__lte=value, {field, operator: lte, value}', () => {
  it('compiles to #n0 <= :v0', () => {
    expect(compiled(fromQuery('v__lte', '3'))).toEqual({
      expression: '#n0 <= :v0',
      names: { '#n0': 'v' },
      values: { ':v0': { N: '3' } },
    });
  });

  it('reads a query value that looks like a number as a number, any other as a string', () => {
    expect(fromQuery('v__lte', '3')).toEqual({ op: 'lte', field: 'v', value: { N: '3' } });
    expect(fromQuery('v__lte', '03')).toEqual({ op: 'lte', field: 'v', value: { S: '03' } });
    expect(fromQuery('v__lte', 'true')).toEqual({ op: 'lte', field: 'v', value: { S: 'true' } });
  });

  it('is also written __le', () => {
    expect(fromQuery('v__le', '3')).toEqual(fromQuery('v__lte', '3'));
    expect(fromEntry({ field: 'v', operator: 'le', value: num('3') })).toEqual(fromQuery('v__lte', '3'));
  });

  it('orders numbers numerically and strings by code point; another type or no value never matches', () => {
    expect(selects(fromEntry({ field: 'v', operator: 'lte', value: num('3') }), items)).toEqual(['small', 'three']);
    expect(selects(fromEntry({ field: 'v', operator: 'lte', value: 'm' }), items)).toEqual(['text']);
  });

  it('refuses an entry value that is neither a number nor a string', () => {
    expect(entryRefusal({ field: 'v', operator: 'lte', value: true })).toContain("'lte' needs a number or a string");
    expect(entryRefusal({ field: 'v', operator: 'lte', value: null })).toContain("'lte' needs a number or a string");
  });

  it('is a sort key condition on a key of its value type, and bounds the high end of a range', () => {
    const f = { op: 'lte', field: 'sk', value: { S: 'a' } } as const;
    expect([lte.key?.sort?.(f, 'S'), lte.key?.sort?.(f, 'N')]).toEqual([true, false]);
    expect(lte.key?.partition).toBeUndefined();
    expect(lte.range?.(f)).toEqual({ high: { S: 'a' } });
  });
});
