import { ScoutrError } from '../../core/errors';
import { matches } from '../../core/filter/evaluate';
import type { Pred } from '../../core/filter/types';
import { visibleRenderer } from '../../core/permissions/access';
import type { Item } from '../../core/values';
import type { Position } from '../cursor';
import type { ReadEvent } from '../read/events';
import { ByteBudget, RESPONSE_BUDGET_BYTES } from './budget';

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
  /**
   * The stored bytes the reads may cover, when known (a Scan: the table's size, see TableSchema.storedBytes). Past the
   * budget the answer is likely cut, so PageBuilder lets the rule decide from the start.
   */
  storedBytes?: number;
}

export interface PageResult {
  /** the answered items as one JSON array */
  body: string;
  /** items answered */
  count: number;
  /** where the next page resumes; undefined when there is nothing more */
  next: Position | undefined;
}

/** Items examined before those held are answered together: one DynamoDB page, or this many of a longer run. */
const CHUNK_ITEMS = 1000;

/**
 * The UTF-16 units a chunk's JSON text is aimed at. V8 builds JSON.stringify's result as a rope, which the first read
 * of its characters (a byte count near the cut, the slice that drops its brackets) copies into one string; above about
 * 128 KB that string is allocated outside the young generation, and the copy costs ten times as much (10,000 items of
 * 290 units in chunks of 1,000: 1.76× one JSON.stringify of the whole answer; in chunks of 100: 1.03×). The body is
 * the chunks' texts joined into a rope, copied once when it is written; the rendered items die young.
 * docs/explanation/performance.md#a-list-against-the-floor-in-one-run
 */
const CHUNK_UNITS = 32_768;

/** Before any item is seen, the bytes an item is guessed to take. */
export const FIRST_ITEM_GUESS = 1024;

/**
 * While an answer can still take this many bytes, reads are not sized: a DynamoDB page (at most 1 MB of items) fits
 * in it even if its JSON is three times as large, so the call may as well read the whole page.
 */
export const UNSIZED_BYTES = 3_000_000;

/**
 * A sized read asks for a little less than the bytes left hold at the average size: items vary, and one read past
 * the cut is read again by the next page, while one short of it costs a small further call.
 */
export const SHADE = 0.95;

type ItemEvent = Exclude<ReadEvent, { kind: 'page' }>;

/**
 * The items since the last answer, in order: the event and index each came in (its position is computed only if the
 * page resumes after it), whether it passed the filters, and the rendered items that did.
 */
class Held {
  readonly from: ItemEvent[] = [];
  readonly index: number[] = [];
  readonly passed: boolean[] = [];
  readonly shown: unknown[] = [];

  get length(): number {
    return this.from.length;
  }

  add(ev: ItemEvent, i: number, shown: unknown, pass: boolean): void {
    this.from.push(ev);
    this.index.push(i);
    this.passed.push(pass);
    if (pass) this.shown.push(shown);
  }

  /** The position right after held item i. */
  after(i: number): Position {
    const ev = this.from[i]!;
    return ev.kind === 'item' ? ev.after : ev.after(this.index[i]!);
  }
}

/**
 * One page of an answer by the rule itself: takes events until it is full (limit, size or time), holding at most one
 * DynamoDB page. A page resumes after the last item it examined, so nothing returned repeats and nothing unreturned
 * is skipped.
 *
 * The items of a DynamoDB page are rendered as they arrive, then measured together: one JSON.stringify of the chunk,
 * whose size is the sum of the items' sizes, costs a third of one call per item. When the chunk would pass the limit
 * or the byte budget, its items are measured one at a time, exactly as an item-at-a-time loop would.
 */
export class ChunkedPage {
  /** the JSON texts of the items answered, in order and comma-separated, without the array's brackets */
  private answered = '';
  private count = 0;
  private resume: Position | undefined;
  /** an item arrived, so the read is not over until a final page event says so */
  private more = false;
  /** the limit is reached: another item beyond it means there is a next page */
  private full = false;
  /** items examined (read), answered or not: the unit of the read's Limit */
  private seen = 0;
  private held = new Held();
  private ended = false;
  /** rendered items answered together: CHUNK_UNITS at the UTF-16 units per item of the last chunk */
  private chunkItems = Math.floor(CHUNK_UNITS / FIRST_ITEM_GUESS);
  private readonly budget: ByteBudget;
  private readonly render: (item: Item) => unknown;

  constructor(private readonly opts: PageOptions) {
    this.resume = opts.start ?? { s: 0 };
    this.budget = new ByteBudget(opts.maxBytes ?? RESPONSE_BUDGET_BYTES);
    this.render = opts.render ?? visibleRenderer(opts.hidden);
  }

