import { ScoutrError } from './errors';
import {
  type AttributeValue,
  canonicalNumber,
  compareBytes,
  compareNumbers,
  compareStrings,
  type Item,
} from './values';

/** A JSON number kept as its source text (the edge parses bodies losslessly), so no digit passes through a double. */
export class JsonNumber {
  constructor(readonly text: string) {}
}
export type Json = null | boolean | string | JsonNumber | Json[] | { [key: string]: Json };

export const MAX_DEPTH = 32;
const FORBIDDEN_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

const bad = (path: string, reason: string) =>
  new ScoutrError('INVALID_BODY', `${path || 'body'}: ${reason}`, { details: { field: path || 'body' } });

/**
 * The longest attribute name (a top-level or nested map key) Scoutr writes, in UTF-8 bytes. DynamoDB documents "less
 * than 64 KB", but DynamoDB Local fails with an InternalFailure above about 50,000 bytes; 32 KiB holds on both.
 */
export const MAX_NAME_BYTES = 32_768;
// In a `u` regex a lone surrogate is its own code point; a pair is one code point outside this class.
const LONE_SURROGATE = /\p{Surrogate}/u;

/** Text DynamoDB stores as UTF-8: a lone surrogate has no UTF-8 form, so it would not come back as sent. */
const checkText = (path: string, text: string, what: string) => {
  if (LONE_SURROGATE.test(text)) throw bad(path, `${what} is not valid Unicode (a lone surrogate)`);
};

/** An attribute name DynamoDB accepts: 1 to 65535 bytes of valid Unicode. */
export function checkAttributeName(path: string, name: string): void {
  if (name === '') throw bad(path, 'empty attribute name');
  const bytes = Buffer.byteLength(name);
  if (bytes > MAX_NAME_BYTES) {
    throw bad(path.slice(0, 100), `attribute name of ${bytes} bytes; at most ${MAX_NAME_BYTES} are written`);
  }
  checkText(path.slice(0, 100), name, 'the attribute name');
}

/**
 * JSON (as the edge parsed it) → a DynamoDB value. Arrays become lists, objects maps. Every rule DynamoDB would
 * answer with a ValidationException is checked here, so it is a 400 naming the field, never a 500.
 * `depth` is the level the value is stored at (a top-level attribute is level 1).
 */
export function fromJson(value: Json, path = '', depth = 0): AttributeValue {
  if (depth > MAX_DEPTH) throw bad(path, `nesting deeper than ${MAX_DEPTH} levels`);
  // DynamoDB counts a list or map as opening the level below it even when it is empty: `[]` at level 32 is refused
  // like `[1]` is (checked against DynamoDB Local), so a container is at most at level 31.
  if (depth >= MAX_DEPTH && value !== null && typeof value === 'object' && !(value instanceof JsonNumber)) {
    throw bad(path, `nesting deeper than ${MAX_DEPTH} levels (an empty list or map counts as a level)`);
  }
  if (value === null) return { NULL: true };
  if (typeof value === 'string') {
    checkText(path, value, 'the string');
    return { S: value };
  }
  if (typeof value === 'boolean') return { BOOL: value };
  if (value instanceof JsonNumber) {
    const n = canonicalNumber(value.text);
    if (n === undefined) throw bad(path, 'number out of DynamoDB range (38 significant digits, 1E-130..1E+126)');
    return { N: n };
  }
  if (Array.isArray(value)) return { L: value.map((v, i) => fromJson(v, `${path}[${i}]`, depth + 1)) };
  const M: Record<string, AttributeValue> = {};
  for (const [key, v] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    checkAttributeName(at, key);
    if (FORBIDDEN_NAMES.has(key)) throw bad(at, 'reserved attribute name');
    M[key] = fromJson(v, at, depth + 1);
  }
  return { M };
}

/**
 * Levels of nesting as DynamoDB counts them: a scalar attribute is one level, each map or list adds one, and an empty
 * map or list counts as holding a level below it (DynamoDB refuses `[]` where it refuses `[1]`).
 */
export function nestingDepth(v: AttributeValue): number {
  const children = 'M' in v ? Object.values(v.M) : 'L' in v ? v.L : undefined;
  return children ? 1 + children.reduce((max, c) => Math.max(max, nestingDepth(c)), 1) : 1;
}

export type JsonOut = null | boolean | string | number | JsonOut[] | { [key: string]: JsonOut };

/** A number is answered as a JSON number when a double holds it exactly, else as its text. */
export function numberOut(text: string): number | string {
  // The commonest stored number, and the cheapest: no String(n) to allocate and compare (a list of 10,000 items with
  // one such number each: 1.5 ms of its 19; docs/explanation/performance.md#a-list-against-the-floor-in-one-run).
  if (isShortInteger(text)) return Number(text);
  const n = Number(text);
  if (!Number.isFinite(n)) return text;
  // The common case, and the cheap one: the double prints as the stored text, so it is that number (no big.js).
  if (String(n) === text) return n;
  return canonicalNumber(String(n)) === canonicalNumber(text) ? n : text;
}

const [MINUS, ZERO, NINE] = [0x2d, 0x30, 0x39];

