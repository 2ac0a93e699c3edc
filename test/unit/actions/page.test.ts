import fc from 'fast-check';
import { envelopeBytes, visibleJson } from '../../../src/actions/page';

describe('envelopeBytes: what a JSON text adds to the Lambda envelope as a JSON string', () => {
  // The rule, one character at a time: its UTF-8 bytes, plus a backslash before each quote and backslash.
  const reference = (text: string) => Buffer.byteLength(text) + [...text].filter((c) => c === '"' || c === '\\').length;

  it.each([
    { text: '', want: 0 },
    { text: '{"a":1}', want: 9 },
    { text: '"\\\\"', want: 8 },
    { text: '"é"', want: 6 },
    { text: 'x', want: 1 },
  ])('counts $text as $want bytes', ({ text, want }) => {
    expect(envelopeBytes(text)).toBe(want);
  });

  it('agrees with the character-by-character count on any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(envelopeBytes(text)).toBe(reference(text));
      }),
      { numRuns: 2_000 },
    );
  });

  // A JSON text holds no raw control characters or lone surrogates, so only quotes and backslashes are escaped.
  it('is what JSON.stringify makes of a JSON text, without the two quotes around it', () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        expect(envelopeBytes(text)).toBe(Buffer.byteLength(JSON.stringify(text)) - 2);
      }),
    );
  });
});

describe('visibleJson', () => {
  const item = {
    id: { S: 'a' },
    _version: { N: '2' },
    secret: { S: 's' },
    meta: { M: { keep: { N: '1' }, hide: { S: 'h' } } },
  };

  it('answers the item without _version when nothing is hidden', () => {
    expect(JSON.stringify(visibleJson(item, []))).toBe('{"id":"a","secret":"s","meta":{"keep":1,"hide":"h"}}');
  });

  it('leaves out hidden fields and nested hidden paths, and does not modify the item', () => {
    expect(JSON.stringify(visibleJson(item, ['secret', 'meta.hide']))).toBe('{"id":"a","meta":{"keep":1}}');
    expect(item.secret).toEqual({ S: 's' });
    expect(item.meta.M.hide).toEqual({ S: 'h' });
  });
});
