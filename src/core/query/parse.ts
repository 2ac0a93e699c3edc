import { parse as parseJsonText } from 'lossless-json';
import { invalidQuery } from '../errors';
import { and, type Pred } from '../filter/types';
import { operatorSpelled } from '../operators';
import { eq } from '../operators/eq';
import type { Operand, Ordered } from '../operators/operator';
import { canonicalNumber, type KeySpec, keyValue, looksLikeNumber, type Scalar } from '../values';
import { checkFieldPath } from './names';

const MAX_LIMIT = 1000;

export interface QueryInput {
  /** Decoded query parameters in order; a key may repeat. */
  params: ReadonlyArray<readonly [string, string]>;
  /** Conditions a route adds (`/items/{search_key}/{search_value}`, `/items/status/{status}`). */
  pathFilters?: ReadonlyArray<{ field: string; value: string; param: string }>;
  /** Attributes whose type the key schema fixes (table and index keys). */
  keyTypes: ReadonlyMap<string, KeySpec>;
  /** Reserved parameters this route accepts besides the filters. */
  allowPaging?: boolean;
}

interface Condition {
  field: string;
  /** the operator's name (`gte` for `ge`, `length_gt`), `in` for a repeated key, `path` for a path filter */
  op: string;
}

export interface ParsedQuery {
  filter: Pred;
  conditions: Condition[]; // field names and operators, for the exclusion check and the log (never values)
  limit: number | undefined;
  cursor: string | undefined;
  explain: boolean;
}

interface Parsed {
  param: string;
  field: string;
  op: Condition['op'];
  filter: Pred;
}

/** The reserved parameters of docs/reference/query-language.md#explaining-a-plan (`_limit`, `_cursor`, `_explain`). */
type Reserved = Pick<ParsedQuery, 'limit' | 'cursor' | 'explain'>;

/** Query string → filter tree (docs/reference/query-language.md#operators). Any malformed input is a 400 INVALID_QUERY naming the parameter. */
export function parseQuery(input: QueryInput): ParsedQuery {
  const reserved: Reserved = { limit: undefined, cursor: undefined, explain: false };
  const parsed: Parsed[] = [];
  for (const [key, values] of byKey(input.params)) {
    if (key.startsWith('_')) readReserved(reserved, key, single(key, values), input.allowPaging !== false);
    else parsed.push(parseCondition(key, values, input.keyTypes));
  }
  const kept = withPathFilters(parsed, input.pathFilters ?? [], input.keyTypes);
  return {
    filter: and(kept.map((p) => p.filter)),
    conditions: kept.map(({ field, op }) => ({ field, op })),
    ...reserved,
  };
}

/** The values of each key, keys in their first order. */
function byKey(params: QueryInput['params']): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [key, value] of params) {
    const list = out.get(key);
    if (list) list.push(value);
    else out.set(key, [value]);
  }
  return out;
}

function readReserved(reserved: Reserved, key: string, value: string, paging: boolean): void {
  if (key === '_limit' && paging) {
    if (!/^[1-9]\d{0,3}$/.test(value) || Number(value) > MAX_LIMIT) {
      throw invalidQuery(key, `must be an integer from 1 to ${MAX_LIMIT}`);
    }
    reserved.limit = Number(value);
  } else if (key === '_cursor' && paging) {
    if (value === '') throw invalidQuery(key, 'empty value');
    reserved.cursor = value;
  } else if (key === '_explain') {
    if (value !== 'true' && value !== 'false') throw invalidQuery(key, 'must be true or false');
    reserved.explain = value === 'true';
  } else {
    throw invalidQuery(key, 'unknown reserved parameter');
  }
}

/** A path filter (`search_key = search_value`, a static route's field) replaces every query condition on its field. */
function withPathFilters(
  parsed: readonly Parsed[],
  pathFilters: NonNullable<QueryInput['pathFilters']>,
  keyTypes: ReadonlyMap<string, KeySpec>,
): Parsed[] {
  const replaced = new Set(pathFilters.map((p) => p.field));
  const kept = parsed.filter((p) => !replaced.has(p.field));
  for (const { param, field, value } of pathFilters) {
    checkFieldPath(param, field);
    const filter = eq.condition(field, queryOperand(param, 'eq', [value], keyTypes.get(field)), 'eq');
    kept.push({ param, field, op: 'path', filter });
  }
  return kept;
}

function single(param: string, values: readonly string[]): string {
  if (values.length > 1) throw invalidQuery(param, 'given more than once');
  return values[0]!;
}

