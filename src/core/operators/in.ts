import { type NonEmpty, or } from '../filter/tree';
import { toJson } from '../json';
import { distinctScalars, getPath, type Scalar, valuesEqual } from '../values';
import type { Node, Operand, Operator } from './operator';

/**
 * `field__in=["cat","dog"]`, `{"field": "type", "value": ["cat", "dog"]}` (a list without an operator): one of the
 * values (`#n0 IN (:v0, :v1)`). A query's list is a JSON array of 1..N scalars, and the number rule gives a number
 * element two operands (`[1]` is 1 and "1"); each operand is kept once, in order. DynamoDB takes at most 100 operands
 * in one IN, so larger lists become IN groups of 100, OR-ed (docs/reference/query-language.md#operators).
 */
export type InFilter = { op: 'in'; field: string; values: NonEmpty<Scalar> };

const MAX_IN = 100; // DynamoDB's limit on IN operands

/** Splits a value list into IN groups of at most MAX_IN operands. */
export function chunk<T>(values: readonly T[], size = MAX_IN): NonEmpty<T>[] {
  const out: NonEmpty<T>[] = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size) as unknown as NonEmpty<T>);
  return out;
}

/** `field IN (...)` for each group of at most 100 operands. */
export const inGroups = (field: string, operands: readonly Scalar[]): InFilter[] =>
  chunk(operands).map((values) => ({ op: 'in', field, values }));

/** Every stored value a list of 1..N elements matches, each once (in and notin). */
export const listOperands = <E>(v: Operand<E>): Scalar[] => distinctScalars(v.list(1).flatMap((e) => v.equalTo(e)));

export const oneOf: Operator<InFilter> & Node<InFilter> = {
  name: 'in',
  spellings: { in: 'in' },
  condition: (field, v) => or(inGroups(field, listOperands(v))),
  expression: (f, t) => `${t.name(f.field)} IN (${f.values.map((x) => t.value(x)).join(', ')})`,
  cost: 1,
  matches: (f, item) => {
    const a = getPath(item, f.field);
    return a !== undefined && f.values.some((x) => valuesEqual(a, x));
  },
  describe: (f) => ({ field: f.field, op: 'in', values: f.values.map(toJson) }),
  operands: (f) => f.values,
  partial: false,
  // A partition key pinned to several values is a BatchGetItem; DynamoDB has no IN in a key condition.
  key: { pins: (f) => f.values },
};
