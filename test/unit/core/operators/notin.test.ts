import type { Item } from '../../../../src/core/values';
import { compiled, fromEntry, fromQuery, num, selects } from '../../../factories/operators';

const items: Record<string, Item> = {
  one: { v: { N: '1' } },
  oneText: { v: { S: '1' } },
  two: { v: { S: '2' } },
  none: {},
};

describe('notin: field__notin=[...], {field, operator: notin, value: [...]}', () => {
  it('compiles to NOT of the IN', () => {
    expect(compiled(fromQuery('v__notin', '["a","b"]'))).toEqual({
      expression: '(NOT #n0 IN (:v0, :v1))',
      names: { '#n0': 'v' },
      values: { ':v0': { S: 'a' }, ':v1': { S: 'b' } },
    });
  });

  it('negates each IN group and ANDs the groups', () => {
    const sixty = JSON.stringify(Array.from({ length: 60 }, (_, i) => i));
    expect(compiled(fromQuery('v__notin', sixty)).expression).toMatch(
      /^\(\(NOT #n0 IN \((:v\d+, ){99}:v99\)\) AND \(NOT #n0 IN \((:v\d+, ){19}:v119\)\)\)$/,
    );
  });

  it('also matches items without the field; a query number excludes the number and its text', () => {
    expect(selects(fromQuery('v__notin', '[1]'), items)).toEqual(['two', 'none']);
    expect(selects(fromEntry({ field: 'v', operator: 'notin', value: [num('1')] }), items)).toEqual([
      'oneText',
      'two',
      'none',
    ]);
  });
});
