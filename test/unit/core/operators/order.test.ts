import { gt } from '../../../../src/core/operators/gt';
import { gte } from '../../../../src/core/operators/gte';
import { lt } from '../../../../src/core/operators/lt';
import { lte } from '../../../../src/core/operators/lte';
import type { Node } from '../../../../src/core/operators/operator';
import type { Item } from '../../../../src/core/values';
import { compiled, entryRefusal, fromEntry, fromQuery, num, selects } from '../../../factories/operators';

// The four orderings (src/core/operators/{gt,gte,lt,lte}.ts, each made by order.ts's `ordering`), one table.
const items: Record<string, Item> = {
  small: { v: { N: '2' } },
  three: { v: { N: '3.0' } },
  big: { v: { N: '10' } },
  text: { v: { S: 'm' } },
  textAfter: { v: { S: 'n' } },
  bool: { v: { BOOL: true } },
  none: {},
};

const cases = [
  { name: 'gt', op: gt, symbol: '>', alias: undefined, above3: ['big'], aboveM: ['textAfter'], bound: 'low' },
  {
    name: 'gte',
    op: gte,
    symbol: '>=',
    alias: 'ge',
    above3: ['three', 'big'],
    aboveM: ['text', 'textAfter'],
    bound: 'low',
  },
  { name: 'lt', op: lt, symbol: '<', alias: undefined, above3: ['small'], aboveM: [], bound: 'high' },
  { name: 'lte', op: lte, symbol: '<=', alias: 'le', above3: ['small', 'three'], aboveM: ['text'], bound: 'high' },
] as const;

describe.each(cases)('$name: field__$name=value, {field, operator: $name, value}', (c) => {
  it(`compiles to #n0 ${c.symbol} :v0`, () => {
    expect(compiled(fromQuery(`v__${c.name}`, '3'))).toEqual({
      expression: `#n0 ${c.symbol} :v0`,
      names: { '#n0': 'v' },
      values: { ':v0': { N: '3' } },
    });
  });

  it('reads a query value that looks like a number as a number, any other as a string', () => {
    expect(fromQuery(`v__${c.name}`, '3')).toEqual({ op: c.name, field: 'v', value: { N: '3' } });
    expect(fromQuery(`v__${c.name}`, '03')).toEqual({ op: c.name, field: 'v', value: { S: '03' } });
    expect(fromQuery(`v__${c.name}`, 'true')).toEqual({ op: c.name, field: 'v', value: { S: 'true' } });
  });

  it('has the spellings of the docs, and no other', () => {
    if (c.alias === undefined) return expect(Object.keys(c.op.spellings)).toEqual([c.name]);
    expect(fromQuery(`v__${c.alias}`, '3')).toEqual(fromQuery(`v__${c.name}`, '3'));
    expect(fromEntry({ field: 'v', operator: c.alias, value: num('3') })).toEqual(fromQuery(`v__${c.name}`, '3'));
  });

  it('orders numbers numerically and strings by code point; another type or no value never matches', () => {
    expect(selects(fromEntry({ field: 'v', operator: c.name, value: num('3') }), items)).toEqual(c.above3);
    expect(selects(fromEntry({ field: 'v', operator: c.name, value: 'm' }), items)).toEqual(c.aboveM);
  });

  it('refuses an entry value that is neither a number nor a string', () => {
    for (const value of [true, null])
      expect(entryRefusal({ field: 'v', operator: c.name, value })).toContain(`'${c.name}' needs a number or a string`);
  });

  it(`is a sort key condition on a key of its value type, and bounds the ${c.bound} end of a range`, () => {
    const f = { op: c.name, field: 'sk', value: { S: 'a' } } as const;
    const op = c.op as unknown as Node<typeof f>;
    expect([op.key?.sort?.(f, 'S'), op.key?.sort?.(f, 'N')]).toEqual([true, false]);
    expect(op.key?.partition).toBeUndefined();
    expect(op.range?.(f)).toEqual({ [c.bound]: { S: 'a' } });
  });
});
