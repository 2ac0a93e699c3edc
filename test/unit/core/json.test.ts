import fc from 'fast-check';
import { ScoutrError } from '../../../src/core/errors';
import {
  avToJson,
  fromJson,
  itemToJson,
  itemToJsonExcept,
  type Json,
  JsonNumber,
  MAX_DEPTH,
  MAX_NAME_BYTES,
  nestingDepth,
  numberOut,
  plainToJson,
  toJson,
  underscoreNames,
} from '../../../src/core/json';
import { type AttributeValue, canonicalNumber } from '../../../src/core/values';
import { answered, thrown } from '../../support/errors';

const num = (text: string) => new JsonNumber(text);

describe('fromJson', () => {
  it.each<{ json: Json; want: AttributeValue }>([
    { json: null, want: { NULL: true } },
    { json: true, want: { BOOL: true } },
    { json: 'text', want: { S: 'text' } },
    { json: '', want: { S: '' } },
    { json: num('1.50'), want: { N: '1.5' } },
    { json: num('-0'), want: { N: '0' } },
    { json: num('1e2'), want: { N: '100' } },
    { json: num('12345678901234567890123456789012345678'), want: { N: '12345678901234567890123456789012345678' } },
    { json: [num('1'), 'a', [null]], want: { L: [{ N: '1' }, { S: 'a' }, { L: [{ NULL: true }] }] } },
    { json: ['a', 'a'], want: { L: [{ S: 'a' }, { S: 'a' }] } }, // arrays are lists, never sets
    { json: { a: { b: false } }, want: { M: { a: { M: { b: { BOOL: false } } } } } },
  ])('stores $json as $want', ({ json, want }) => {
    expect(fromJson(json)).toEqual(want);
  });

  const nest = (depth: number): Json => (depth === 0 ? 'leaf' : { n: nest(depth - 1) });
  const nestAround = (depth: number, leaf: Json): Json => (depth === 0 ? leaf : { n: nestAround(depth - 1, leaf) });

  it.each<{ json: Json; field: string; why: string }>([
    { json: { a: num('123456789012345678901234567890123456789') }, field: 'a', why: '39 digits' },
    { json: { a: { b: num('1e126') } }, field: 'a.b', why: 'a number out of range' },
    { json: { list: ['x', num('1e-131')] }, field: 'list[1]', why: 'a number out of range in a list' },
    { json: { a: { '': 1 } } as unknown as Json, field: 'a.', why: 'an empty attribute name' },
    { json: JSON.parse('{"__proto__": "x"}') as Json, field: '__proto__', why: 'a prototype name' },
    { json: { constructor: 'x' }, field: 'constructor', why: 'a prototype name' },
    // the map at level 32 is refused: whatever it holds would be at level 33
    { json: { a: nest(MAX_DEPTH) }, field: `a${'.n'.repeat(MAX_DEPTH - 1)}`, why: 'nesting deeper than 32 levels' },
    { json: { a: nestAround(MAX_DEPTH - 1, {}) }, field: `a${'.n'.repeat(MAX_DEPTH - 1)}`, why: 'an empty map at 32' },
    { json: { a: nestAround(MAX_DEPTH - 1, []) }, field: `a${'.n'.repeat(MAX_DEPTH - 1)}`, why: 'an empty list at 32' },
    { json: { s: 'a\ud800b' }, field: 's', why: 'a lone high surrogate' },
    { json: { l: ['\udfff'] }, field: 'l[0]', why: 'a lone low surrogate in a list' },
    { json: { m: { '\ud800': true } }, field: 'm.\ud800', why: 'a lone surrogate in a name' },
    {
      json: { m: { ['n'.repeat(MAX_NAME_BYTES + 1)]: true } },
      field: `m.${'n'.repeat(98)}`,
      why: 'a name over the limit',
    },
    {
      json: { m: { ['é'.repeat(MAX_NAME_BYTES / 2 + 1)]: true } },
      field: `m.${'é'.repeat(98)}`,
      why: 'a name over the limit in UTF-8 bytes',
    },
  ])('rejects $why with a 400 naming $field', ({ json, field }) => {
    const err = thrown(() => fromJson(json));
    expect(err).toBeInstanceOf(ScoutrError);
    expect(answered(err)).toMatchObject({ code: 'INVALID_BODY', status: 400, details: { field } });
  });

  it('accepts a name of exactly the limit and a surrogate pair', () => {
    expect(() => fromJson({ m: { ['n'.repeat(MAX_NAME_BYTES)]: '😀' } })).not.toThrow();
  });

  it('accepts nesting of exactly 32 levels', () => {
    expect(() => fromJson(nest(MAX_DEPTH))).not.toThrow();
    // an empty map or list opens a level of its own, as DynamoDB counts it: at level 31 it is the 32nd
    expect(() => fromJson({ a: nestAround(MAX_DEPTH - 2, {}) })).not.toThrow();
    expect(() => fromJson({ a: nestAround(MAX_DEPTH - 2, []) })).not.toThrow();
  });
});

