import fc from 'fast-check';
import { ScoutrError } from '../../../../src/core/errors';
import { matches } from '../../../../src/core/filter/evaluate';
import type { Pred } from '../../../../src/core/filter/types';
import { visibleJson } from '../../../../src/core/permissions/access';
import type { Item } from '../../../../src/core/values';
import type { Position } from '../../../../src/engine/cursor';
import { envelopeBytes } from '../../../../src/engine/page/budget';
import { collectPage, PageBuilder, type PageOptions } from '../../../../src/engine/page/builder';
import { ChunkedPage } from '../../../../src/engine/page/chunked';
import type { ReadEvent } from '../../../../src/engine/read/events';

describe('envelopeBytes: what a JSON text adds to the Lambda envelope as a JSON string', () => {
  // The rule, one character at a time: its UTF-8 bytes, plus a backslash before each quote and backslash.
  const reference = (text: string) => Buffer.byteLength(text) + [...text].filter((c) => c === '"' || c === '\\').length;

  it.each([
    { text: '', want: 0 },
    { text: '{"a":1}', want: 9 },
    { text: '"\\\\"', want: 8 },
    { text: '"é"', want: 6 },
    { text: 'x', want: 1 },
  ])('counts $text as $want bytes', ({ text, want }) => {
    expect(envelopeBytes(text)).toBe(want);
  });

  it('agrees with the character-by-character count on any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(envelopeBytes(text)).toBe(reference(text));
      }),
      { numRuns: 2_000 },
    );
  });

  // A JSON text holds no raw control characters or lone surrogates, so only quotes and backslashes are escaped.
  it('is what JSON.stringify makes of a JSON text, without the two quotes around it', () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        expect(envelopeBytes(text)).toBe(Buffer.byteLength(JSON.stringify(text)) - 2);
      }),
    );
  });
});

describe('visibleJson', () => {
  const item = {
    id: { S: 'a' },
    _version: { N: '2' },
    secret: { S: 's' },
    meta: { M: { keep: { N: '1' }, hide: { S: 'h' } } },
  };

  it('answers the item without _version when nothing is hidden', () => {
    expect(JSON.stringify(visibleJson(item, []))).toBe('{"id":"a","secret":"s","meta":{"keep":1,"hide":"h"}}');
  });

  it('leaves out hidden fields and nested hidden paths, and does not modify the item', () => {
    expect(JSON.stringify(visibleJson(item, ['secret', 'meta.hide']))).toBe('{"id":"a","meta":{"keep":1}}');
    expect(item.secret).toEqual({ S: 's' });
    expect(item.meta.M.hide).toEqual({ S: 'h' });
  });
});

/** The rule collectPage keeps, one item at a time (its code before items were answered a chunk at a time). */
type OneByOne = Exclude<ReadEvent, { kind: 'items' }>;
async function referencePage(events: AsyncGenerator<OneByOne>, opts: PageOptions) {
  const parts: string[] = [];
  let resume: Position | undefined = opts.start ?? { s: 0 };
  let bytes = 64;
  let more = false;
  let full = false;
  const maxBytes = opts.maxBytes ?? 6_000_000;
  for await (const ev of events) {
    if (ev.kind === 'page') {
      resume = ev.after;
      more = ev.after !== undefined;
      if (!more || full || opts.now() >= opts.deadline) break;
      continue;
    }
    more = true;
    if (full) break;
    if (!matches(opts.residual, ev.item)) {
      resume = ev.after;
      continue;
    }
    const text = JSON.stringify(opts.render ? opts.render(ev.item) : visibleJson(ev.item, opts.hidden));
    const size = envelopeBytes(text) + 1;
    if (bytes + size > maxBytes) {
      if (parts.length === 0) throw new ScoutrError('PAYLOAD_TOO_LARGE', 413, 'An item is too large to answer');
      break;
    }
    parts.push(text);
    bytes += size;
    resume = ev.after;
    if (opts.limit !== undefined && parts.length >= opts.limit) full = true;
  }
  return { body: `[${parts.join(',')}]`, count: parts.length, next: more ? resume : undefined };
}

