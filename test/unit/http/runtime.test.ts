import { randomHex } from '../../../src/http/runtime';

describe('randomHex, the nonce of audit ids, generated ids and first versions', () => {
  it('gives 16 hex characters, none repeated, across several refills of its pool (512 nonces each)', () => {
    const next = randomHex();
    const nonces = Array.from({ length: 2_000 }, next);
    for (const n of nonces) expect(n).toMatch(/^[0-9a-f]{16}$/);
    expect(new Set(nonces).size).toBe(nonces.length);
  });

  it('draws fresh bytes on each refill, not the same pool again', () => {
    const next = randomHex();
    const first = Array.from({ length: 512 }, next);
    const second = Array.from({ length: 512 }, next);
    expect(second.filter((n) => first.includes(n))).toEqual([]);
  });

  it('keeps a pool per runtime: two runtimes do not hand out the same nonces', () => {
    const [a, b] = [randomHex(), randomHex()];
    const fromA = new Set(Array.from({ length: 100 }, a));
    expect(Array.from({ length: 100 }, b).filter((n) => fromA.has(n))).toEqual([]);
  });
});
