import { length } from '../../../../src/core/operators/length';
import type { Item } from '../../../../src/core/values';
import { compiled, entryRefusal, fromEntry, fromQuery, num, queryRefusal, selects } from '../../../factories/operators';

const items: Record<string, Item> = {
  emoji: { v: { S: '😀' } }, // two UTF-16 code units, as DynamoDB counts them
  list: { v: { L: [{ S: 'a' }, { S: 'b' }, { S: 'c' }] } },
  set: { v: { SS: ['a', 'b'] } },
  map: { v: { M: { a: { N: '1' } } } },
  number: { v: { N: '12345' } },
  none: {},
};

describe('length: field__length=n, field__length__gt=n (gt lt gte lte ge le)', () => {
  it.each([
    ['v__length', '#n0', '='],
    ['v__length__gt', '#n0', '>'],
    ['v__length__gte', '#n0', '>='],
    ['v__length__ge', '#n0', '>='],
    ['v__length__lt', '#n0', '<'],
    ['v__length__lte', '#n0', '<='],
    ['v__length__le', '#n0', '<='],
  ])('compiles %s to size(%s) %s :v0', (param, name, symbol) => {
    expect(compiled(fromQuery(param, '2'))).toEqual({
      expression: `size(${name}) ${symbol} :v0`,
      names: { '#n0': 'v' },
      values: { ':v0': { N: '2' } },
    });
  });

  it('is the same condition as an entry', () => {
    expect(fromEntry({ field: 'v', operator: 'length__ge', value: num('2') })).toEqual(
      fromQuery('v__length__gte', '2'),
    );
  });

  it('compares sizes: characters as UTF-16 units, elements, keys; a number has none', () => {
    expect(selects(fromQuery('v__length', '2'), items)).toEqual(['emoji', 'set']);
    expect(selects(fromQuery('v__length__gte', '1'), items)).toEqual(['emoji', 'list', 'set', 'map']);
  });

  it.each(['-1', '1.5', 'abc', '1e2', '1234567890'])('refuses the query value %s', (value) => {
    expect(queryRefusal('v__length__gt', value)).toBe('v__length__gt: length must be a non-negative integer');
  });

  it.each<[string, unknown]>([
    ['length', '2'],
    ['length__gt', num('-1')],
    ['length', num('1.5')],
  ])("refuses the entry {operator: '%s', value: %j}", (operator, value) => {
    expect(entryRefusal({ field: 'v', operator, value })).toContain(`'${operator}' needs a non-negative integer`);
  });

  it('refuses a comparison the size forms do not have', () => {
    queryRefusal('v__length__eq', '1');
    queryRefusal('v__length__ne', '1');
  });

  it('is no key condition, compares no value of the field, and counts two operators', () => {
    const f = { op: 'length', cmp: 'gt', field: 'v', value: { N: '1' } } as const;
    expect(length.key).toBeUndefined();
    expect(length.operands(f)).toEqual([]);
    expect(length.cost).toBe(2);
  });
});
