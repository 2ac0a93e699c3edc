import { and, not } from '../filter/tree';
import { type InFilter, inGroups, listOperands } from './in';
import type { Operator } from './operator';

/**
 * `field__notin=["a","b"]`: none of the values, and also true of an item without the field (docs/reference/query-language.md#operators).
 * The list is read as `in` reads it; each IN group is negated and the groups AND-ed: `(NOT #n0 IN (:v0, :v1))`.
 */
export const noneOf: Operator<InFilter> = {
  name: 'notin',
  spellings: { notin: 'notin' },
  condition: (field, v) => and(inGroups(field, listOperands(v)).map(not)),
};