  /**
   * How many more items the reads may bring: what the limit leaves, and what the bytes left hold at the bytes per
   * item examined so far. A Query or Scan sized to it stops about where the answer will be cut, instead of reading a
   * whole 1 MB page of which the next request reads again what this one could not answer (issue 22, item 2).
   */
  room(): number | undefined {
    const byCount = this.opts.limit === undefined ? undefined : Math.max(0, this.opts.limit - this.count);
    const left = this.budget.left();
    if (left >= UNSIZED_BYTES) return byCount; // a whole DynamoDB page fits in what is left
    const perItem = this.seen === 0 ? FIRST_ITEM_GUESS : this.budget.spent() / this.seen;
    if (perItem <= 0) return byCount; // nothing examined so far was answered: bytes say nothing yet
    const byBytes = Math.floor((SHADE * left) / perItem);
    return byCount === undefined ? byBytes : Math.min(byCount, byBytes);
  }

  /** Takes one event; true when the page ended with it. */
  feed(ev: ReadEvent): boolean {
    this.ended = ev.kind === 'page' ? this.endOfPage(ev.after) : this.take(ev);
    return this.ended;
  }

  /** The page, once the events ended it or ran out. */
  finish(): PageResult {
    if (!this.ended) this.answerHeld();
    const body = `[${this.answered}]`;
    return { body, count: this.count, next: this.more ? this.resume : undefined };
  }

  /** A DynamoDB page ended: answer what is held; true when the page is over (cut, full, the end, or out of time). */
  private endOfPage(after: Position | undefined): boolean {
    if (this.answerHeld()) return true;
    this.resume = after;
    this.more = after !== undefined;
    return !this.more || this.full || this.opts.now() >= this.opts.deadline;
  }

  /** Holds the event's items; true when the page ended among them. */
  private take(ev: ItemEvent): boolean {
    if (ev.kind === 'item') return this.hold(ev, ev.item, 0);
    for (let i = 0; i < ev.items.length; i++) if (this.hold(ev, ev.items[i]!, i)) return true;
    return false;
  }

  /** Holds one item; true when the page ended (the limit was reached before it, or among the items held). */
  private hold(ev: ItemEvent, item: Item, i: number): boolean {
    this.more = true;
    if (this.full) return true; // another item exists beyond the limit: the next page starts with it
    this.seen++;
    const pass = matches(this.opts.residual, item) && (this.opts.keep === undefined || this.opts.keep(item));
    this.held.add(ev, i, pass ? this.render(item) : undefined, pass);
    const held = this.held;
    return (held.length >= CHUNK_ITEMS || held.shown.length >= this.chunkItems) && this.answerHeld();
  }

  /** Answers the held items; true when the page ended among them (limit or size). */
  private answerHeld(): boolean {
    const held = this.held;
    this.held = new Held();
    if (held.length === 0) return false;
    return !this.answerChunk(held) && this.answerOneByOne(held);
  }

  /** All held items at once, if none reaches the limit and all fit; true when they were answered. */
  private answerChunk(held: Held): boolean {
    const k = held.shown.length;
    if (this.full || (this.opts.limit !== undefined && this.count + k >= this.opts.limit)) return false;
    if (k > 0) {
      const text = JSON.stringify(held.shown);
      this.chunkItems = Math.max(1, Math.floor((CHUNK_UNITS * k) / text.length));
      if (!this.budget.takeChunk(text)) return false;
      this.answer(text.slice(1, -1));
      this.count += k;
    }
    this.resume = held.after(held.length - 1);
    return true;
  }

  /** Adds the JSON text of answered items (one, or a chunk's without its brackets) to the body. */
  private answer(text: string): void {
    // Concatenated, not joined: a rope of the texts, which the body's writer copies once.
    this.answered = this.answered === '' ? text : `${this.answered},${text}`;
  }

  /** Each held item in turn until the limit or the budget stops the page; true when it did. */
  private answerOneByOne(held: Held): boolean {
    this.budget.countExactly();
    let last = -1; // the last item examined: the page resumes after it
    let next = 0;
    let ended = false;
    for (let i = 0; i < held.length; i++) {
      if (this.full) {
        ended = true; // another item exists beyond the limit: the next page starts with it
        break;
      }
      if (!held.passed[i]) {
        last = i;
        continue;
      }
      const shown = held.shown[next++];
      const text = JSON.stringify(shown);
      if (!this.budget.takeItem(text)) {
        if (this.count === 0) throw new ScoutrError('PAYLOAD_TOO_LARGE', 'An item is too large to answer');
        ended = true; // cut: the page resumes after the last item examined before this one
        break;
      }
      this.answer(text);
      this.count++;
      last = i;
      if (this.opts.limit !== undefined && this.count >= this.opts.limit) this.full = true;
    }
    if (last >= 0) this.resume = held.after(last);
    return ended;
  }
}