describe('nestingDepth', () => {
  it.each<{ value: AttributeValue; depth: number }>([
    { value: { S: 'x' }, depth: 1 },
    { value: { L: [{ S: 'x' }] }, depth: 2 },
    { value: { M: {} }, depth: 2 }, // an empty map opens a level, as DynamoDB counts it
    { value: { L: [] }, depth: 2 },
    { value: { M: { a: { L: [] }, b: { S: 'x' } } }, depth: 3 },
    { value: { SS: ['a', 'b'] }, depth: 1 }, // a set is a scalar for nesting
  ])('counts $value as $depth levels', ({ value, depth }) => {
    expect(nestingDepth(value)).toBe(depth);
  });
});

describe('toJson', () => {
  const b = (...bytes: number[]) => new Uint8Array(bytes);
  it.each<{ value: AttributeValue; want: unknown }>([
    { value: { S: 'x' }, want: 'x' },
    { value: { BOOL: false }, want: false },
    { value: { NULL: true }, want: null },
    { value: { N: '1.5' }, want: 1.5 },
    { value: { N: '-7' }, want: -7 },
    { value: { N: '0.1' }, want: 0.1 },
    { value: { N: '9007199254740992' }, want: 9007199254740992 }, // 2^53 is exact in a double
    { value: { N: '9007199254740993' }, want: '9007199254740993' }, // 2^53 + 1 is not
    { value: { N: '12345678901234567890123456789012345678' }, want: '12345678901234567890123456789012345678' },
    { value: { N: '0.30000000000000000001' }, want: '0.30000000000000000001' },
    { value: { B: b(0xfb, 0xff) }, want: '+/8=' },
    { value: { SS: ['😀', '\uFFFF', 'a', 'B'] }, want: ['B', 'a', '\uFFFF', '😀'] }, // code point order
    { value: { NS: ['10', '-1', '2', '9007199254740993'] }, want: [-1, 2, 10, '9007199254740993'] }, // numeric order
    { value: { BS: [b(2), b(1, 0), b(1)] }, want: ['AQ==', 'AQA=', 'Ag=='] },
    { value: { L: [{ N: '1' }, { SS: ['b', 'a'] }] }, want: [1, ['a', 'b']] },
    { value: { M: { x: { NULL: true }, y: { L: [] } } }, want: { x: null, y: [] } },
  ])('answers $value as $want', ({ value, want }) => {
    expect(toJson(value)).toEqual(want);
  });

  it('does not reorder the stored set', () => {
    const value = { SS: ['b', 'a'] };
    toJson(value);
    expect(value.SS).toEqual(['b', 'a']);
  });
});

