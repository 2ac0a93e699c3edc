import type { LengthCmp } from '../filter/types';

// The operators of SPEC.md §4, shared by the query parser and the filter entries of auth records and app conditions.

export type Operator =
  | 'eq'
  | 'ne'
  | 'in'
  | 'notin'
  | 'startswith'
  | 'contains'
  | 'notcontains'
  | 'exists'
  | 'gt'
  | 'lt'
  | 'gte'
  | 'lte'
  | 'between';

const OPERATORS: Readonly<Record<string, Operator>> = {
  eq: 'eq',
  ne: 'ne',
  in: 'in',
  notin: 'notin',
  startswith: 'startswith',
  contains: 'contains',
  notcontains: 'notcontains',
  exists: 'exists',
  gt: 'gt',
  lt: 'lt',
  gte: 'gte',
  lte: 'lte',
  ge: 'gte', // alias
  le: 'lte', // alias
  between: 'between',
};
const LENGTH_CMPS: Readonly<Record<string, LengthCmp>> = {
  gt: 'gt',
  lt: 'lt',
  gte: 'gte',
  lte: 'lte',
  ge: 'gte',
  le: 'lte',
};

/** Every operator name a query may use after `__` (aliases included), and the size forms (SPEC.md §4). */
export const QUERY_OPERATORS: readonly string[] = [
  ...Object.keys(OPERATORS),
  'length',
  ...Object.keys(LENGTH_CMPS).map((c) => `length__${c}`),
];

type ParsedOperator = { kind: 'value'; op: Operator } | { kind: 'length'; cmp: LengthCmp };

/** `gt`, `ge` (alias of `gte`), `length`, `length__gt`… → the operator, or undefined when there is no such one. */
export function operatorOf(name: string): ParsedOperator | undefined {
  const [head, cmp, ...rest] = name.split('__');
  if (rest.length > 0 || head === undefined) return undefined;
  if (head === 'length') {
    if (cmp === undefined) return { kind: 'length', cmp: 'eq' };
    return Object.hasOwn(LENGTH_CMPS, cmp) ? { kind: 'length', cmp: LENGTH_CMPS[cmp]! } : undefined;
  }
  if (cmp !== undefined || !Object.hasOwn(OPERATORS, head)) return undefined;
  return { kind: 'value', op: OPERATORS[head]! };
}