/**
 * An integer of 1 to 15 digits without a leading zero, maybe negative but not -0: a double holds it exactly (below
 * 2^53) and prints it as this very text.
 */
function isShortInteger(text: string): boolean {
  const sign = text.charCodeAt(0) === MINUS ? 1 : 0;
  const digits = text.length - sign;
  if (digits < 1 || digits > 15) return false;
  if (text.charCodeAt(sign) === ZERO) return digits === 1 && sign === 0;
  for (let i = sign; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < ZERO || c > NINE) return false;
  }
  return true;
}

const base64 = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');

/** A DynamoDB value → JSON (docs/reference/endpoints.md#json-shapes): sets as sorted arrays, binary as base64, exact numbers as numbers. */
export function toJson(v: AttributeValue): JsonOut {
  if ('S' in v) return v.S;
  if ('N' in v) return numberOut(v.N);
  if ('BOOL' in v) return v.BOOL;
  if ('NULL' in v) return null;
  if ('B' in v) return base64(v.B);
  if ('SS' in v) return [...v.SS].sort(compareStrings);
  if ('NS' in v) return [...v.NS].sort(compareNumbers).map(numberOut);
  if ('BS' in v) return [...v.BS].sort(compareBytes).map(base64);
  if ('L' in v) return v.L.map(toJson);
  return itemToJson(v.M);
}

export function itemToJson(item: Item): { [key: string]: JsonOut } {
  return itemToJsonExcept(item, NOTHING);
}

/** Attribute names that all start with `_`, so that testing a name costs one character for nearly every attribute. */
export type UnderscoreNames = ReadonlySet<string> & { readonly __underscore: true };

const UNDERSCORE = 0x5f;

export function underscoreNames(names: readonly string[]): UnderscoreNames {
  const odd = names.find((n) => n.charCodeAt(0) !== UNDERSCORE);
  if (odd !== undefined) throw new Error(`not a name starting with _: ${odd}`);
  return new Set(names) as ReadonlySet<string> as UnderscoreNames;
}

const NOTHING = underscoreNames([]);

/**
 * An item as a plain object for JSON.stringify, without the attributes in `omit` (answers leave out `_version`,
 * `_acl`). Only a name starting with `_` is looked up in `omit`: a Set lookup per attribute cost as much as converting
 * the attribute (10,000 items of 6 attributes: 2.4 → 1.5 ms).
 */
export function itemToJsonExcept(item: Item, omit: UnderscoreNames): { [key: string]: JsonOut } {
  const out: { [key: string]: JsonOut } = {};
  // for…in walks V8's enum cache; Object.keys allocates an array per item (10,000 items: 6.4 → 4.6 ms of the list's
  // item loop). Items are the SDK's plain objects, whose prototype has no enumerable property.
  for (const k in item) {
    if (k.charCodeAt(0) === UNDERSCORE) {
      if (omit.has(k)) continue;
      // Own property even for '__proto__' (items written by others may carry any name), where assigning would set
      // the prototype. Every other name is assigned: defineProperty per key costs more than the conversion itself.
      if (k === '__proto__') {
        Object.defineProperty(out, k, {
          value: toJson(item[k]!),
          enumerable: true,
          writable: true,
          configurable: true,
        });
        continue;
      }
    }
    out[k] = toJson(item[k]!);
  }
  return out;
}

/**
 * An item as a plain object for JSON.stringify, each attribute as `shown` gives it: undefined leaves it out. For items
 * with hidden paths (docs/reference/permissions.md#hidden-fields), so no copy of the item is made to drop them.
 */
export function itemToJsonShown(
  item: Item,
  shown: (name: string, value: AttributeValue) => AttributeValue | undefined,
): { [key: string]: JsonOut } {
  const out: { [key: string]: JsonOut } = {};
  for (const k of Object.keys(item)) {
    const value = shown(k, item[k]!);
    if (value === undefined) continue;
    const v = toJson(value);
    if (k === '__proto__') {
      Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true }); // as above
    } else {
      out[k] = v;
    }
  }
  return out;
}

/** Plain JS data (auth records, config) → Json, for code paths that share fromJson. */
export function plainToJson(value: unknown): Json {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return new JsonNumber(String(value));
  if (value instanceof JsonNumber) return value;
  if (Array.isArray(value)) return value.map(plainToJson);
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, plainToJson(v)]));
  }
  throw new Error(`not JSON: ${typeof value}`);
}

/** A stored value → Json without losing digits (auth records are read this way, then checked by zod). */
export function avToJson(v: AttributeValue): Json {
  if ('S' in v) return v.S;
  if ('N' in v) return new JsonNumber(v.N);
  if ('BOOL' in v) return v.BOOL;
  if ('NULL' in v) return null;
  if ('B' in v) return base64(v.B);
  if ('SS' in v) return [...v.SS];
  if ('NS' in v) return v.NS.map((n) => new JsonNumber(n));
  if ('BS' in v) return v.BS.map(base64);
  if ('L' in v) return v.L.map(avToJson);
  return Object.fromEntries(Object.entries(v.M).map(([k, x]) => [k, avToJson(x)]));
}
