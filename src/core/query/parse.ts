import { parse as parseJsonText } from 'lossless-json';
import { invalidQuery } from '../errors';
import { and, chunk, type Filter, type LengthCmp, type NonEmpty, or, type Pred } from '../filter/types';
import {
  canonicalNumber,
  compareNumbers,
  compareStrings,
  distinctScalars,
  type KeySpec,
  keyValue,
  looksLikeNumber,
  type Scalar,
} from '../values';
import { checkFieldPath } from './names';
import { type Operator, operatorOf } from './operators';

export type { Operator };

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
  op: Operator | `length_${LengthCmp}` | 'path';
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

/** Query string → filter tree (SPEC.md §4). Any malformed input is a 400 INVALID_QUERY naming the parameter. */
export function parseQuery(input: QueryInput): ParsedQuery {
  const byKey = new Map<string, string[]>();
  for (const [key, value] of input.params) {
    const list = byKey.get(key);
    if (list) list.push(value);
    else byKey.set(key, [value]);
  }
  let limit: number | undefined;
  let cursor: string | undefined;
  let explain = false;
  const parsed: Parsed[] = [];
  for (const [key, values] of byKey) {
    if (key.startsWith('_')) {
      const value = single(key, values);
      if (key === '_limit' && input.allowPaging !== false) {
        if (!/^[1-9]\d{0,3}$/.test(value) || Number(value) > MAX_LIMIT) {
          throw invalidQuery(key, `must be an integer from 1 to ${MAX_LIMIT}`);
        }
        limit = Number(value);
      } else if (key === '_cursor' && input.allowPaging !== false) {
        if (value === '') throw invalidQuery(key, 'empty value');
        cursor = value;
      } else if (key === '_explain') {
        if (value !== 'true' && value !== 'false') throw invalidQuery(key, 'must be true or false');
        explain = value === 'true';
      } else {
        throw invalidQuery(key, 'unknown reserved parameter');
      }
      continue;
    }
    parsed.push(parseCondition(key, values, input.keyTypes));
  }
  const pathFilters = input.pathFilters ?? [];
  const replaced = new Set(pathFilters.map((p) => p.field));
  const kept = parsed.filter((p) => !replaced.has(p.field));
  for (const p of pathFilters) {
    checkFieldPath(p.param, p.field);
    kept.push({
      param: p.param,
      field: p.field,
      op: 'path',
      filter: equality(p.param, p.field, [p.value], input.keyTypes),
    });
  }
  return {
    filter: and(kept.map((p) => p.filter)),
    conditions: kept.map(({ field, op }) => ({ field, op })),
    limit,
    cursor,
    explain,
  };
}

function single(param: string, values: readonly string[]): string {
  if (values.length > 1) throw invalidQuery(param, 'given more than once');
  return values[0]!;
}

function parseCondition(param: string, values: readonly string[], keyTypes: ReadonlyMap<string, KeySpec>): Parsed {
  const parts = param.split('__');
  const field = checkFieldPath(param, parts[0]!);
  const opName = parts[1];
  for (const v of values) if (v === '') throw invalidQuery(param, 'empty value');
  if (opName === undefined) {
    // `?a=1&a=2` means IN (SPEC.md §4)
    return { param, field, op: values.length > 1 ? 'in' : 'eq', filter: equality(param, field, values, keyTypes) };
  }
  if (values.length > 1) throw invalidQuery(param, 'an operator may be given only once');
  const value = values[0]!;
  const operator = operatorOf(parts.slice(1).join('__'));
  if (!operator) throw invalidQuery(param, `unknown operator '${parts.slice(1).join('__')}'`);
  if (operator.kind === 'length') {
    const cmp = operator.cmp;
    if (!/^\d{1,9}$/.test(value)) throw invalidQuery(param, 'length must be a non-negative integer');
    return {
      param,
      field,
      op: `length_${cmp}`,
      filter: { op: 'length', cmp, field, value: { N: String(Number(value)) } },
    };
  }
  const op = operator.op;
  return { param, field, op, filter: condition(param, field, op, value, keyTypes) };
}

