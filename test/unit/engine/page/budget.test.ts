import * as v8 from 'node:v8';
import fc from 'fast-check';
import { ByteBudget, envelopeBytes, withinLatin1 } from '../../../../src/engine/page/budget';

// The byte budget of one answer (docs/reference/pagination.md#size-and-time-limits): a chunk far from the limit is
// bounded by its length alone, never measured (issue 22, item 8); near the limit every text is measured, so the
// cut is exact; the estimate that sizes reads is close to what an exact count gives. A text with no unit above
// U+00FF is bounded at 2 bytes a unit, still without counting it.

const chunk = (n: number, text = 'x'.repeat(200)) => JSON.stringify(Array.from({ length: n }, (_, i) => ({ i, text })));

afterEach(() => jest.restoreAllMocks());

it('takes chunks far from the limit without measuring them', () => {
  // Prepare
  const budget = new ByteBudget(6_000_000);
  const byteLength = jest.spyOn(Buffer, 'byteLength');
  // Act
  for (let n = 0; n < 5; n++) expect(budget.takeChunk(chunk(1_000))).toBe(true);
  // Assess
  expect(byteLength).not.toHaveBeenCalled();
});

it('measures near the limit and refuses what does not fit, to the byte', () => {
  // Prepare
  const text = chunk(100);
  const size = envelopeBytes(text) - 1;
  const budget = new ByteBudget(64 + 3 * size);
  // Act, Assess
  expect([1, 2, 3, 4].map(() => budget.takeChunk(text))).toEqual([true, true, true, false]);
  expect(budget.left()).toBe(0);
});

it('estimates what is spent within 1% of the exact count on alike chunks, measuring one as a sample', () => {
  // Prepare
  const budget = new ByteBudget(6_000_000);
  const texts = Array.from({ length: 5 }, (_, n) => chunk(500, `"é${'y'.repeat(50 + n * 3)}`));
  for (const t of texts) budget.takeChunk(t);
  const exact = texts.reduce((sum, t) => sum + envelopeBytes(t) - 1, 0);
  const byteLength = jest.spyOn(Buffer, 'byteLength');
  // Act
  const spent = budget.spent();
  // Assess
  expect(byteLength).toHaveBeenCalledTimes(1);
  expect(Math.abs(spent - exact) / exact).toBeLessThan(0.01);
  expect(budget.left()).toBeCloseTo(6_000_000 - 64 - spent, 0);
});

describe('a text within Latin-1: at most 2 envelope bytes a unit, known without counting it', () => {
  // Every unit below 0x100, as JSON.stringify writes it: quotes, backslashes, control characters (escaped to \u00XX)
  // and the upper half of Latin-1 (2 bytes in UTF-8).
  const latin1Text = fc
    .array(
      fc.dictionary(
        fc.string({ unit: 'binary-ascii' }),
        fc.string({ unit: fc.integer({ min: 0, max: 0xff }).map((c) => String.fromCharCode(c)) }),
      ),
      { minLength: 1, maxLength: 20 },
    )
    .map((items) => JSON.stringify(items));
  // quotes, backslashes and é: 2 envelope bytes a unit
  const escapedLatin1 = chunk(200, '"\\é'.repeat(40));

  it('takes any such text when it fits and refuses it when it is one byte too big', () => {
    fc.assert(
      fc.property(latin1Text, (text) => {
        expect([...text].every((c) => c.charCodeAt(0) < 0x100)).toBe(true);
        const size = envelopeBytes(text) - 1;
        expect(new ByteBudget(64 + size - 1, () => true).takeChunk(text)).toBe(false);
        expect(new ByteBudget(64 + size, () => true).takeChunk(text)).toBe(true);
      }),
    );
  });

  it('takes such a chunk past the 3-bytes-a-unit bound without measuring it, and measures any other', () => {
    // Prepare: a chunk whose 3 bytes a unit do not fit but 2 do
    const text = escapedLatin1;
    const max = 64 + 2 * text.length;
    const byteLength = jest.spyOn(Buffer, 'byteLength');
    // Act
    const asLatin1 = new ByteBudget(max, () => true).takeChunk(text);
    const unmeasured = byteLength.mock.calls.length;
    const asTwoByte = new ByteBudget(max, () => false).takeChunk(text);
    // Assess
    expect(asLatin1).toBe(true);
    expect(unmeasured).toBe(0);
    expect(byteLength).toHaveBeenCalled();
    expect(asTwoByte).toBe(envelopeBytes(text) - 1 <= max - 64);
  });

  it('is told by default: such a chunk is taken past the 3-bytes-a-unit bound without Buffer.byteLength', () => {
    // Node 22.15 and later read V8's representation; older Node a regex V8 answers at once for a Latin-1 string.
    const text = escapedLatin1;
    const byteLength = jest.spyOn(Buffer, 'byteLength');
    expect(new ByteBudget(64 + 2 * text.length).takeChunk(text)).toBe(true);
    expect(byteLength).not.toHaveBeenCalled();
    // one unit above U+00FF: counted, with the exact answer
    const wide = `${text.slice(0, -3)}€"}]`;
    expect(new ByteBudget(64 + 2 * text.length).takeChunk(wide)).toBe(envelopeBytes(wide) - 1 <= 2 * text.length);
    expect(byteLength).toHaveBeenCalled();
  });

  it('is not asked once the chunks are bounded by their byte counts', () => {
    // Prepare: a budget whose length bound no longer fits after the first chunk
    const text = chunk(200);
    const latin1 = jest.fn(() => false);
    const budget = new ByteBudget(64 + 4 * text.length, latin1);
    // Act
    const taken = [budget.takeChunk(text), budget.takeChunk(text), budget.takeChunk(text)];
    // Assess: asked for the first (fits at 3 bytes a unit) and the second (does not: tightened); not for the third
    expect(taken).toEqual([true, true, true]);
    expect(latin1).toHaveBeenCalledTimes(2);
  });

  it('never calls a wider text within Latin-1, and answers by representation only where Node has it', () => {
    const native = (v8 as { isStringOneByteRepresentation?: unknown }).isStringOneByteRepresentation;
    expect(withinLatin1(chunk(10, '€uro'))).toBe(false);
    expect(withinLatin1(chunk(10, 'é'))).toBe(true);
    expect(withinLatin1(`${'x'.repeat(1000)}\u0100`)).toBe(false);
    // V8 keeps a slice of a two-byte text two-byte: by representation false (only a count more), by the regex true
    const twoByteLatin1 = `é${'x'.repeat(100)}€`.slice(0, -1);
    expect(withinLatin1(twoByteLatin1)).toBe(typeof native !== 'function');
  });
});
