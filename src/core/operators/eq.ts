import { or, type PredOf } from '../filter/tree';
import { toJson } from '../json';
import { distinctScalars, getPath, type Scalar, valuesEqual } from '../values';
import { type InFilter, inGroups } from './in';
import type { Comparison, Node, Operator } from './operator';

/**
 * `field=value` or `field__eq=value`; `{"field": "status", "value": "Active"}` in a filter entry. DynamoDB's `=`: the same
 * type and value (numbers by value, sets as sets). A query value that reads as a number, `true` or `false` also matches
 * its text (docs/reference/query-language.md#the-number-rule: `n=3` finds 3 and "3"), so it may become an IN; a key repeated without an
 * operator (`?a=1&a=2`) is equality with any of its values.
 */
export type EqFilter = { op: 'eq'; field: string; value: Scalar };

/** Equality with any of `operands`: one `=`, or IN groups when the number rule or a repeated key gives several. */
export function equality(field: string, operands: readonly Scalar[]): PredOf<EqFilter | InFilter> {
  const distinct = distinctScalars(operands);
  if (distinct.length === 1) return { op: 'eq', field, value: distinct[0]! };
  return or(inGroups(field, distinct));
}

export const eq: Operator<EqFilter | InFilter> & Node<EqFilter> & Comparison = {
  name: 'eq',
  spellings: { eq: 'eq' },
  condition: (field, v) =>
    equality(
      field,
      v.repeated().flatMap((e) => v.equalTo(e)),
    ),
  symbol: '=',
  holds: (o) => o === 0,
  expression: (f, t) => `${t.name(f.field)} = ${t.value(f.value)}`,
  cost: 1,
  matches: (f, item) => {
    const a = getPath(item, f.field);
    return a !== undefined && valuesEqual(a, f.value);
  },
  describe: (f) => ({ field: f.field, op: 'eq', value: toJson(f.value) }),
  operands: (f) => [f.value],
  partial: false,
  range: (f) => ({ low: f.value, high: f.value }),
  key: {
    pins: (f) => [f.value],
    partition: (f, type) => type in f.value,
    sort: (f, type) => type in f.value,
  },
};
