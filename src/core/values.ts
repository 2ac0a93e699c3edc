import Big from 'big.js';

// DynamoDB's own value model. Items stay in it end to end (no JS doubles, no Sets), so numbers keep all 38 digits
// and the in-memory evaluator sees exactly the types DynamoDB compares. Structurally the SDK's AttributeValue.
export type AttributeValue =
  | { S: string }
  | { N: string }
  | { B: Uint8Array }
  | { BOOL: boolean }
  | { NULL: true }
  | { SS: string[] }
  | { NS: string[] }
  | { BS: Uint8Array[] }
  | { L: AttributeValue[] }
  | { M: Record<string, AttributeValue> };
export type Item = Record<string, AttributeValue>;
export type Scalar = { S: string } | { N: string } | { BOOL: boolean } | { NULL: true };
export type KeyType = 'S' | 'N' | 'B';
/** A key attribute's type and the most bytes DynamoDB accepts for its value (2048 a partition key, 1024 a sort key). */
export interface KeySpec {
  type: KeyType;
  maxBytes: number;
}

type AttributeType = 'S' | 'N' | 'B' | 'BOOL' | 'NULL' | 'SS' | 'NS' | 'BS' | 'L' | 'M';
export const typeOf = (v: AttributeValue): AttributeType => Object.keys(v)[0] as AttributeType;

const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;
export const looksLikeNumber = (text: string): boolean => JSON_NUMBER.test(text);

/**
 * The canonical text DynamoDB stores for a number (plain notation, no leading or trailing zeros, no '-0'),
 * or undefined when DynamoDB would reject it: more than 38 significant digits, or outside 1E-130..<1E+126.
 */
export function canonicalNumber(text: string): string | undefined {
  if (!looksLikeNumber(text)) return undefined;
  // Exponents this large would make big.js allocate the digits; DynamoDB rejects them anyway.
  const exp = /[eE]([+-]?\d+)$/.exec(text);
  if (exp && Math.abs(Number(exp[1])) > 1000) return undefined;
  const n = new Big(text);
  if (n.c.length === 1 && n.c[0] === 0) return '0';
  if (n.c.length > 38 || n.e < -130 || n.e > 125) return undefined;
  return n.toFixed();
}

export function compareNumbers(a: string, b: string): number {
  return new Big(a).cmp(new Big(b));
}

// DynamoDB orders strings by their UTF-8 bytes, which is code point order (not JS's UTF-16 code unit order).
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // A surrogate (a code point above U+FFFF) sorts after every BMP character.
    const sx = x >= 0xd800 && x <= 0xdfff;
    const sy = y >= 0xd800 && y <= 0xdfff;
    if (sx !== sy) return sx ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(
    Buffer.from(a.buffer, a.byteOffset, a.byteLength),
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  );
}

const bytesEqual = (a: Uint8Array, b: Uint8Array) => compareBytes(a, b) === 0;

/** DynamoDB equality: same type and same value (sets compare as sets, numbers numerically). */
export function valuesEqual(a: AttributeValue, b: AttributeValue): boolean {
  if ('S' in a) return 'S' in b && a.S === b.S;
  if ('N' in a) return 'N' in b && compareNumbers(a.N, b.N) === 0;
  if ('B' in a) return 'B' in b && bytesEqual(a.B, b.B);
  if ('BOOL' in a) return 'BOOL' in b && a.BOOL === b.BOOL;
  if ('NULL' in a) return 'NULL' in b;
  if ('SS' in a) return 'SS' in b && sameSet(a.SS, b.SS, (x, y) => x === y);
  if ('NS' in a) return 'NS' in b && sameSet(a.NS, b.NS, (x, y) => compareNumbers(x, y) === 0);
  if ('BS' in a) return 'BS' in b && sameSet(a.BS, b.BS, bytesEqual);
  if ('L' in a) return 'L' in b && a.L.length === b.L.length && a.L.every((x, i) => valuesEqual(x, b.L[i]!));
  if (!('M' in b)) return false;
  const ka = Object.keys(a.M);
  return (
    ka.length === Object.keys(b.M).length && ka.every((k) => Object.hasOwn(b.M, k) && valuesEqual(a.M[k]!, b.M[k]!))
  );
}

/**
 * A text two scalars share exactly when valuesEqual says they are equal (numbers by value: `1.0` and `1`), so a list
 * of values is de-duplicated with one Set lookup per value instead of a comparison with every value kept.
 */
