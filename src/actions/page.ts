import { ScoutrError } from '../core/errors';
import { matches } from '../core/filter/evaluate';
import type { Pred } from '../core/filter/types';
import { itemToJsonExcept } from '../core/json';
import { redact } from '../core/permissions/access';
import type { Item } from '../core/values';
import type { Position } from './cursor';
import type { ReadEvent } from './execute';

/** Lambda answers at most 6 MB; the whole envelope counts, and the body is a JSON string inside it. */
export const RESPONSE_BUDGET_BYTES = 6_000_000;

/** Bytes a JSON text adds to the envelope once it is escaped as a JSON string. */
export function envelopeBytes(text: string): number {
  // indexOf jumps from one quote or backslash to the next natively, instead of a JS step per character.
  let escapes = 0;
  for (let i = text.indexOf('"'); i !== -1; i = text.indexOf('"', i + 1)) escapes++;
  for (let i = text.indexOf('\\'); i !== -1; i = text.indexOf('\\', i + 1)) escapes++;
  return Buffer.byteLength(text) + escapes;
}

export interface PageOptions {
  start: Position | undefined;
  limit: number | undefined;
  residual: Pred;
  hidden: readonly string[];
  /** stop reading (with a cursor) once this time is reached: epoch ms */
  deadline: number;
  now: () => number;
  maxBytes?: number;
  /** how an item is answered (default: without hidden fields and `_version`) */
  render?: (item: Item) => unknown;
}

export interface PageResult {
  parts: string[];
  /** where the next page resumes; undefined when there is nothing more */
  next: Position | undefined;
}

/**
 * Reads events until the page is full (limit, size or time), holding at most one DynamoDB page. A page resumes
 * after the last item it examined, so nothing returned repeats and nothing unreturned is skipped.
 */
export async function collectPage(events: AsyncGenerator<ReadEvent>, opts: PageOptions): Promise<PageResult> {
  const parts: string[] = [];
  let resume: Position | undefined = opts.start ?? { s: 0 };
  let bytes = 64; // the envelope around the body: status, headers are counted by the caller's margin
  let more = false; // the generator ending on its own means there is nothing more
  let full = false;
  const maxBytes = opts.maxBytes ?? RESPONSE_BUDGET_BYTES;
  for await (const ev of events) {
    if (ev.kind === 'page') {
      resume = ev.after;
      more = ev.after !== undefined;
      if (!more || full || opts.now() >= opts.deadline) break;
      continue;
    }
    more = true; // an item arrived, so the read is not over until a final page event says so
    if (full) break; // another item exists beyond the limit: the next page starts with it
    if (!matches(opts.residual, ev.item)) {
      resume = ev.after;
      continue;
    }
    const text = JSON.stringify(opts.render ? opts.render(ev.item) : visibleJson(ev.item, opts.hidden));
    const size = envelopeBytes(text) + 1;
    if (bytes + size > maxBytes) {
      if (parts.length === 0) throw new ScoutrError('PAYLOAD_TOO_LARGE', 413, 'An item is too large to answer');
      break; // cut: resume stays after the last item returned
    }
    parts.push(text);
    bytes += size;
    resume = ev.after;
    if (opts.limit !== undefined && parts.length >= opts.limit) full = true;
  }
  return { parts, next: more ? resume : undefined };
}

/** An item as the caller may see it: without their hidden fields and without the reserved `_version`. */
export function visibleJson(item: Item, hidden: readonly string[]) {
  return itemToJsonExcept(redact(item, hidden), '_version'); // redact returns the item itself when nothing is hidden
}

/** The ETag of a stored item: its `_version` (absent counts as 0). */
export function etagOf(item: Item): string {
  const v = item._version;
  return `"${v && 'N' in v ? v.N : '0'}"`;
}
