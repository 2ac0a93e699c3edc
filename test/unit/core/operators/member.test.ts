import { compileFilter } from '../../../../src/core/filter/compile';
import { matches } from '../../../../src/core/filter/evaluate';
import { member } from '../../../../src/core/operators/member';
import type { Item } from '../../../../src/core/values';

// Not an operator anyone writes: `{"item_role": ...}` entries build it (test/unit/core/item-roles.test.ts).
const f = { op: 'member', field: '_acl.view', value: { S: 'u1' } } as const;

describe('member: a string set holding the value', () => {
  it('compiles to a type check and contains()', () => {
    expect(compileFilter(f)).toEqual({
      expression: '(attribute_type(#n0.#n1, :v0) AND contains(#n0.#n1, :v1))',
      names: { '#n0': '_acl', '#n1': 'view' },
      values: { ':v0': { S: 'SS' }, ':v1': { S: 'u1' } },
    });
  });

  it.each<[string, Item, boolean]>([
    ['a string set holding it', { _acl: { M: { view: { SS: ['u1', 'u2'] } } } }, true],
    ['a string set without it', { _acl: { M: { view: { SS: ['u2'] } } } }, false],
    ['a string holding it', { _acl: { M: { view: { S: 'u1 u2' } } } }, false],
    ['a list holding it', { _acl: { M: { view: { L: [{ S: 'u1' }] } } } }, false],
    ['nothing', {}, false],
  ])('on %s: %s', (_, item, want) => {
    expect(matches(f, item)).toBe(want);
  });

  it('counts three operators and is no key condition', () => {
    expect(member.cost).toBe(3);
    expect(member.key).toBeUndefined();
  });
});
