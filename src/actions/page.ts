import { ScoutrError } from '../core/errors';
import { matches } from '../core/filter/evaluate';
import type { Pred } from '../core/filter/types';
import { visibleJson } from '../core/permissions/access';
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
  /** a further test after the residual filter (audit and history: filters decided on what the caller is shown) */
  keep?: (item: Item) => boolean;
}

export interface PageResult {
  /** the items' JSON texts, each part one or more items joined with commas */
  parts: string[];
  /** items answered */
  count: number;
  /** where the next page resumes; undefined when there is nothing more */
  next: Position | undefined;
}

/**
 * The answer's body: the parts as one JSON array. Concatenated, not joined: `join` copies the parts (slices of the
 * chunks' texts) about three times slower than V8 flattens a concatenation (25 vs 8 ms for 10,000 items of
 * bench:answer's list; docs/explanation/performance.md#per-item-cost-of-big-answers).
 */
export function jsonArray(parts: readonly string[]): string {
  let body = '[';
  for (let i = 0; i < parts.length; i++) body += i === 0 ? parts[i] : `,${parts[i]}`;
  return `${body}]`;
}

/** Items held before they are answered together: one DynamoDB page, or this many of a longer run. */
const CHUNK_ITEMS = 1000;

type ItemEvent = Exclude<ReadEvent, { kind: 'page' }>;

/**
 * Reads events until the page is full (limit, size or time), holding at most one DynamoDB page. A page resumes
 * after the last item it examined, so nothing returned repeats and nothing unreturned is skipped.
 *
 * The items of a DynamoDB page are rendered as they arrive, then answered together: one JSON.stringify of the
 * chunk, whose size is the sum of the items' sizes, costs a third of one call per item. When the chunk would pass
 * the limit or the size budget, its items are answered one at a time, exactly as an item-at-a-time loop would.
 */
export async function collectPage(events: AsyncGenerator<ReadEvent>, opts: PageOptions): Promise<PageResult> {
  const parts: string[] = [];
  let count = 0;
  let resume: Position | undefined = opts.start ?? { s: 0 };
  let bytes = 64; // the envelope around the body: status, headers are counted by the caller's margin
  // Chunks answered whose exact size is not counted yet: their UTF-8 bytes are known, and escaping at most doubles
  // them. While even twice their bytes fits, nobody needs to know how many quotes they hold.
  let uncounted: string[] = [];
  let uncountedMost = 0;
  const countUncounted = () => {
    for (const text of uncounted) bytes += envelopeBytes(text) - 1;
    uncounted = [];
    uncountedMost = 0;
  };
  let more = false; // the generator ending on its own means there is nothing more
  let full = false;
  const maxBytes = opts.maxBytes ?? RESPONSE_BUDGET_BYTES;
  const render = opts.render ?? ((item: Item) => visibleJson(item, opts.hidden));
  // The items since the last answer, in order: the event and index each came in (its position is computed only
  // if the page resumes after it), whether it passed the residual filter, and the rendered items that did.
  let from: ItemEvent[] = [];
  let index: number[] = [];
  let passed: boolean[] = [];
  let shown: unknown[] = [];

  /** Answers the held items; true when the page ended among them (limit or size). */
  const answerHeld = (): boolean => {
    const held = { from, index, passed, shown };
    from = [];
    index = [];
    passed = [];
    shown = [];
    const n = held.from.length;
    if (n === 0) return false;
    const after = (i: number): Position => {
      const ev = held.from[i]!;
      return ev.kind === 'item' ? ev.after : ev.after(held.index[i]!);
    };
    const k = held.shown.length;
    if (!full && (opts.limit === undefined || count + k < opts.limit)) {
      if (k === 0) {
        resume = after(n - 1);
        return false;
      }
      const text = JSON.stringify(held.shown);
      // '[a,b]' escapes as a and b do, and adds a byte per item: the items' sizes (each text plus a comma) are
      // envelopeBytes(text) - 1, at most twice its UTF-8 bytes.
      const most = 2 * Buffer.byteLength(text) - 1;
      let fits = bytes + uncountedMost + most <= maxBytes;
      if (fits) {
        uncounted.push(text);
        uncountedMost += most;
      } else {
        countUncounted();
        const size = envelopeBytes(text) - 1;
        fits = bytes + size <= maxBytes;
        if (fits) bytes += size;
      }
      if (fits) {
        parts.push(text.slice(1, -1));
        count += k;
        resume = after(n - 1);
        return false;
      }
    }
    countUncounted(); // from here on every item's size decides
    let last = -1; // the last item examined: the page resumes after it
    let next = 0;
    let ended = false;
    for (let i = 0; i < n; i++) {
      if (full) {
        ended = true; // another item exists beyond the limit: the next page starts with it
        break;
      }
      if (!held.passed[i]) {
        last = i;
        continue;
      }
      const text = JSON.stringify(held.shown[next++]);
      const size = envelopeBytes(text) + 1;
      if (bytes + size > maxBytes) {
        if (count === 0) throw new ScoutrError('PAYLOAD_TOO_LARGE', 413, 'An item is too large to answer');
        ended = true; // cut: the page resumes after the last item examined before this one
        break;
      }
      parts.push(text);
      count++;
      bytes += size;
      last = i;
      if (opts.limit !== undefined && count >= opts.limit) full = true;
    }
    if (last >= 0) resume = after(last);
    return ended;
  };

  /** Holds one item; true when the page ended (the limit was reached before it, or among the items held). */
  const hold = (ev: ItemEvent, item: Item, i: number): boolean => {
    more = true; // an item arrived, so the read is not over until a final page event says so
    if (full) return true; // another item exists beyond the limit: the next page starts with it
    from.push(ev);
    index.push(i);
    const pass = matches(opts.residual, item) && (opts.keep === undefined || opts.keep(item));
    passed.push(pass);
    if (pass) shown.push(render(item));
    return from.length >= CHUNK_ITEMS && answerHeld();
  };

  let ended = false;
  for await (const ev of events) {
    if (ev.kind === 'page') {
      if (answerHeld()) {
        ended = true;
        break;
      }
      resume = ev.after;
      more = ev.after !== undefined;
      if (!more || full || opts.now() >= opts.deadline) break;
      continue;
    }
    if (ev.kind === 'item') ended = hold(ev, ev.item, 0);
    else for (let i = 0; i < ev.items.length && !ended; i++) ended = hold(ev, ev.items[i]!, i);
    if (ended) break;
  }
  if (!ended) answerHeld();
  return { parts, count, next: more ? resume : undefined };
}

/** The ETag of a stored item: its `_version` (absent counts as 0). */
export function etagOf(item: Item): string {
  const v = item._version;
  return `"${v && 'N' in v ? v.N : '0'}"`;
}