describe('numberOut', () => {
  it('answers a number as a JSON number only when the double reads back as the same number', () => {
    expect(numberOut('1e-130')).toBe(1e-130);
    expect(numberOut('100')).toBe(100);
    expect(numberOut('123456789012345678901')).toBe('123456789012345678901');
  });

  it.each([
    { text: '1.50', want: 1.5 }, // not the double's text, but the same number
    { text: '-0', want: -0 },
    { text: '1e+300', want: 1e300 },
    { text: 'Infinity', want: 'Infinity' },
    { text: 'NaN', want: 'NaN' },
    { text: '0.1', want: 0.1 },
    { text: '1e23', want: 1e23 }, // the double's shortest text, 1e+23, is the same number
    { text: '1.0', want: 1 },
    { text: '00', want: '00' }, // not a number DynamoDB writes: answered as stored
    { text: '0', want: 0 },
    { text: '-999999999999999', want: -999999999999999 }, // 15 digits: the short-integer path
    { text: '9007199254740993', want: '9007199254740993' }, // 2^53 + 1: no double holds it
    { text: '-007', want: '-007' }, // leading zeros, as '00'
  ])('answers $text as $want', ({ text, want }) => {
    expect(numberOut(text)).toBe(want);
  });

  // The rule without the fast path for texts a double prints as: they must answer the same.
  const reference = (text: string) => {
    const n = Number(text);
    return Number.isFinite(n) && canonicalNumber(String(n)) === canonicalNumber(text) ? n : text;
  };
  const numberText = fc.oneof(
    fc.double().map(String),
    fc.integer().map(String),
    fc.stringMatching(/^-?(0|[1-9]\d{0,40})(\.\d{1,40})?([eE][+-]?\d{1,3})?$/),
    // Short texts, leading zeros and exponents included: 007, 1.0, 5e-1, 1e23.
    fc.stringMatching(/^-?\d{1,8}(\.\d{1,4})?([eE][+-]?\d{1,2})?$/),
    // Integers on both sides of the short-integer path's 15 digits, with and without leading zeros.
    fc.stringMatching(/^-?\d{1,18}$/),
  );

  it('answers every number text as the exact comparison does', () => {
    fc.assert(
      fc.property(numberText, (text) => {
        expect(numberOut(text)).toBe(reference(text));
      }),
      { numRuns: 5_000 },
    );
  });
});

describe('itemToJson', () => {
  it("keeps an attribute named '__proto__' as an own property", () => {
    const out = itemToJson({ ['__proto__']: { S: 'x' }, a: { N: '1' } });
    expect(Object.hasOwn(out, '__proto__')).toBe(true);
    expect(JSON.stringify(out)).toBe('{"__proto__":"x","a":1}');
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  });

  it('keeps names that are Object.prototype members as plain own data', () => {
    const out = itemToJson({ constructor: { S: 'c' }, toString: { N: '2' }, hasOwnProperty: { BOOL: true } });
    expect(JSON.stringify(out)).toBe('{"constructor":"c","toString":2,"hasOwnProperty":true}');
  });

  it('leaves out only the attribute named, in the stored order otherwise', () => {
    const item = { b: { S: 'x' }, _version: { N: '3' }, ['__proto__']: { N: '1' }, a: { NULL: true as const } };
    const only = underscoreNames(['_version']);
    expect(JSON.stringify(itemToJsonExcept(item, only))).toBe('{"b":"x","__proto__":1,"a":null}');
    expect(JSON.stringify(itemToJsonExcept(item, underscoreNames([])))).toBe(
      '{"b":"x","_version":3,"__proto__":1,"a":null}',
    );
  });

  it('omits only names starting with _, and says so when given another', () => {
    expect(() => underscoreNames(['_version', 'secret'])).toThrow('not a name starting with _: secret');
  });
});

describe('avToJson', () => {
  it('keeps every digit of stored numbers as JsonNumber', () => {
    const out = avToJson({ M: { n: { N: '12345678901234567890123456789012345678' }, ns: { NS: ['1', '2'] } } });
    expect(out).toEqual({ n: num('12345678901234567890123456789012345678'), ns: [num('1'), num('2')] });
  });

  it('round-trips through fromJson', () => {
    const value: AttributeValue = {
      M: { s: { S: 'x' }, n: { N: '-1.5' }, b: { BOOL: true }, z: { NULL: true }, l: { L: [{ N: '3' }] } },
    };
    expect(fromJson(avToJson(value))).toEqual(value);
  });
});

describe('plainToJson', () => {
  it('turns plain numbers into JsonNumber and keeps the rest', () => {
    expect(plainToJson({ a: 1.5, b: ['x', true, null] })).toEqual({ a: num('1.5'), b: ['x', true, null] });
  });

  it('refuses values JSON cannot hold', () => {
    expect(() => plainToJson({ f: () => 1 })).toThrow();
  });
});
