import { createCipheriv, randomBytes } from 'node:crypto';
import { ScoutrError } from '../../../src/core/errors';
import {
  binding,
  CURSOR_TTL_MS,
  cursorKey,
  decodeCursor,
  encodeCursor,
  type Position,
} from '../../../src/engine/cursor';
import { answered, thrown } from '../../support/errors';

// docs/reference/pagination.md#cursors: a cursor is encrypted and authenticated, expires after 24 hours, and is bound to its context; a
// forged, expired, foreign or garbled cursor is 400 INVALID_CURSOR, never a 500.

const key = cursorKey('a test secret');
const bound = binding(['stage', 'table', '/items', 'status=a', 'api_key:k1']);
const plan = 'Query:status-index:1';
const now = Date.parse('2025-01-01T00:00:00Z');

const decode = (text: string, o: { key?: Buffer; bound?: Buffer; plan?: string; at?: number } = {}) =>
  decodeCursor(o.key ?? key, o.bound ?? bound, o.plan ?? plan, text, o.at ?? now);

function expectInvalid(fn: () => unknown): void {
  const err = thrown(fn);
  expect(err).toBeInstanceOf(ScoutrError);
  expect(answered(err)).toMatchObject({ code: 'INVALID_CURSOR', status: 400, expose: true });
}

/** A cursor as encodeCursor seals one, around any JSON text: authentic, so only the payload's shape is tested. */
function seal(json: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(bound);
  const body = Buffer.concat([cipher.update(json, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
}
const payload = (pos: unknown, over: Record<string, unknown> = {}) =>
  JSON.stringify({ v: 1, exp: now + CURSOR_TTL_MS, plan, pos, ...over });

describe('round trip', () => {
  it.each<{ what: string; pos: Position }>([
    { what: 'an offset into a key list', pos: { o: 250 } },
    { what: 'the start of a source', pos: { s: 2 } },
    { what: 'a string key', pos: { s: 0, k: { id: { S: 'p-1' } } } },
    { what: 'an index key', pos: { s: 1, k: { id: { S: 'p-1' }, status: { S: 'sold' }, price: { N: '12.50' } } } },
    { what: 'a binary key', pos: { s: 0, k: { id: { B: new Uint8Array([0, 1, 254, 255]) } } } },
  ])('gives back $what', ({ pos }) => {
    expect(decode(encodeCursor(key, bound, plan, pos, now))).toEqual(pos);
  });

  it('is URL-safe text, and never the same twice (a fresh IV each time)', () => {
    const a = encodeCursor(key, bound, plan, { o: 1 }, now);
    const b = encodeCursor(key, bound, plan, { o: 1 }, now);
    expect(a).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(a).not.toBe(b);
  });

  it('hides the key it carries', () => {
    const text = encodeCursor(key, bound, plan, { s: 0, k: { id: { S: 'secret-item-id' } } }, now);
    expect(Buffer.from(text, 'base64url').toString('latin1')).not.toContain('secret-item-id');
  });
});

describe('expiry', () => {
  const text = encodeCursor(key, bound, plan, { o: 3 }, now);

  it('is accepted until 24 hours after it was made', () => {
    expect(decode(text, { at: now + CURSOR_TTL_MS })).toEqual({ o: 3 });
  });

  it('is 400 INVALID_CURSOR after that', () => {
    expectInvalid(() => decode(text, { at: now + CURSOR_TTL_MS + 1 }));
  });
});

describe('a cursor from elsewhere', () => {
  const text = encodeCursor(key, bound, plan, { s: 0, k: { id: { S: 'a' } } }, now);

  it.each([
    { what: 'another secret', o: { key: cursorKey('another secret') } },
    { what: 'another query or caller', o: { bound: binding(['stage', 'table', '/items', 'status=b', 'api_key:k1']) } },
    { what: 'another plan', o: { plan: 'Scan::1' } },
  ])('is 400 INVALID_CURSOR under $what', ({ o }) => {
    expectInvalid(() => decode(text, o));
  });
});

describe('tampered and garbage cursors', () => {
  const text = encodeCursor(key, bound, plan, { s: 0, k: { id: { S: 'a' } } }, now);
  const raw = Buffer.from(text, 'base64url');
  const flipped = (at: number) => {
    const copy = Buffer.from(raw);
    copy[at] = copy[at]! ^ 1;
    return copy.toString('base64url');
  };

  it.each([
    { what: 'a flipped IV byte', cursor: flipped(0) },
    { what: 'a flipped ciphertext byte', cursor: flipped(20) },
    { what: 'a flipped tag byte', cursor: flipped(raw.length - 1) },
    { what: 'a cut tail', cursor: raw.subarray(0, raw.length - 1).toString('base64url') },
    { what: 'an extra byte', cursor: Buffer.concat([raw, Buffer.from([0])]).toString('base64url') },
  ])('rejects $what with 400', ({ cursor }) => {
    expectInvalid(() => decode(cursor));
  });

  it.each([
    { what: 'empty', cursor: '' },
    { what: 'short', cursor: 'abc' },
    { what: 'not base64url', cursor: `${'A'.repeat(50)}+/=` },
    { what: 'long', cursor: 'A'.repeat(4097) },
    { what: 'long enough, but random', cursor: randomBytes(60).toString('base64url') },
    { what: 'zeros', cursor: 'A'.repeat(64) },
  ])('rejects $what text with 400', ({ cursor }) => {
    expectInvalid(() => decode(cursor));
  });
});

describe('an authentic payload of the wrong shape (the zod schema)', () => {
  it('accepts the sealed payload of the right shape (the helper seals as encodeCursor does)', () => {
    expect(decode(seal(payload({ s: 1, k: { id: ['N', '7'] } })))).toEqual({ s: 1, k: { id: { N: '7' } } });
  });

  it('takes the offset when a position names both', () => {
    expect(decode(seal(payload({ o: 4, s: 1 })))).toEqual({ o: 4 });
  });

  it.each([
    { what: 'not JSON', json: 'not json' },
    { what: 'JSON null', json: 'null' },
    { what: 'another version', json: payload({ o: 1 }, { v: 2 }) },
    { what: 'no expiry', json: payload({ o: 1 }, { exp: undefined }) },
    { what: 'a text expiry', json: payload({ o: 1 }, { exp: String(now + CURSOR_TTL_MS) }) },
    { what: 'no plan', json: payload({ o: 1 }, { plan: undefined }) },
    { what: 'no position', json: payload(undefined) },
    { what: 'a null position', json: payload(null) },
    { what: 'a negative offset', json: payload({ o: -1 }) },
    { what: 'a fractional source', json: payload({ s: 0.5 }) },
    { what: 'a text source', json: payload({ s: '0' }) },
    { what: 'a null key', json: payload({ s: 0, k: null }) },
    { what: 'a key value of an unknown type', json: payload({ s: 0, k: { id: ['BOOL', 'true'] } }) },
    { what: 'a key value that is not a pair', json: payload({ s: 0, k: { id: ['S', 'a', 'b'] } }) },
    { what: 'a key value that is not text', json: payload({ s: 0, k: { id: ['N', 7] } }) },
    { what: 'a key that is a list', json: payload({ s: 0, k: [['S', 'a']] }) },
  ])('rejects $what with 400', ({ json }) => {
    expectInvalid(() => decode(seal(json)));
  });
});
