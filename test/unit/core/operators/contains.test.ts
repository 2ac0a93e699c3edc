import { contains } from '../../../../src/core/operators/contains';
import type { Item } from '../../../../src/core/values';
import { compiled, entryRefusal, fromEntry, fromQuery, selects } from '../../../factories/operators';

const items: Record<string, Item> = {
  substring: { v: { S: 'bored' } },
  stringSet: { v: { SS: ['red', 'blue'] } },
  list: { v: { L: [{ S: 'red' }, { N: '1' }] } },
  otherList: { v: { L: [{ S: 'reddish' }] } },
  map: { v: { M: { red: { S: 'red' } } } },
  none: {},
};

describe('contains: field__contains=value, {field, operator: contains, value}', () => {
  it('compiles to contains(#n0, :v0)', () => {
    expect(compiled(fromQuery('v__contains', 'red'))).toEqual({
      expression: 'contains(#n0, :v0)',
      names: { '#n0': 'v' },
      values: { ':v0': { S: 'red' } },
    });
  });

  it('matches a substring, a set member or a list element; never a map', () => {
    expect(selects(fromEntry({ field: 'v', operator: 'contains', value: 'red' }), items)).toEqual([
      'substring',
      'stringSet',
      'list',
    ]);
  });

  it('refuses an entry value that is not a string', () => {
    expect(entryRefusal({ field: 'v', operator: 'contains', value: true })).toContain("'contains' needs a string");
  });

  it('is no key condition', () => {
    expect(contains.key).toBeUndefined();
  });
});
