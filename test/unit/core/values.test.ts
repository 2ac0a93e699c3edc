import fc from 'fast-check';
import {
  type AttributeValue,
  canonicalNumber,
  compareBytes,
  compareNumbers,
  compareStrings,
  getPath,
  type Item,
  keyText,
  keyValue,
  looksLikeNumber,
  typeOf,
  valuesEqual,
} from '../../../src/core/values';

const DIGITS_38 = '12345678901234567890123456789012345678';

describe('canonicalNumber', () => {
  it.each([
    { text: '0', want: '0' },
    { text: '-0', want: '0' },
    { text: '0.000', want: '0' },
    { text: '-0.0e-5', want: '0' },
    { text: '0e5', want: '0' },
    { text: '7', want: '7' },
    { text: '-7', want: '-7' },
    { text: '1.50', want: '1.5' },
    { text: '-1.50', want: '-1.5' },
    { text: '100', want: '100' },
    { text: '1e2', want: '100' },
    { text: '1E+2', want: '100' },
    { text: '1.5e-3', want: '0.0015' },
    { text: '-2.5E1', want: '-25' },
    { text: '0.1', want: '0.1' },
    { text: DIGITS_38, want: DIGITS_38 },
    { text: `-${DIGITS_38}`, want: `-${DIGITS_38}` },
    { text: `0.${DIGITS_38}`, want: `0.${DIGITS_38}` },
    { text: `${DIGITS_38}00`, want: `${DIGITS_38}00` }, // trailing zeros are not significant digits
    { text: '1e125', want: `1${'0'.repeat(125)}` },
    { text: '9.9999999999999999999999999999999999999E+125', want: `${'9'.repeat(38)}${'0'.repeat(88)}` },
    { text: '1e-130', want: `0.${'0'.repeat(129)}1` },
    { text: '-1e-130', want: `-0.${'0'.repeat(129)}1` },
  ])('stores $text as DynamoDB does', ({ text, want }) => {
    expect(canonicalNumber(text)).toBe(want);
  });

  it.each([
    { text: `${DIGITS_38}9`, why: '39 significant digits' },
    { text: `1.${DIGITS_38}`, why: '39 significant digits after a point' },
    { text: '1e126', why: 'at or above 1E+126' },
    { text: '-1e126', why: 'at or below -1E+126' },
    { text: '1e-131', why: 'below 1E-130' },
    { text: '1e99999999', why: 'a huge exponent' },
    { text: '1e-99999999', why: 'a huge negative exponent' },
    { text: '', why: 'empty' },
    { text: '01', why: 'a leading zero' },
    { text: '1.', why: 'a trailing point' },
    { text: '.5', why: 'a leading point' },
    { text: '+1', why: 'a plus sign' },
    { text: ' 1', why: 'whitespace' },
    { text: '0x10', why: 'hexadecimal' },
    { text: 'Infinity', why: 'Infinity' },
    { text: 'NaN', why: 'NaN' },
    { text: 'abc', why: 'not a number' },
  ])('rejects $text ($why)', ({ text }) => {
    expect(canonicalNumber(text)).toBeUndefined();
  });

  it('never loses a digit of a 38-digit number, unlike a double', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[1-9]\d{37}$/), fc.boolean(), (digits, negative) => {
        const text = negative ? `-${digits}` : digits;
        expect(canonicalNumber(text)).toBe(text);
      }),
      { numRuns: 200 },
    );
  });
});

describe('looksLikeNumber', () => {
  it.each([
    ['3', true],
    ['-3.25', true],
    ['1e5', true],
    ['1E-5', true],
    ['03', false],
    ['3.', false],
    ['true', false],
    ['', false],
    ['1_000', false],
  ])('says %s reads as a JSON number: %s', (text, want) => {
    expect(looksLikeNumber(text)).toBe(want);
  });
});

const sign = (n: number) => Math.sign(n);

