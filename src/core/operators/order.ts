import { toJson } from '../json';
import { type AttributeValue, compareBytes, compareNumbers, compareStrings, getPath, type Scalar } from '../values';
import type { Comparison, Node, Operator } from './operator';

/** Orders two values the way DynamoDB's < and > do, or undefined when they are not comparable (not of one type). */
export function order(a: AttributeValue, b: AttributeValue): number | undefined {
  if ('N' in a && 'N' in b) return compareNumbers(a.N, b.N);
  if ('S' in a && 'S' in b) return compareStrings(a.S, b.S);
  if ('B' in a && 'B' in b) return compareBytes(a.B, b.B);
  return undefined;
}

type Op = 'gt' | 'gte' | 'lt' | 'lte';
type OrderingFilter = { op: Op; field: string; value: Scalar };

/**
 * The four orderings (`gt gte lt lte`, and the aliases `ge le`) differ only in their symbol, the orders that satisfy
 * them and the side of a range they bound. A query's value compares as a number when it reads as one (docs/reference/query-language.md#the-number-rule);
 * numbers compare numerically, strings by code point (UTF-8 byte order), binary by bytes; a stored value of another
 * type, or none, never matches. Each can be a Query's sort-key condition on a key of its value's type.
 */
export function ordering<F extends OrderingFilter>(spec: {
  op: F['op'];
  spellings: Record<string, F['op']>;
  symbol: Comparison['symbol'];
  holds: (order: number) => boolean;
  bound: 'low' | 'high';
}): Operator<OrderingFilter> & Node<F> & Comparison {
  return {
    name: spec.op,
    spellings: spec.spellings,
    condition: (field, v) => ({ op: spec.op, field, value: v.ordered(v.one()) }),
    symbol: spec.symbol,
    holds: spec.holds,
    expression: (f, t) => `${t.name(f.field)} ${spec.symbol} ${t.value(f.value)}`,
    cost: 1,
    matches: (f, item) => {
      const a = getPath(item, f.field);
      const o = a === undefined ? undefined : order(a, f.value);
      return o !== undefined && spec.holds(o);
    },
    describe: (f) => ({ field: f.field, op: f.op, value: toJson(f.value) }),
    operands: (f) => [f.value],
    partial: true,
    range: (f) => ({ [spec.bound]: f.value }),
    key: { sort: (f, type) => type in f.value },
  };
}
