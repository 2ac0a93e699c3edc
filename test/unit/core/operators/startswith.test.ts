import { startswith } from '../../../../src/core/operators/startswith';
import type { Item } from '../../../../src/core/values';
import { compiled, entryRefusal, fromEntry, fromQuery, num, selects } from '../../../factories/operators';

const items: Record<string, Item> = {
  prefixed: { v: { S: 'Rex' } },
  other: { v: { S: 'Max' } },
  number: { v: { N: '12' } },
  set: { v: { SS: ['Rex'] } },
  none: {},
};

describe('startswith: field__startswith=value, {field, operator: startswith, value}', () => {
  it('compiles to begins_with(#n0, :v0)', () => {
    expect(compiled(fromQuery('v__startswith', 'Re'))).toEqual({
      expression: 'begins_with(#n0, :v0)',
      names: { '#n0': 'v' },
      values: { ':v0': { S: 'Re' } },
    });
  });

  it('always reads a query value as a string', () => {
    expect(fromQuery('v__startswith', '12')).toEqual({ op: 'startswith', field: 'v', value: { S: '12' } });
  });

  it('matches strings with the prefix only', () => {
    expect(selects(fromEntry({ field: 'v', operator: 'startswith', value: 'Re' }), items)).toEqual(['prefixed']);
    expect(selects(fromQuery('v__startswith', '12'), items)).toEqual([]);
  });

  it('refuses an entry value that is not a string', () => {
    expect(entryRefusal({ field: 'v', operator: 'startswith', value: num('1') })).toContain(
      "'startswith' needs a string",
    );
  });

  it('is a sort key condition on a string key, and bounds a range by its prefix', () => {
    const f = { op: 'startswith', field: 'sk', value: { S: '2025-03' } } as const;
    expect([startswith.key?.sort?.(f, 'S'), startswith.key?.sort?.(f, 'N')]).toEqual([true, false]);
    expect(startswith.range?.(f)).toEqual({ prefix: '2025-03' });
  });
});
