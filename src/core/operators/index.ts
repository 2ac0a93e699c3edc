import { type BetweenFilter, between } from './between';
import { type ContainsFilter, contains } from './contains';
import { type EqFilter, eq } from './eq';
import { type ExistsFilter, exists } from './exists';
import { type GtFilter, gt } from './gt';
import { type GteFilter, gte } from './gte';
import { type InFilter, oneOf } from './in';
import { type LengthFilter, length } from './length';
import { type LtFilter, lt } from './lt';
import { type LteFilter, lte } from './lte';
import { type MemberFilter, member } from './member';
import { type NeFilter, ne } from './ne';
import { notcontains } from './notcontains';
import { noneOf } from './notin';
import type { Node, Operator } from './operator';
import { type StartswithFilter, startswith } from './startswith';

// The table of operators (docs/reference/query-language.md#planning). A module per operator says everything about it: how a query and a filter entry
// write it, how its value is checked and typed, its DynamoDB expression, its evaluation in memory, and what a key
// condition can make of it. A new operator is a module and a row here; test/integration/core/differential.test.ts
// fails until it has a row of random values too, and test/unit/core/operators/ until it has a test file.

/** Every operator a query (`field__op=value`) and a filter entry (`{field, operator, value}`) may use. */
export const OPERATORS: readonly Operator<LeafFilter>[] = [
  eq,
  ne,
  oneOf,
  noneOf,
  startswith,
  contains,
  notcontains,
  exists,
  gt,
  lt,
  gte,
  lte,
  between,
  length,
];

/** The leaves of the filter tree, one kind per module; `notin`, `notcontains` and a query's `ne` build a `not`. */
export type LeafFilter =
  | EqFilter
  | NeFilter
  | GtFilter
  | GteFilter
  | LtFilter
  | LteFilter
  | InFilter
  | BetweenFilter
  | StartswithFilter
  | ContainsFilter
  | ExistsFilter
  | LengthFilter
  | MemberFilter;

type Nodes = { readonly [K in LeafFilter['op']]: Node<Extract<LeafFilter, { op: K }>> };

/** Each leaf kind's expression, evaluation and planning facts (compile.ts, evaluate.ts and plan.ts dispatch here). */
export const NODES: Nodes = {
  eq,
  ne,
  gt,
  gte,
  lt,
  lte,
  in: oneOf,
  between,
  startswith,
  contains,
  exists,
  length,
  member,
};

/** The module of a leaf. */
export const nodeOf = <F extends LeafFilter>(f: F): Node<F> => NODES[f.op] as unknown as Node<F>;

const SPELLED = new Map(
  OPERATORS.flatMap((operator) => Object.entries(operator.spellings).map(([s, named]) => [s, { operator, named }])),
);

/** `gt`, `ge` (alias of `gte`), `length__gt`… → its operator and the name it is known by, or undefined. */
export const operatorSpelled = (spelling: string): { operator: Operator<LeafFilter>; named: string } | undefined =>
  SPELLED.get(spelling);

/** Every way to write an operator after `__` (aliases and the size forms included): openapi.json lists them. */
export const QUERY_OPERATORS: readonly string[] = [...SPELLED.keys()];
