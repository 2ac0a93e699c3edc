import { toJson } from '../json';
import { getPath, type Scalar } from '../values';
import type { Node, Operator } from './operator';
import { order } from './order';

/**
 * `field__between=[1,5]`, `{"field": "n", "operator": "between", "value": [1, 5]}`: inclusive (`#n0 BETWEEN :v0 AND
 * :v1`). Exactly two values, both numbers or both strings, low ≤ high (docs/reference/query-language.md#the-number-rule): DynamoDB refuses the rest. The
 * query parser and filter entries both check the bounds here.
 */
export type BetweenFilter = { op: 'between'; field: string; low: Scalar; high: Scalar };

export const between: Operator<BetweenFilter> & Node<BetweenFilter> = {
  name: 'between',
  spellings: { between: 'between' },
  condition: (field, v) => {
    const [low, high] = v.list(2, 2).map((e) => v.ordered(e)) as [Scalar, Scalar];
    const o = order(low, high);
    if (o === undefined) throw v.fail('needs two numbers or two strings');
    if (o > 0) throw v.fail('needs low ≤ high');
    return { op: 'between', field, low, high };
  },
  expression: (f, t) => `${t.name(f.field)} BETWEEN ${t.value(f.low)} AND ${t.value(f.high)}`,
  cost: 1,
  matches: (f, item) => {
    const a = getPath(item, f.field);
    if (a === undefined) return false;
    const fromLow = order(a, f.low);
    const toHigh = order(a, f.high);
    return fromLow !== undefined && fromLow >= 0 && toHigh !== undefined && toHigh <= 0;
  },
  describe: (f) => ({ field: f.field, op: 'between', values: [toJson(f.low), toJson(f.high)] }),
  operands: (f) => [f.low, f.high],
  partial: true,
  range: (f) => ({ low: f.low, high: f.high }),
  key: { sort: (f, type) => type in f.low && type in f.high },
};
