import type { PredOf } from '../filter/tree';
import type { AttributeValue, Item, KeyType, Scalar } from '../values';

// What one module of this folder says about its operator (STYLE.md §2 "Where does X go?"). The table is index.ts.

/** A number or a string: what an ordering compares (DynamoDB refuses BOOL and NULL operands of < > BETWEEN). */
export type Ordered = { N: string } | { S: string };

/**
 * An operator's value as it was written, read by the rules of where: a query's text (docs/reference/query-language.md#operators: JSON arrays, the
 * number rule, 38 digits, key attributes typed by the key schema; core/query/parse.ts) or a filter entry's typed JSON
 * (docs/reference/permissions.md#records-apply-only-to-their-own-type: values match their own type only; core/permissions/filters.ts). An operator asks for the shape it takes; a
 * value of another shape fails naming the parameter (400 INVALID_QUERY) or the record (500 AUTH_CONFIG).
 */
export interface Operand<E = unknown> {
  readonly syntax: 'query' | 'entry';
  /** the value, which must be one element, not a list */
  one(): E;
  /** every value given: several only for a query key repeated without an operator (`?a=1&a=2`), else one() */
  repeated(): readonly E[];
  /** the value, which must be a list of `min`..`max` elements (a query: a JSON array) */
  list(min: number, max?: number): readonly E[];
  /** every stored value an equality with `e` matches: in a query a number, `true` or `false` also as its text */
  equalTo(e: E): Scalar[];
  /** `e` as a number or a string, for an ordering */
  ordered(e: E): Ordered;
  /** `e` as a string, compared by its characters */
  text(e: E): { S: string };
  /** `e` as true or false */
  flag(e: E): boolean;
  /** `e` as a non-negative integer */
  count(e: E): { N: string };
  /** the error for a value this operator refuses: `reason` follows the operator's name ('needs low ≤ high') */
  fail(reason: string): Error;
}

/**
 * An operator as written: `field__<spelling>=value` in a query (docs/reference/query-language.md#operators) and `{field, operator: <spelling>, value}`
 * in a filter entry (docs/reference/permissions.md#auth-records-and-groups). `{"item_role": ...}` is not an operator (core/item-roles.ts), though it builds a `member`.
 */
export interface Operator<L = unknown> {
  /** its name in the table and the completeness tests */
  readonly name: string;
  /** each way to write it (aliases included) → the name the request log and `_explain` give it */
  readonly spellings: Readonly<Record<string, string>>;
  /** the condition on `field` that the value asks for; `named` is the spelling's name ('gte' for `ge`) */
  condition<E>(field: string, value: Operand<E>, named: string): PredOf<L>;
}

/** Counter placeholders (core/filter/compile.ts): no name or value is ever spliced into an expression. */
export interface Tokens {
  name(path: string): string;
  value(value: AttributeValue): string;
}

/**
 * One kind of leaf of the filter tree (core/filter/types.ts): its DynamoDB expression, its in-memory evaluation, which
 * must agree with DynamoDB (test/integration/core/differential.test.ts proves it on random values), and what the
 * planner and the audit view may read of it.
 */
export interface Node<F> {
  /** its condition expression, every name and value through a placeholder */
  expression(f: F, tokens: Tokens): string;
  /** the operators and functions DynamoDB counts toward its limit of 300 per expression */
  readonly cost: number;
  /** whether the item satisfies it, decided as DynamoDB decides it */
  matches(f: F, item: Item): boolean;
  /** as readable data: GET /user, `scoutr check --json`, the console (values typed as JSON) */
  describe(f: F): Record<string, unknown>;
  /** the values it compares the field's value with (core/audit-view.ts: a condition on a redacted value) */
  operands(f: F): readonly Scalar[];
  /** compares a string by its parts or its order, so that conditions can spell out a value bit by bit (audit view) */
  readonly partial: boolean;
  /** the field's values it admits when it bounds them (GET /audit reads only the days in between) */
  range?(f: F): Range;
  /** how a key condition can use it (core/plan.ts); absent: it never can */
  readonly key?: KeyUse<F>;
}

/** The values a condition admits: from `low`, up to `high`, or those starting with `prefix` (inclusive or not). */
export interface Range {
  low?: Scalar;
  high?: Scalar;
  prefix?: string;
}

export interface KeyUse<F> {
  /** the key values it names: a partition key pinned so is read with GetItem or BatchGetItem */
  pins?(f: F): readonly Scalar[];
  /** it can be a Query's partition-key condition on a key attribute of this type */
  partition?(f: F, type: KeyType): boolean;
  /** it can be a Query's sort-key condition on a key attribute of this type */
  sort?(f: F, type: KeyType): boolean;
}

/** The comparison operators' shared facts: their symbol, and whether an order (-1, 0, 1) satisfies them. */
export interface Comparison {
  readonly symbol: '=' | '<>' | '>' | '>=' | '<' | '<=';
  holds(order: number): boolean;
}
