import { getPath } from '../values';
import type { Node, Operator } from './operator';

/**
 * `field__exists=true` or `false`; `{"operator": "exists", "value": false}` in a filter entry: the attribute is present
 * (`attribute_exists(#n0)`) or absent (`attribute_not_exists(#n0)`). Exactly `true` or `false`, nothing else.
 */
export type ExistsFilter = { op: 'exists'; field: string; present: boolean };

export const exists: Operator<ExistsFilter> & Node<ExistsFilter> = {
  name: 'exists',
  spellings: { exists: 'exists' },
  condition: (field, v) => ({ op: 'exists', field, present: v.flag(v.one()) }),
  expression: (f, t) => `${f.present ? 'attribute_exists' : 'attribute_not_exists'}(${t.name(f.field)})`,
  cost: 1,
  matches: (f, item) => (getPath(item, f.field) !== undefined) === f.present,
  describe: (f) => ({ field: f.field, op: 'exists', value: f.present }),
  operands: () => [],
  partial: false,
};