describe('compareStrings', () => {
  it.each([
    { a: 'a', b: 'b', want: -1 },
    { a: 'B', b: 'a', want: -1 }, // upper case sorts before lower case
    { a: 'a', b: 'ab', want: -1 },
    { a: 'ab', b: 'ab', want: 0 },
    { a: 'z', b: 'é', want: -1 },
    { a: '\uE000', b: '😀', want: -1 }, // UTF-16 code units would say the opposite
    { a: '\uFFFF', b: '𝄞', want: -1 },
    { a: '𝄞', b: '\uFFFD', want: 1 },
    { a: '𝄞', b: '😀', want: -1 },
    { a: 'a😀', b: 'a\uFFFF', want: 1 },
    { a: '', b: '\u0000', want: -1 },
  ])('orders $a against $b by code point: $want', ({ a, b, want }) => {
    expect(sign(compareStrings(a, b))).toBe(want);
    expect(sign(compareStrings(b, a))).toBe(-want || 0);
  });

  it('agrees with the UTF-8 byte order DynamoDB uses, for any strings', () => {
    const text = fc.string({ unit: 'binary', maxLength: 6 });
    fc.assert(
      fc.property(text, text, (a, b) => {
        expect(sign(compareStrings(a, b))).toBe(sign(Buffer.compare(Buffer.from(a), Buffer.from(b))));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('compareNumbers', () => {
  it.each([
    { a: '2', b: '10', want: -1 }, // numerically, not as text
    { a: '-10', b: '-2', want: -1 },
    { a: '1.0', b: '1', want: 0 },
    { a: DIGITS_38, b: '12345678901234567890123456789012345677', want: 1 }, // equal as doubles
    { a: '1e-130', b: '0', want: 1 },
  ])('compares $a with $b: $want', ({ a, b, want }) => {
    expect(sign(compareNumbers(a, b))).toBe(want);
  });
});

describe('compareBytes', () => {
  it('orders binary values byte by byte, unsigned', () => {
    expect(sign(compareBytes(new Uint8Array([1, 2]), new Uint8Array([1, 3])))).toBe(-1);
    expect(sign(compareBytes(new Uint8Array([0xff]), new Uint8Array([0x01, 0x00])))).toBe(1);
    expect(sign(compareBytes(new Uint8Array([1]), new Uint8Array([1, 0])))).toBe(-1);
  });

  it('compares views into a larger buffer by their own bytes only', () => {
    const backing = new Uint8Array([9, 1, 2, 9]);
    expect(compareBytes(backing.subarray(1, 3), new Uint8Array([1, 2]))).toBe(0);
  });
});

describe('valuesEqual', () => {
  const b = (...bytes: number[]) => new Uint8Array(bytes);
  it.each<{ a: AttributeValue; b: AttributeValue; want: boolean }>([
    { a: { S: 'x' }, b: { S: 'x' }, want: true },
    { a: { S: '1' }, b: { N: '1' }, want: false },
    { a: { N: '1' }, b: { N: '1.0' }, want: true },
    { a: { N: '1' }, b: { N: '2' }, want: false },
    { a: { BOOL: true }, b: { BOOL: true }, want: true },
    { a: { BOOL: true }, b: { S: 'true' }, want: false },
    { a: { NULL: true }, b: { NULL: true }, want: true },
    { a: { NULL: true }, b: { BOOL: false }, want: false },
    { a: { B: b(1, 2) }, b: { B: b(1, 2) }, want: true },
    { a: { B: b(1, 2) }, b: { B: b(1) }, want: false },
    { a: { SS: ['a', 'b'] }, b: { SS: ['b', 'a'] }, want: true },
    { a: { SS: ['a', 'b'] }, b: { SS: ['a'] }, want: false },
    { a: { NS: ['1', '2'] }, b: { NS: ['2', '1.0'] }, want: true },
    { a: { NS: ['1'] }, b: { SS: ['1'] }, want: false },
    { a: { BS: [b(1), b(2)] }, b: { BS: [b(2), b(1)] }, want: true },
    { a: { L: [{ S: 'a' }, { N: '1' }] }, b: { L: [{ S: 'a' }, { N: '1' }] }, want: true },
    { a: { L: [{ S: 'a' }, { N: '1' }] }, b: { L: [{ N: '1' }, { S: 'a' }] }, want: false },
    { a: { L: [] }, b: { M: {} }, want: false },
    { a: { M: { x: { S: 'a' }, y: { N: '1' } } }, b: { M: { y: { N: '1' }, x: { S: 'a' } } }, want: true },
    { a: { M: { x: { S: 'a' } } }, b: { M: { x: { S: 'a' }, y: { N: '1' } } }, want: false },
    { a: { M: { x: { S: 'a' } } }, b: { M: { z: { S: 'a' } } }, want: false },
  ])('says $a equals $b: $want', ({ a, b: other, want }) => {
    expect(valuesEqual(a, other)).toBe(want);
    expect(valuesEqual(other, a)).toBe(want);
  });
});

describe('getPath', () => {
  const item: Item = {
    a: { S: 'top' },
    m: { M: { x: { N: '1' }, inner: { M: { y: { BOOL: true } } } } },
    l: { L: [{ M: { x: { S: 'in list' } } }] },
  };
  it.each([
    { path: 'a', want: { S: 'top' } },
    { path: 'm.x', want: { N: '1' } },
    { path: 'm.inner.y', want: { BOOL: true } },
    { path: 'missing', want: undefined },
    { path: 'm.missing', want: undefined },
    { path: 'a.x', want: undefined }, // through a string
    { path: 'l.x', want: undefined }, // dots walk maps only, never lists
    { path: 'm.inner.y.z', want: undefined },
  ])('reads $path', ({ path, want }) => {
    expect(getPath(item, path)).toEqual(want);
  });
});

describe('typeOf', () => {
  it('names the DynamoDB type of a value', () => {
    expect(typeOf({ N: '1' })).toBe('N');
    expect(typeOf({ SS: ['a'] })).toBe('SS');
    expect(typeOf({ NULL: true })).toBe('NULL');
  });
});

describe('keyText', () => {
  it.each<{ value: AttributeValue; want: string }>([
    { value: { S: 'a/b' }, want: 'a/b' },
    { value: { N: '1.0' }, want: '1' },
    { value: { N: '-0' }, want: '0' },
    { value: { B: new Uint8Array([0xfb, 0xff]) }, want: '+/8=' },
  ])('writes the stored form of $value', ({ value, want }) => {
    expect(keyText(value)).toBe(want);
  });

  it('refuses a value that cannot be a key', () => {
    expect(() => keyText({ BOOL: true })).toThrow();
  });
});

describe('keyValue', () => {
  it.each([
    { type: 'S' as const, text: 'abc', want: { S: 'abc' } },
    { type: 'S' as const, text: '3', want: { S: '3' } },
    { type: 'S' as const, text: 'é'.repeat(1024), want: { S: 'é'.repeat(1024) } }, // 2048 bytes
    { type: 'N' as const, text: '1.50', want: { N: '1.5' } },
    { type: 'N' as const, text: '1e2', want: { N: '100' } },
    { type: 'N' as const, text: '01', want: { N: '1' } },
    { type: 'N' as const, text: '+5', want: { N: '5' } },
    { type: 'N' as const, text: '.5', want: { N: '0.5' } },
    { type: 'N' as const, text: '5.', want: { N: '5' } },
    { type: 'N' as const, text: '-007.50', want: { N: '-7.5' } },
    { type: 'B' as const, text: 'AQI=', want: { B: new Uint8Array([1, 2]) } },
  ])('reads $text as a $type key', ({ type, text, want }) => {
    expect(keyValue(type, text)).toEqual(want);
  });

  it.each([
    { type: 'S' as const, text: '', why: 'empty' },
    { type: 'S' as const, text: 'é'.repeat(1025), why: 'over 2048 UTF-8 bytes' },
    { type: 'N' as const, text: 'abc', why: 'not a number' },
    { type: 'N' as const, text: '.', why: 'no digits' },
    { type: 'N' as const, text: '1..2', why: 'two points' },
    { type: 'N' as const, text: '0x10', why: 'hexadecimal' },
    { type: 'N' as const, text: `${DIGITS_38}9`, why: 'beyond 38 digits' },
    { type: 'B' as const, text: 'AQI', why: 'base64 without padding' },
    { type: 'B' as const, text: 'A*I=', why: 'not base64' },
    { type: 'B' as const, text: '', why: 'empty' },
  ])('rejects $text as a $type key ($why)', ({ type, text }) => {
    expect(keyValue(type, text)).toBeUndefined();
  });
});
