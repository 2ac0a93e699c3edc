// docs/reference/pagination.md#size-and-time-limits: the page an answer holds, cut by _limit, size and time.
import { matches } from '../../core/filter/evaluate';
import { visibleRenderer } from '../../core/permissions/access';
import type { Item } from '../../core/values';
import type { Position } from '../cursor';
import type { ReadEvent } from '../read/events';
import { ByteBudget, ENVELOPE_BYTES, envelopeBytes, RESPONSE_BUDGET_BYTES } from './budget';
import { ChunkedPage, FIRST_ITEM_GUESS, type PageOptions, type PageResult, SHADE, UNSIZED_BYTES } from './chunked';

export type { PageOptions, PageResult };

/**
 * The items of a DynamoDB page whose JSON is measured to estimate the bytes of the whole page, spread evenly over it.
 * The estimate only says when the rule takes over (UNSIZED_BYTES ahead of the budget), never where the page is cut.
 */
const SAMPLE_ITEMS = 16;

type ItemEvent = Exclude<ReadEvent, { kind: 'page' }>;

/**
 * One page of an answer, as ChunkedPage (the rule) cuts it, with less work for the common answer that fits.
 *
 * Without a _limit, the items are rendered and held as they arrive, and the body is one JSON.stringify of them all,
 * checked against the byte budget once: the work a bare Scan-and-stringify does, and nothing measured per chunk
 * (docs/explanation/performance.md#a-list-against-the-floor-in-one-run). The held bytes are estimated from a sample
 * of each DynamoDB page; when the whole does not fit, or once the estimate leaves less than UNSIZED_BYTES and there is
 * more to read (the next read would be sized), the events so far are replayed through ChunkedPage, which takes the
 * rest and sizes the reads: whatever the estimate says, the answer is the rule's. With a _limit it decides from the
 * start, and so it does when the reads cover more stored bytes than the budget (a Scan of a table that big): such an
 * answer is likely cut, and the rule holds it as texts from the start instead of holding its first 3 MB as items
 * (docs/explanation/performance.md#a-page-cut-below-6-mb).
 */
export class PageBuilder {
  /** the rule, once it decides (a _limit, a Scan of a table stored bigger than the budget, a cut near or past it) */
  private exact: ChunkedPage | undefined;
  /** the events taken so far, for the rule to replay */
  private events: ReadEvent[] = [];
  /** the rendered items that passed the filters, in order */
  private shown: unknown[] = [];
  private readonly render: (item: Item) => unknown;
  private readonly max: number;
  /** an item arrived, so the read is not over until a final page event says so */
  private more = false;
  /** where the page resumes if it ends here: after the last item examined, or after the last page event */
  private last: { ev: ItemEvent; i: number } | { after: Position | undefined } | undefined;
  /** the estimated bytes of the shown items, up to the last page event, and where that page's items start */
  private estimate = 0;
  private pageStart = 0;

  constructor(private readonly opts: PageOptions) {
    this.render = opts.render ?? visibleRenderer(opts.hidden);
    this.max = opts.maxBytes ?? RESPONSE_BUDGET_BYTES;
    if (opts.limit !== undefined || (opts.storedBytes ?? 0) > this.max) this.exact = new ChunkedPage(opts);
  }

  /**
   * How many more items the reads may bring (see ChunkedPage.room). Until the rule decides, every DynamoDB page ended
   * with UNSIZED_BYTES left (see endOfPage), so a read is sized only when it is the first and the budget is smaller:
   * at the first-item guess.
   */
  room(): number | undefined {
    if (this.exact) return this.exact.room();
    const left = this.max - ENVELOPE_BYTES;
    return left >= UNSIZED_BYTES ? undefined : Math.floor((SHADE * Math.max(0, left)) / FIRST_ITEM_GUESS);
  }

