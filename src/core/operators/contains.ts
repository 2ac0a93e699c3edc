import { toJson } from '../json';
import { type AttributeValue, compareNumbers, getPath, type Scalar, valuesEqual } from '../values';
import type { Node, Operator } from './operator';

/**
 * `field__contains=red`: a substring of a string, or a member of a string set or a list (`contains(#n0, :v0)`). The
 * value is always a string.
 */
export type ContainsFilter = { op: 'contains'; field: string; value: { S: string } };

/** DynamoDB's contains(): substring, set member (numbers by value) or list element. */
function holds(a: AttributeValue, value: Scalar): boolean {
  if ('S' in a) return 'S' in value && a.S.includes(value.S);
  if ('SS' in a) return 'S' in value && a.SS.includes(value.S);
  if ('NS' in a) return 'N' in value && a.NS.some((n) => compareNumbers(n, value.N) === 0);
  if ('L' in a) return a.L.some((element) => valuesEqual(element, value));
  return false;
}

export const contains: Operator<ContainsFilter> & Node<ContainsFilter> = {
  name: 'contains',
  spellings: { contains: 'contains' },
  condition: (field, v) => ({ op: 'contains', field, value: v.text(v.one()) }),
  expression: (f, t) => `contains(${t.name(f.field)}, ${t.value(f.value)})`,
  cost: 1,
  matches: (f, item) => {
    const a = getPath(item, f.field);
    return a !== undefined && holds(a, f.value);
  },
  describe: (f) => ({ field: f.field, op: 'contains', value: toJson(f.value) }),
  operands: (f) => [f.value],
  partial: true,
};
