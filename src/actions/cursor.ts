import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { ScoutrError } from '../core/errors';
import type { AttributeValue, Item } from '../core/values';

// SPEC.md §6: a cursor is encrypted and authenticated (AES-256-GCM), expires after 24 hours, and is bound to its
// stage, table, route, query and caller through the GCM additional data: a cursor presented anywhere else fails
// authentication. The plan inside is compared with the plan recomputed for the request, never trusted.

export const CURSOR_TTL_MS = 24 * 60 * 60 * 1000;

/** Where a read resumes: after key `k` of source `s`, or at offset `o` of a BatchGetItem key list. */
export type Position = { s: number; k?: Item } | { o: number };

interface Payload {
  v: 1;
  exp: number;
  plan: string;
  pos: WirePosition;
}
type WireKey = Record<string, ['S' | 'N' | 'B', string]>;
type WirePosition = { s: number; k?: WireKey } | { o: number };

export const cursorKey = (secret: string): Buffer =>
  Buffer.from(hkdfSync('sha256', secret, 'scoutr-cursor-salt', 'scoutr cursor v1', 32));

const invalid = () => new ScoutrError('INVALID_CURSOR', 400, 'Invalid or expired cursor');

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

function keyFromWire(key: unknown): Item {
  if (!key || typeof key !== 'object') throw invalid();
  const out: Item = {};
  for (const [name, v] of Object.entries(key as Record<string, unknown>)) {
    if (!Array.isArray(v) || v.length !== 2 || typeof v[1] !== 'string') throw invalid();
    const [type, text] = v as [unknown, string];
    const value: AttributeValue | undefined =
      type === 'S'
        ? { S: text }
        : type === 'N'
          ? { N: text }
          : type === 'B'
            ? { B: new Uint8Array(Buffer.from(text, 'base64')) }
            : undefined;
    if (!value) throw invalid();
    out[name] = value;
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
  let payload: Payload;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAAD(bound);
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    const json = Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]);
    payload = JSON.parse(json.toString('utf8')) as Payload;
  } catch {
    throw invalid();
  }
  if (payload.v !== 1 || typeof payload.exp !== 'number' || payload.exp < now || payload.plan !== plan) {
    throw invalid();
  }
  const pos = payload.pos as Record<string, unknown>;
  if (typeof pos.o === 'number' && Number.isInteger(pos.o) && pos.o >= 0) return { o: pos.o };
  if (typeof pos.s === 'number' && Number.isInteger(pos.s) && pos.s >= 0) {
    return pos.k === undefined ? { s: pos.s } : { s: pos.s, k: keyFromWire(pos.k) };
  }
  throw invalid();
}