  async collect(events: AsyncGenerator<ReadEvent>): Promise<PageResult> {
    for await (const ev of events) {
      if (this.exact ? this.exact.feed(ev) : this.take(ev)) break;
    }
    return this.exact ? this.exact.finish() : this.finish();
  }

  /** Holds one event; true when the page ended with it. */
  private take(ev: ReadEvent): boolean {
    this.events.push(ev);
    if (ev.kind === 'page') return this.endOfPage(ev.after);
    const items = ev.kind === 'item' ? [ev.item] : ev.items;
    if (items.length === 0) return false;
    const { residual, keep } = this.opts;
    const all = residual === true && keep === undefined; // a Scan's: DynamoDB applied the filter
    for (const item of items) {
      if (all || (matches(residual, item) && (keep === undefined || keep(item)))) this.shown.push(this.render(item));
    }
    this.more = true;
    this.last = { ev, i: items.length - 1 };
    return false;
  }

  /** A DynamoDB page ended: true when the page is over (the end, out of time, or cut by the rule). */
  private endOfPage(after: Position | undefined): boolean {
    this.last = { after };
    this.more = after !== undefined;
    this.estimatePage();
    // The rule decides once the answer is past the budget, or once the next read must be sized (see room): near a
    // cut the reads are sized by the bytes counted, not by a sample that is off by tens of KB near 6 MB, and an
    // answer that big is held as the rule holds it, as texts, not as thousands of rendered items that outlive the
    // young generation.
    const left = this.max - ENVELOPE_BYTES - this.estimate;
    if (left < 0 || (this.more && left < UNSIZED_BYTES)) return this.decide();
    return !this.more || this.opts.now() >= this.opts.deadline;
  }

  /** Adds the page's shown items at the bytes per item of a sample of them. */
  private estimatePage(): void {
    const n = this.shown.length - this.pageStart;
    if (n > 0) {
      const step = Math.max(1, Math.floor(n / SAMPLE_ITEMS));
      const sample: unknown[] = [];
      for (let i = this.pageStart; i < this.shown.length && sample.length < SAMPLE_ITEMS; i += step) {
        sample.push(this.shown[i]);
      }
      const bytes = envelopeBytes(JSON.stringify(sample)) - 1; // each item and its comma
      this.estimate += (n * bytes) / sample.length;
    }
    this.pageStart = this.shown.length;
  }

  /** The rule takes over: it replays the events so far; true when the page ended among them. */
  private decide(): boolean {
    // The rule renders each item that passes, once and in order: it is handed those already rendered. What was held
    // is let go once replayed, so that the items answered from here on die young (see CHUNK_UNITS).
    const { events, render } = this;
    let rendered: unknown[] | undefined = this.shown;
    let next = 0;
    const handed = (item: Item) => (rendered && next < rendered.length ? rendered[next++] : render(item));
    const exact = new ChunkedPage({ ...this.opts, render: handed });
    this.exact = exact;
    this.events = [];
    this.shown = [];
    const ended = events.some((ev) => exact.feed(ev)); // stops at the event that ended the page
    rendered = undefined;
    return ended;
  }

  /** The page, once the events ended it or ran out: all that is held, if it fits, else as the rule cuts it. */
  private finish(): PageResult {
    const body = JSON.stringify(this.shown);
    if (this.shown.length === 0 || new ByteBudget(this.max).takeChunk(body)) {
      return { body, count: this.shown.length, next: this.more ? this.resumeHere() : undefined };
    }
    this.decide();
    return this.exact!.finish();
  }

  private resumeHere(): Position | undefined {
    const last = this.last;
    if (last === undefined) return this.opts.start ?? { s: 0 };
    if ('after' in last) return last.after;
    return last.ev.kind === 'item' ? last.ev.after : last.ev.after(last.i);
  }
}

/** One page of the events (see PageBuilder). */
export const collectPage = (events: AsyncGenerator<ReadEvent>, opts: PageOptions): Promise<PageResult> =>
  new PageBuilder(opts).collect(events);
