import { not } from '../filter/tree';
import { toJson } from '../json';
import { getPath, type Scalar, valuesEqual } from '../values';
import { type EqFilter, equality } from './eq';
import type { InFilter } from './in';
import type { Node, Operator } from './operator';

/**
 * `field__ne=value`: not equal, and also true of an item without the field (docs/reference/query-language.md#operators). A query's value
 * may match two stored values (the number rule), so there it is NOT of the equality (`(NOT #n0 IN (:v0, :v1))`); a
 * filter entry's value matches its own type only, so there it is DynamoDB's `#n0 <> :v0`.
 */
export type NeFilter = { op: 'ne'; field: string; value: Scalar };

export const ne: Operator<NeFilter | EqFilter | InFilter> & Node<NeFilter> = {
  name: 'ne',
  spellings: { ne: 'ne' },
  condition: (field, v) => {
    const operands = v.equalTo(v.one());
    return v.syntax === 'query' ? not(equality(field, operands)) : { op: 'ne', field, value: operands[0]! };
  },
  expression: (f, t) => `${t.name(f.field)} <> ${t.value(f.value)}`,
  cost: 1,
  matches: (f, item) => {
    const a = getPath(item, f.field);
    return a === undefined || !valuesEqual(a, f.value); // DynamoDB: a missing attribute is "not equal"
  },
  describe: (f) => ({ field: f.field, op: 'ne', value: toJson(f.value) }),
  operands: (f) => [f.value],
  partial: false,
};