export function scalarIdentity(v: Scalar): string {
  if ('S' in v) return `S${v.S}`;
  if ('N' in v) return `N${canonicalNumber(v.N) ?? v.N}`;
  if ('BOOL' in v) return v.BOOL ? 'BOOL1' : 'BOOL0';
  return 'NULL';
}

/** The distinct values of a list, first occurrence first. */
export function distinctScalars<T extends Scalar>(values: Iterable<T>): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  for (const v of values) {
    const id = scalarIdentity(v);
    if (!seen.has(id)) {
      seen.add(id);
      out.push(v);
    }
  }
  return out;
}

function sameSet<T>(a: T[], b: T[], eq: (x: T, y: T) => boolean): boolean {
  return a.length === b.length && a.every((x) => b.some((y) => eq(x, y)));
}

/** Reads a nested path ('a.b') through maps only, as DynamoDB's document paths do. */
export function getPath(item: Item, path: string): AttributeValue | undefined {
  const segments = path.split('.');
  // Own properties only: an attribute named `toString` is data, and one an item lacks is absent, not inherited.
  const own = (m: Record<string, AttributeValue>, k: string) => (Object.hasOwn(m, k) ? m[k] : undefined);
  let current: AttributeValue | undefined = own(item, segments[0]!);
  for (let i = 1; i < segments.length && current; i++) {
    current = 'M' in current ? own(current.M, segments[i]!) : undefined;
  }
  return current;
}

/** Canonical key text of a key value, as stored: the form audit `resource_key` and cursors use. */
export function keyText(v: AttributeValue): string {
  if ('S' in v) return v.S;
  if ('N' in v) return canonicalNumber(v.N) ?? v.N;
  if ('B' in v) return Buffer.from(v.B).toString('base64');
  throw new Error('not a key value');
}

/**
 * DynamoDB also accepts numbers JSON does not write (`01`, `+5`, `.5`, `5.`): as JSON text, or undefined. A key in a
 * path may be spelt so (`/item/01` names the item 1).
 */
function dynamoNumberAsJson(text: string): string | undefined {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?([eE][+-]?\d+)?$/.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
  const int = m[2]!.replace(/^0+(?=\d)/, '') || '0';
  const frac = m[3] ? `.${m[3]}` : '';
  return `${m[1] === '-' ? '-' : ''}${int}${frac}${m[4] ?? ''}`;
}

/**
 * Turns a path or body text into a key value of the schema's type, or undefined if it cannot be one (also when it is
 * longer than DynamoDB accepts for the key: `maxBytes`, a partition key's 2048 unless told).
 */
export function keyValue(type: KeyType, text: string, maxBytes = 2048): AttributeValue | undefined {
  if (text === '') return undefined;
  if (type === 'S') return Buffer.byteLength(text) <= maxBytes ? { S: text } : undefined;
  if (type === 'N') {
    const n = canonicalNumber(dynamoNumberAsJson(text) ?? text);
    return n === undefined ? undefined : { N: n };
  }
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.length > 0 && bytes.length <= maxBytes ? { B: new Uint8Array(bytes) } : undefined;
}

/**
 * An item's size as DynamoDB counts it toward the 400 KB limit: attribute name bytes plus value bytes (numbers
 * about one byte per two digits plus one; maps and lists three bytes plus one per element).
 */
export function itemSize(item: Item): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) size += Buffer.byteLength(name) + valueSize(value);
  return size;
}

function valueSize(v: AttributeValue): number {
  if ('S' in v) return Buffer.byteLength(v.S);
  if ('N' in v) return numberSize(v.N);
  if ('B' in v) return v.B.byteLength;
  if ('BOOL' in v || 'NULL' in v) return 1;
  if ('SS' in v) return v.SS.reduce((s, x) => s + Buffer.byteLength(x), 0);
  if ('NS' in v) return v.NS.reduce((s, x) => s + numberSize(x), 0);
  if ('BS' in v) return v.BS.reduce((s, x) => s + x.byteLength, 0);
  if ('L' in v) return 3 + v.L.reduce((s, x) => s + 1 + valueSize(x), 0);
  return 3 + Object.entries(v.M).reduce((s, [k, x]) => s + 1 + Buffer.byteLength(k) + valueSize(x), 0);
}

const numberSize = (n: string) => Math.ceil(n.replace(/[-.]/g, '').replace(/^0+/, '').length / 2) + 1;