describe('collectPage', () => {
  // `joined`: the item comes in the same 'items' event as the item before it (as execute sends a DynamoDB page).
  type Spec =
    | { kind: 'item'; keep: boolean; text: string; n: number; joined: boolean }
    | { kind: 'page'; end: boolean };
  const spec = fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({
        kind: fc.constant('item' as const),
        keep: fc.boolean(),
        // Quotes and backslashes double in the envelope: some texts are mostly those.
        text: fc.oneof(
          fc.string({ maxLength: 60 }),
          fc.string({ unit: fc.constantFrom('a', '"', '\\', 'é', '😀'), maxLength: 60 }),
        ),
        n: fc.nat(),
        joined: fc.integer({ min: 0, max: 9 }).map((n) => n > 0), // mostly pages of several items
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('page' as const), end: fc.boolean() }) },
  );
  const residual: Pred = { op: 'eq', field: 'keep', value: { BOOL: true } };

  const itemOf = (i: number, sp: Extract<Spec, { kind: 'item' }>): Item => ({
    id: { N: String(i) },
    keep: { BOOL: sp.keep },
    text: { S: sp.text },
    n: { N: String(sp.n) },
    secret: { S: 'hidden' },
    _version: { N: '1' },
  });

  // Item i resumes at {s: 0, k: {id: i}}; a page event at {s: 1, k: {id: i}}, so every position is told apart.
  async function* oneByOne(specs: readonly Spec[]): AsyncGenerator<OneByOne> {
    for (const [i, sp] of specs.entries()) {
      const id = { N: String(i) };
      if (sp.kind === 'page') {
        yield { kind: 'page', after: sp.end ? undefined : { s: 1, k: { id } } };
        if (sp.end) return;
        continue;
      }
      yield { kind: 'item', item: itemOf(i, sp), after: { s: 0, k: { id } } };
    }
  }

  /** The same events, joined items grouped into 'items' events whose positions are computed on demand. */
  async function* eventsOf(specs: readonly Spec[]): AsyncGenerator<ReadEvent> {
    let group: { items: Item[]; ids: number[] } | undefined;
    const flush = function* (): Generator<ReadEvent> {
      if (!group) return;
      const { items, ids } = group;
      group = undefined;
      yield { kind: 'items', items, after: (i) => ({ s: 0, k: { id: { N: String(ids[i]) } } }) };
    };
    for (const [i, sp] of specs.entries()) {
      if (sp.kind === 'item' && sp.joined) {
        group ??= { items: [], ids: [] };
        group.items.push(itemOf(i, sp));
        group.ids.push(i);
        continue;
      }
      yield* flush();
      if (sp.kind === 'page') {
        yield { kind: 'page', after: sp.end ? undefined : { s: 1, k: { id: { N: String(i) } } } };
        if (sp.end) return;
        continue;
      }
      yield { kind: 'item', item: itemOf(i, sp), after: { s: 0, k: { id: { N: String(i) } } } };
    }
    yield* flush();
  }

  function* eventsOfSync(specs: readonly Spec[]): Generator<Item> {
    for (const [i, sp] of specs.entries()) if (sp.kind === 'item') yield itemOf(i, sp);
  }

  const outcome = async (run: () => Promise<unknown>) => {
    try {
      return await run();
    } catch (e) {
      return e instanceof ScoutrError ? e.code : e;
    }
  };

  /** A page without `_limit`, unfiltered, with nothing hidden and time to spare. */
  const unlimited: PageOptions = {
    start: undefined,
    limit: undefined,
    residual: true,
    hidden: [],
    deadline: 1,
    now: () => 0,
  };

  it.each([
    { what: 'to the byte', spare: 0, count: 5 },
    { what: 'one byte short: the last item waits for the next page', spare: -1, count: 4 },
  ])('fits a page of items $what', async ({ spare, count }) => {
    const specs: Spec[] = Array.from({ length: 5 }, (_, n) => ({
      kind: 'item',
      keep: true,
      text: `"é\\${n}`,
      n,
      joined: n > 0,
    }));
    const sizes = [...eventsOfSync(specs)].map((item) => envelopeBytes(JSON.stringify(visibleJson(item, []))) + 1);
    const maxBytes = 64 + sizes.reduce((a, b) => a + b, 0) + spare;
    const page = await collectPage(eventsOf([...specs, { kind: 'page', end: true }]), { ...unlimited, maxBytes });
    expect(page.count).toBe(count);
    expect(page.next).toEqual(count === 5 ? undefined : { s: 0, k: { id: { N: '3' } } });
  });

  /** `pages` DynamoDB pages of `per` items each, of about `bytes` bytes, the last page final. */
  const pagesOf = (pages: number, per: number, bytes: number): Spec[] =>
    Array.from({ length: pages }, (_, p): Spec[] => [
      ...Array.from(
        { length: per },
        (_, n): Spec => ({
          kind: 'item',
          keep: true,
          text: 'x'.repeat(bytes),
          n,
          joined: true,
        }),
      ),
      { kind: 'page', end: p === pages - 1 },
    ]).flat();

  it.each([
    { what: 'no stored size: held', storedBytes: undefined, held: true },
    { what: 'a stored size at most the budget: held', storedBytes: 6_000_000, held: true },
    {
      what: 'more stored bytes than the budget: answered by the rule chunk by chunk',
      storedBytes: 6_000_001,
      held: false,
    },
  ])('answers a page without _limit that fits, with $what', async ({ storedBytes, held }) => {
    // Prepare: 10 DynamoDB pages of 1,000 items, far below 6 MB
    const opts: PageOptions = { ...unlimited, ...(storedBytes === undefined ? {} : { storedBytes }) };
    const specs = pagesOf(10, 1_000, 100);
    const stringify = jest.spyOn(JSON, 'stringify');
    // Act
    const page = await collectPage(eventsOf(specs), opts);
    const calls = stringify.mock.calls.length;
    stringify.mockRestore();
    // Assess: held, one JSON.stringify of the body and one sample a DynamoDB page (11); by the rule, one text per
    // chunk of ~32,768 units (dozens); the same page either way
    expect(page.count).toBe(10_000);
    if (held) expect(calls).toBe(11);
    else expect(calls).toBeGreaterThan(20);
    expect(page).toEqual(await referencePage(oneByOne(specs), unlimited));
  });

  it('stops reading in the DynamoDB page where the cut falls, not at the end of the table', async () => {
    // Prepare: 100 DynamoDB pages of 100 items of about 1 KB; the budget holds about 150 items
    const specs = pagesOf(100, 100, 1_000);
    let pagesRead = 0;
    async function* counted(): AsyncGenerator<ReadEvent> {
      for await (const ev of eventsOf(specs)) {
        if (ev.kind === 'page') pagesRead++;
        yield ev;
      }
    }
    const opts = { ...unlimited, maxBytes: 150_000 };
    // Act
    const page = await collectPage(counted(), opts);
    // Assess: the page is the rule's, and the read stopped within the second page, where the cut fell
    expect(page).toEqual(await referencePage(oneByOne(specs), opts));
    expect(page.count).toBeGreaterThan(100);
    expect(pagesRead).toBe(1);
  });

  it('lets the rule size the reads before a cut, from the bytes counted, once the estimate leaves less than 3 MB', async () => {
    // Prepare: with the 6 MB budget, a DynamoDB page of 100 items whose first 64 are ~50 KB and the rest ~70 bytes:
    // the sample (16 items spread over the page, 11 of them large) puts it at about 3.4 MB, the count at about 3.2 MB;
    // more is to be read
    const specs: Spec[] = [
      ...Array.from(
        { length: 100 },
        (_, n): Spec => ({ kind: 'item', keep: true, text: n < 64 ? 'x'.repeat(50_000) : 'x', n, joined: true }),
      ),
      { kind: 'page', end: false },
    ];
    const builder = new PageBuilder(unlimited);
    let room: number | undefined;
    async function* thenAsk(): AsyncGenerator<ReadEvent> {
      yield* eventsOf(specs);
      room = builder.room(); // what the next read would ask for
    }
    // Act
    await builder.collect(thenAsk());
    // Assess: the next read is sized, and by the rule from the bytes counted (about 80 items), not left to a whole
    // DynamoDB page nor sized by the sample
    const rule = new ChunkedPage(unlimited);
    for await (const ev of eventsOf(specs)) rule.feed(ev);
    expect(room).toBe(rule.room());
    expect(room).toBeGreaterThan(60);
  });

  it('counts the sizes it skipped before the limit makes it answer item by item', async () => {
    // 1,000 small items are answered at once, their size bounded; then the limit falls among 500 large ones.
    const small = Array.from(
      { length: 1_000 },
      (): Spec => ({ kind: 'item', keep: true, text: 'a', n: 1, joined: true }),
    );
    const large = Array.from(
      { length: 500 },
      (): Spec => ({ kind: 'item', keep: true, text: 'b'.repeat(600), n: 1, joined: true }),
    );
    const specs = [...small, ...large];
    const sizeOf = (items: Item[]) =>
      items.reduce((s, i) => s + envelopeBytes(JSON.stringify(visibleJson(i, []))) + 1, 0);
    const smallBytes = sizeOf([...eventsOfSync(small)]);
    const opts: PageOptions = {
      start: undefined,
      limit: 1_500,
      residual: true,
      hidden: [],
      deadline: 1,
      now: () => 0,
      maxBytes: 64 + 2 * smallBytes + 100,
    };
    const page = await collectPage(eventsOf(specs), opts);
    const want = await referencePage(oneByOne(specs), opts);
    expect(page.count).toBe(want.count);
    expect(page.count).toBeGreaterThan(1_000);
    expect(page.count).toBeLessThan(1_500);
    expect(page.next).toEqual(want.next);
  });

  it('answers any run of events as the item-at-a-time rule does: same body, count, cursor and error', async () => {
    await fc.assert(
      fc.asyncProperty(
        // Short runs, and runs past the 1,000 events answered at once without a page event.
        fc.oneof(fc.array(spec, { maxLength: 40 }), fc.array(spec, { minLength: 900, maxLength: 2_500 })),
        // A limit and a size budget: absolute, or a share of what the run holds, so that they fall anywhere in it.
        fc.option(fc.oneof(fc.integer({ min: 1, max: 1_200 }), fc.double({ min: 0, max: 1.2, noNaN: true })), {
          nil: undefined,
        }),
        fc.oneof(
          fc.integer({ min: 64, max: 3_000 }),
          fc.constant(6_000_000),
          fc.double({ min: 0, max: 1.2, noNaN: true }),
        ),
        fc.boolean(),
        fc.boolean(),
        // the stored size of what is read, a hint that the rule may decide from the start
        fc.option(fc.integer({ min: 0, max: 8_000_000 }), { nil: undefined }),
        async (specs, limitSpec, budget, late, allVisible, storedBytes) => {
          const shown = [...eventsOfSync(specs)].filter((item) => allVisible || matches(residual, item));
          const total = shown.reduce(
            (sum, item) => sum + envelopeBytes(JSON.stringify(visibleJson(item, ['secret']))) + 1,
            0,
          );
          const limit =
            limitSpec === undefined || Number.isInteger(limitSpec)
              ? limitSpec
              : Math.max(1, Math.round(limitSpec * shown.length));
          const maxBytes = Number.isInteger(budget) ? budget : 64 + Math.floor(budget * total);
          const opts: PageOptions = {
            start: undefined,
            limit,
            residual: allVisible ? true : residual,
            hidden: ['secret'],
            deadline: late ? 0 : 1,
            now: () => 0,
            maxBytes,
            ...(storedBytes === undefined ? {} : { storedBytes }),
          };
          const got = await outcome(async () => {
            const page = await collectPage(eventsOf(specs), opts);
            return { body: page.body, count: page.count, next: page.next };
          });
          expect(got).toEqual(await outcome(() => referencePage(oneByOne(specs), opts)));
        },
      ),
      { numRuns: 300 },
    );
  });
});