function parseCondition(param: string, values: readonly string[], keyTypes: ReadonlyMap<string, KeySpec>): Parsed {
  const parts = param.split('__');
  const field = checkFieldPath(param, parts[0]!);
  const spelling = parts.slice(1).join('__');
  for (const v of values) if (v === '') throw invalidQuery(param, 'empty value');
  const value = (op: string) => queryOperand(param, op, values, keyTypes.get(field));
  if (parts.length === 1) {
    // `?a=1&a=2` means IN (docs/reference/query-language.md#operators)
    return { param, field, op: values.length > 1 ? 'in' : 'eq', filter: eq.condition(field, value('eq'), 'eq') };
  }
  if (values.length > 1) throw invalidQuery(param, 'an operator may be given only once');
  const found = operatorSpelled(spelling);
  if (!found) throw invalidQuery(param, `unknown operator '${spelling}'`);
  const { operator, named } = found;
  return { param, field, op: named, filter: operator.condition(field, value(spelling), named) };
}

/** One element of a query value: its text, and how it was written (a JSON string element stays a string). */
interface Element {
  text: string;
  json: boolean; // true: a JSON string element, never a number
  kind?: 'number' | 'boolean';
}

/**
 * A query parameter's value as the operators read it (docs/reference/query-language.md#operators): text, or a JSON array for a list; the number rule
 * for equalities and orderings; a key attribute's values of the key schema's type. Failures are 400 INVALID_QUERY
 * naming the parameter.
 */
function queryOperand(param: string, op: string, texts: readonly string[], key: KeySpec | undefined): Operand<Element> {
  const plain = (text: string): Element => ({ text, json: false });
  return {
    syntax: 'query',
    one: () => plain(texts[0]!),
    repeated: () => texts.map(plain),
    list: (min, max) => jsonScalars(param, texts[0]!, min, max),
    equalTo: (e) => equalityOperands(param, e, key),
    ordered: (e) => orderedOperand(param, op, e, key),
    text: (e) => ({ S: e.text }),
    flag: (e) => {
      if (e.text !== 'true' && e.text !== 'false') throw invalidQuery(param, `${op} takes true or false`);
      return e.text === 'true';
    },
    count: (e) => {
      if (!/^\d{1,9}$/.test(e.text)) throw invalidQuery(param, 'length must be a non-negative integer');
      return { N: String(Number(e.text)) };
    },
    fail: (reason) => invalidQuery(param, `${op} ${reason}`),
  };
}

function jsonScalars(param: string, text: string, min: number, max = Number.POSITIVE_INFINITY): Element[] {
  let parsed: unknown;
  try {
    parsed = parseJsonText(text, null, (t: string) => ({ numberText: t }));
  } catch {
    throw invalidQuery(param, 'malformed JSON array');
  }
  if (!Array.isArray(parsed)) throw invalidQuery(param, 'expects a JSON array');
  if (parsed.length < min || parsed.length > max) {
    throw invalidQuery(param, max === min ? `expects exactly ${min} values` : `expects at least ${min} value`);
  }
  return parsed.map((e): Element => {
    if (typeof e === 'string') return { text: e, json: true };
    if (typeof e === 'boolean') return { text: String(e), json: false, kind: 'boolean' };
    if (e && typeof e === 'object' && 'numberText' in e)
      return { text: String(e.numberText), json: false, kind: 'number' };
    throw invalidQuery(param, 'array elements must be strings, numbers or booleans');
  });
}

/** The values an equality on `text` matches (docs/reference/query-language.md#the-number-rule), or the schema type's value for a key. */
function equalityOperands(param: string, e: Element, key: KeySpec | undefined): Scalar[] {
  if (key) return [typedKey(param, e.text, key)];
  if (e.json) return [{ S: e.text }];
  if (e.kind === 'boolean' || e.text === 'true' || e.text === 'false') {
    return [{ BOOL: e.text === 'true' }, { S: e.text }];
  }
  if (e.kind === 'number' || looksLikeNumber(e.text)) return [{ N: number(param, e.text) }, { S: e.text }];
  return [{ S: e.text }];
}

function orderedOperand(param: string, op: string, e: Element, key: KeySpec | undefined): Ordered {
  if (key) return typedKey(param, e.text, key);
  if (e.kind === 'boolean') throw invalidQuery(param, `${op} needs two numbers or two strings`);
  if (!e.json && (e.kind === 'number' || looksLikeNumber(e.text))) return { N: number(param, e.text) };
  return { S: e.text };
}

function number(param: string, text: string): string {
  const n = canonicalNumber(text);
  if (n === undefined) throw invalidQuery(param, 'number beyond DynamoDB precision or range (38 digits)');
  return n;
}

function typedKey(param: string, text: string, { type, maxBytes }: KeySpec): Ordered {
  const v = keyValue(type, text, maxBytes);
  if (!v || 'B' in v) {
    if (v && 'B' in v) throw invalidQuery(param, 'binary key attributes cannot be filtered from a query');
    throw invalidQuery(param, `not a valid ${type === 'N' ? 'number' : 'string'} for this key attribute`);
  }
  return v as Ordered;
}
