import { exists } from '../../../../src/core/operators/exists';
import type { Item } from '../../../../src/core/values';
import { compiled, entryRefusal, fromEntry, fromQuery, queryRefusal, selects } from '../../../factories/operators';

const items: Record<string, Item> = {
  value: { v: { S: 'x' } },
  nullValue: { v: { NULL: true } },
  nested: { m: { M: { v: { N: '1' } } } },
  none: {},
};

describe('exists: field__exists=true|false, {field, operator: exists, value: true|false}', () => {
  it('compiles to attribute_exists(#n0) or attribute_not_exists(#n0)', () => {
    expect(compiled(fromQuery('v__exists', 'true'))).toEqual({
      expression: 'attribute_exists(#n0)',
      names: { '#n0': 'v' },
      values: {},
    });
    expect(compiled(fromQuery('m.v__exists', 'false'))).toEqual({
      expression: 'attribute_not_exists(#n0.#n1)',
      names: { '#n0': 'm', '#n1': 'v' },
      values: {},
    });
  });

  it('matches a present attribute (null included) or an absent one', () => {
    expect(selects(fromEntry({ field: 'v', operator: 'exists', value: true }), items)).toEqual(['value', 'nullValue']);
    expect(selects(fromQuery('m.v__exists', 'false'), items)).toEqual(['value', 'nullValue', 'none']);
  });

  it.each(['yes', 'TRUE', '1'])('refuses the query value %s', (value) => {
    expect(queryRefusal('v__exists', value)).toBe('v__exists: exists takes true or false');
  });

  it('refuses an entry value that is not a boolean', () => {
    expect(entryRefusal({ field: 'v', operator: 'exists', value: 'true' })).toContain("'exists' needs true or false");
  });

  it('is no key condition and compares no value', () => {
    expect(exists.key).toBeUndefined();
    expect(exists.operands({ op: 'exists', field: 'v', present: true })).toEqual([]);
  });
});
