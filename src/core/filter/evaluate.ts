import { nodeOf } from '../operators';
import type { Item } from '../values';
import type { Pred } from './types';

// An in-memory evaluator with DynamoDB's semantics: each leaf is decided by its operator's module
// (core/operators), next to the expression DynamoDB evaluates. It decides writes and filters what DynamoDB cannot
// (GetItem results, conditions on a queried key); the differential test proves that it agrees with DynamoDB on random
// filters and items, operator by operator.

export function matches(filter: Pred, item: Item): boolean {
  if (filter === true || filter === false) return filter;
  switch (filter.op) {
    case 'and':
      return filter.children.every((c) => matches(c, item));
    case 'or':
      return filter.children.some((c) => matches(c, item));
    case 'not':
      return !matches(filter.child, item);
    default:
      return nodeOf(filter).matches(filter, item);
  }
}
