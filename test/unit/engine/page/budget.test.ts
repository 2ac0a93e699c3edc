import { ByteBudget, envelopeBytes } from '../../../../src/engine/page/budget';

// The byte budget of one answer (docs/reference/pagination.md#size-and-time-limits): a chunk far from the limit is
// bounded by its length alone, never measured (issue 22, item 8); near the limit every text is measured, so the
// cut is exact; the estimate that sizes reads is close to what an exact count gives.

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
