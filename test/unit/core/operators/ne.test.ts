import { ne } from '../../../../src/core/operators/ne';
import type { Item } from '../../../../src/core/values';
import { compiled, fromEntry, fromQuery, num, selects } from '../../../factories/operators';

const items: Record<string, Item> = {
  number: { v: { N: '3' } },
  text: { v: { S: '3' } },
  other: { v: { S: 'x' } },
  none: {},
};

describe('ne: field__ne=value, {field, operator: ne, value}', () => {
  it("compiles a query's ne to NOT of the equality, which the number rule may make an IN", () => {
    expect(compiled(fromQuery('v__ne', 'x'))).toEqual({
      expression: '(NOT #n0 = :v0)',
      names: { '#n0': 'v' },
      values: { ':v0': { S: 'x' } },
    });
    expect(compiled(fromQuery('v__ne', '3'))).toEqual({
      expression: '(NOT #n0 IN (:v0, :v1))',
      names: { '#n0': 'v' },
      values: { ':v0': { N: '3' }, ':v1': { S: '3' } },
    });
  });

  it("compiles an entry's ne, whose value matches its own type only, to #n0 <> :v0", () => {
    expect(compiled(fromEntry({ field: 'v', operator: 'ne', value: num('3') }))).toEqual({
      expression: '#n0 <> :v0',
      names: { '#n0': 'v' },
      values: { ':v0': { N: '3' } },
    });
  });

  it('also matches items without the field', () => {
    expect(selects(fromQuery('v__ne', '3'), items)).toEqual(['other', 'none']);
    expect(selects(fromEntry({ field: 'v', operator: 'ne', value: num('3') }), items)).toEqual([
      'text',
      'other',
      'none',
    ]);
  });

  it('is no key condition and bounds no range', () => {
    expect(ne.key).toBeUndefined();
    expect(ne.range).toBeUndefined();
  });
});
