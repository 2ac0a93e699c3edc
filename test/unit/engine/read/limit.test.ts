import { callLimit } from '../../../../src/engine/read/limit';

describe('callLimit: the Limit of the next Query/Scan call of a page with _limit', () => {
  it.each([
    { what: 'no filter: exactly what is still needed', want: 100, kept: 0, scanned: 0, filtered: false, limit: 100 },
    { what: 'no filter, part of the page read', want: 100, kept: 60, scanned: 60, filtered: false, limit: 40 },
    { what: 'a filter, first call: a few times the need', want: 100, kept: 0, scanned: 0, filtered: true, limit: 400 },
    {
      what: 'half kept so far: twice the rest, plus a margin',
      want: 100,
      kept: 50,
      scanned: 100,
      filtered: true,
      limit: 125,
    },
    { what: 'nothing kept yet: the largest call', want: 100, kept: 0, scanned: 400, filtered: true, limit: 10_000 },
    { what: 'a tiny need still reads a few items', want: 1, kept: 0, scanned: 0, filtered: true, limit: 10 },
    { what: 'a full page asks one more item at least', want: 100, kept: 100, scanned: 100, filtered: false, limit: 1 },
  ])('$what', ({ want, kept, scanned, filtered, limit }) => {
    expect(callLimit(want, kept, scanned, filtered)).toBe(limit);
  });

  it('never asks more than 10,000 items in one call', () => {
    expect(callLimit(1000, 1, 100_000, true)).toBe(10_000);
    expect(callLimit(50_000, 0, 0, false)).toBe(10_000);
  });
});
