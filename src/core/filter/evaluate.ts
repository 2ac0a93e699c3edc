import {
  type AttributeValue,
  compareBytes,
  compareNumbers,
  compareStrings,
  getPath,
  type Item,
  type Scalar,
  valuesEqual,
} from '../values';
import type { Cmp, Pred } from './types';

// An in-memory evaluator with DynamoDB's semantics, written independently of compile.ts. It decides writes and
// filters what DynamoDB cannot (GetItem results, conditions on a queried key); the differential test proves that
// it agrees with DynamoDB on random filters and items.

/** Orders two values the way DynamoDB's < and > do, or undefined when they are not comparable. */
function order(a: AttributeValue, b: AttributeValue): number | undefined {
  if ('N' in a && 'N' in b) return compareNumbers(a.N, b.N);
  if ('S' in a && 'S' in b) return compareStrings(a.S, b.S);
  if ('B' in a && 'B' in b) return compareBytes(a.B, b.B);
  return undefined;
}

function compare(cmp: Cmp, a: AttributeValue | undefined, b: AttributeValue): boolean {
  if (cmp === 'eq') return a !== undefined && valuesEqual(a, b);
  if (cmp === 'ne') return a === undefined || !valuesEqual(a, b); // DynamoDB: a missing attribute is "not equal"
  if (a === undefined) return false;
  const o = order(a, b);
  if (o === undefined) return false;
  switch (cmp) {
    case 'gt':
      return o > 0;
    case 'gte':
      return o >= 0;
    case 'lt':
      return o < 0;
    default:
      return o <= 0;
  }
}

/** DynamoDB's size(): string length, byte count, or element count; nothing for numbers, booleans and null. */
function sizeOf(v: AttributeValue): number | undefined {
  // UTF-16 code units, like DynamoDB and DynamoDB Local: size('𝄞') is 2 (the differential test pins it).
  if ('S' in v) return v.S.length;
  if ('B' in v) return v.B.byteLength;
  if ('SS' in v) return v.SS.length;
  if ('NS' in v) return v.NS.length;
  if ('BS' in v) return v.BS.length;
  if ('L' in v) return v.L.length;
  if ('M' in v) return Object.keys(v.M).length;
  return undefined;
}

function contains(a: AttributeValue, value: Scalar): boolean {
  if ('S' in a) return 'S' in value && a.S.includes(value.S);
  if ('SS' in a) return 'S' in value && a.SS.includes(value.S);
  if ('NS' in a) return 'N' in value && a.NS.some((n) => compareNumbers(n, value.N) === 0);
  if ('L' in a) return a.L.some((element) => valuesEqual(element, value));
  return false;
}

export function matches(filter: Pred, item: Item): boolean {
  if (filter === true || filter === false) return filter;
  switch (filter.op) {
    case 'and':
      return filter.children.every((c) => matches(c, item));
    case 'or':
      return filter.children.some((c) => matches(c, item));
    case 'not':
      return !matches(filter.child, item);
    case 'exists':
      return (getPath(item, filter.field) !== undefined) === filter.present;
    case 'in': {
      const a = getPath(item, filter.field);
      return a !== undefined && filter.values.some((v) => valuesEqual(a, v));
    }
    case 'between': {
      const a = getPath(item, filter.field);
      return compare('gte', a, filter.low) && compare('lte', a, filter.high);
    }
    case 'startswith': {
      const a = getPath(item, filter.field);
      return a !== undefined && 'S' in a && a.S.startsWith(filter.value.S);
    }
    case 'contains': {
      const a = getPath(item, filter.field);
      return a !== undefined && contains(a, filter.value);
    }
    case 'member': {
      const a = getPath(item, filter.field);
      return a !== undefined && 'SS' in a && a.SS.includes(filter.value.S);
    }
    case 'length': {
      const a = getPath(item, filter.field);
      const size = a === undefined ? undefined : sizeOf(a);
      return size !== undefined && compare(filter.cmp, { N: String(size) }, filter.value);
    }
    default:
      return compare(filter.op, getPath(item, filter.field), filter.value);
  }
}
