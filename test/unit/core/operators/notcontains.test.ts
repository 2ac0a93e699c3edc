import type { Item } from '../../../../src/core/values';
import { compiled, fromEntry, fromQuery, selects } from '../../../factories/operators';

const items: Record<string, Item> = {
  substring: { v: { S: 'bored' } },
  stringSet: { v: { SS: ['blue'] } },
  none: {},
};

describe('notcontains: field__notcontains=value, {field, operator: notcontains, value}', () => {
  it('compiles to NOT of contains', () => {
    expect(compiled(fromQuery('v__notcontains', 'red'))).toEqual({
      expression: '(NOT contains(#n0, :v0))',
      names: { '#n0': 'v' },
      values: { ':v0': { S: 'red' } },
    });
  });

  it('is the same condition as an entry, and also matches items without the field', () => {
    const filter = fromEntry({ field: 'v', operator: 'notcontains', value: 'red' });
    expect(filter).toEqual(fromQuery('v__notcontains', 'red'));
    expect(selects(filter, items)).toEqual(['stringSet', 'none']);
  });
});
