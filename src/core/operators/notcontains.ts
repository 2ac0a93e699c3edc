import { not } from '../filter/tree';
import type { ContainsFilter } from './contains';
import type { Operator } from './operator';

/**
 * `field__notcontains=red`: NOT of `contains` (`(NOT contains(#n0, :v0))`), and so also true of an item without the
 * field (docs/reference/query-language.md#operators).
 */
export const notcontains: Operator<ContainsFilter> = {
  name: 'notcontains',
  spellings: { notcontains: 'notcontains' },
  condition: (field, v) => not({ op: 'contains', field, value: v.text(v.one()) }),
};
