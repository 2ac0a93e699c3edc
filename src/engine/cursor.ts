import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import * as z from 'zod/mini';
import { ScoutrError } from '../core/errors';
import type { Item } from '../core/values';

// docs/reference/pagination.md#cursors: a cursor is encrypted and authenticated (AES-256-GCM), expires after 24 hours, and is bound to its
// stage, table, route, query and caller through the GCM additional data: a cursor presented anywhere else fails
// authentication. The plan inside is compared with the plan recomputed for the request, never trusted.

export const CURSOR_TTL_MS = 24 * 60 * 60 * 1000;

/** Where a read resumes: after key `k` of source `s`, or at offset `o` of a BatchGetItem key list. */
export type Position = { s: number; k?: Item } | { o: number };

// What the encrypted payload holds. It is authenticated, so only this code wrote it, but a payload of an older
// shape (or a bug) must still answer 400, never 500: it is parsed, not cast.
const Offset = z.int().check(z.minimum(0));
const WireKey = z.record(z.string(), z.tuple([z.enum(['S', 'N', 'B']), z.string()]));
type WireKey = z.infer<typeof WireKey>;
const Payload = z.object({
  v: z.literal(1),
  /** epoch ms */
  exp: z.number(),
  plan: z.string(),
  // `o` first: a position is an offset or a source, and the offset wins if a payload had both
  pos: z.union([z.object({ o: Offset }), z.object({ s: Offset, k: z.optional(WireKey) })]),
});
type Payload = z.infer<typeof Payload>;

export const cursorKey = (secret: string): Buffer =>
  Buffer.from(hkdfSync('sha256', secret, 'scoutr-cursor-salt', 'scoutr cursor v1', 32));

const invalid = () => new ScoutrError('INVALID_CURSOR', 'Invalid or expired cursor');

function keyToWire(key: Item): WireKey {
  const out: WireKey = {};
  for (const [name, v] of Object.entries(key)) {
    if ('S' in v) out[name] = ['S', v.S];
    else if ('N' in v) out[name] = ['N', v.N];
    else if ('B' in v) out[name] = ['B', Buffer.from(v.B).toString('base64')];
    else throw new Error('key attributes are S, N or B');
  }
  return out;
}

function keyFromWire(key: WireKey): Item {
  const out: Item = {};
  for (const [name, [type, text]] of Object.entries(key)) {
    out[name] =
      type === 'S' ? { S: text } : type === 'N' ? { N: text } : { B: new Uint8Array(Buffer.from(text, 'base64')) };
  }
  return out;
}

/** The binding as additional authenticated data: a hash, so the cursor stays short. */
export const binding = (parts: readonly string[]): Buffer =>
  createHash('sha256').update(JSON.stringify(parts)).digest();

export function encodeCursor(key: Buffer, bound: Buffer, plan: string, pos: Position, now: number): string {
  const payload: Payload = {
    v: 1,
    exp: now + CURSOR_TTL_MS,
    plan,
    pos: 'o' in pos ? { o: pos.o } : { s: pos.s, ...(pos.k ? { k: keyToWire(pos.k) } : {}) },
  };
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(bound);
  const body = Buffer.concat([cipher.update(JSON.stringify(payload), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
}

export function decodeCursor(key: Buffer, bound: Buffer, plan: string, text: string, now: number): Position {
  if (!/^[A-Za-z0-9_-]{40,4096}$/.test(text)) throw invalid();
  const raw = Buffer.from(text, 'base64url');
  let json: unknown;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAAD(bound);
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    json = JSON.parse(Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString());
  } catch {
    throw invalid();
  }
  const parsed = z.safeParse(Payload, json);
  if (!parsed.success || parsed.data.exp < now || parsed.data.plan !== plan) throw invalid();
  const { pos } = parsed.data;
  if ('o' in pos) return { o: pos.o };
  return pos.k === undefined ? { s: pos.s } : { s: pos.s, k: keyFromWire(pos.k) };
}