function condition(
  param: string,
  field: string,
  op: Operator,
  value: string,
  keyTypes: ReadonlyMap<string, KeySpec>,
): Pred {
  const key = keyTypes.get(field);
  switch (op) {
    case 'eq':
      return equality(param, field, [value], keyTypes);
    case 'ne':
      return negate(equality(param, field, [value], keyTypes));
    case 'in':
    case 'notin': {
      const elements = jsonScalars(param, value, 1);
      const operands = dedupe(elements.flatMap((e) => equalityOperands(param, e, key)));
      const groups = chunk(operands).map((values): Filter => ({ op: 'in', field, values }));
      return op === 'in' ? or(groups) : and(groups.map(negate));
    }
    case 'between': {
      const elements = jsonScalars(param, value, 2, 2);
      const [low, high] = elements.map((e) => orderedOperand(param, e, key)) as [Scalar, Scalar];
      const sameType = Object.keys(low)[0] === Object.keys(high)[0];
      if (!sameType || 'BOOL' in low) throw invalidQuery(param, 'between needs two numbers or two strings');
      if (order(low, high) > 0) throw invalidQuery(param, 'between needs low ≤ high');
      return { op: 'between', field, low, high };
    }
    case 'gt':
    case 'lt':
    case 'gte':
    case 'lte':
      return { op, field, value: orderedOperand(param, { text: value, json: false }, key) };
    case 'startswith':
    case 'contains':
      return { op, field, value: { S: value } };
    case 'notcontains':
      return negate({ op: 'contains', field, value: { S: value } });
    case 'exists':
      if (value !== 'true' && value !== 'false') throw invalidQuery(param, 'exists takes true or false');
      return { op: 'exists', field, present: value === 'true' };
  }
}

const negate = (p: Pred): Pred => (typeof p === 'boolean' ? !p : { op: 'not', child: p });

function order(a: Scalar, b: Scalar): number {
  if ('N' in a && 'N' in b) return compareNumbers(a.N, b.N);
  if ('S' in a && 'S' in b) return compareStrings(a.S, b.S);
  return 0;
}

/** One element of a value: its text, and whether it came as a JSON string (which stays a string). */
interface Element {
  text: string;
  json: boolean; // true: a JSON string element, never a number
  kind?: 'number' | 'boolean';
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

/** The values an equality on `text` matches (SPEC.md §4 number rule), or the schema type's value for a key. */
function equalityOperands(param: string, e: Element, key: KeySpec | undefined): Scalar[] {
  if (key) return [typedKey(param, e.text, key)];
  if (e.json) return [{ S: e.text }];
  if (e.kind === 'boolean' || e.text === 'true' || e.text === 'false') {
    return [{ BOOL: e.text === 'true' }, { S: e.text }];
  }
  if (e.kind === 'number' || looksLikeNumber(e.text)) return [{ N: number(param, e.text) }, { S: e.text }];
  return [{ S: e.text }];
}

function orderedOperand(param: string, e: Element, key: KeySpec | undefined): Scalar {
  if (key) return typedKey(param, e.text, key);
  if (e.kind === 'boolean') return { BOOL: e.text === 'true' };
  if (!e.json && (e.kind === 'number' || looksLikeNumber(e.text))) return { N: number(param, e.text) };
  return { S: e.text };
}

function number(param: string, text: string): string {
  const n = canonicalNumber(text);
  if (n === undefined) throw invalidQuery(param, 'number beyond DynamoDB precision or range (38 digits)');
  return n;
}

function typedKey(param: string, text: string, { type, maxBytes }: KeySpec): Scalar {
  const v = keyValue(type, text, maxBytes);
  if (!v || 'B' in v) {
    if (v && 'B' in v) throw invalidQuery(param, 'binary key attributes cannot be filtered from a query');
    throw invalidQuery(param, `not a valid ${type === 'N' ? 'number' : 'string'} for this key attribute`);
  }
  return v as Scalar;
}

function equality(
  param: string,
  field: string,
  texts: readonly string[],
  keyTypes: ReadonlyMap<string, KeySpec>,
): Pred {
  const key = keyTypes.get(field);
  const operands = dedupe(texts.flatMap((text) => equalityOperands(param, { text, json: false }, key)));
  if (operands.length === 1) return { op: 'eq', field, value: operands[0]! };
  return or(chunk(operands).map((values): Filter => ({ op: 'in', field, values })));
}

const dedupe = (values: Scalar[]): NonEmpty<Scalar> => distinctScalars(values) as unknown as NonEmpty<Scalar>;
