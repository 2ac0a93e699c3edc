// docs/reference/pagination.md#size-and-time-limits: every answer is cut below the 6 MB Lambda limit, measured on the whole response envelope.
import * as v8 from 'node:v8';

/** Lambda answers at most 6 MB; the whole envelope counts, and the body is a JSON string inside it. */
export const RESPONSE_BUDGET_BYTES = 6_000_000;

/** The envelope around the body: status and headers are counted by the budget's margin. */
export const ENVELOPE_BYTES = 64;

/**
 * At most the envelope bytes of one UTF-16 unit of a JSON text: a quote or a backslash takes 2 (it is escaped), any
 * other character of the basic plane at most 3 in UTF-8, and a pair of surrogates 4. JSON.stringify has already
 * escaped control characters and lone surrogates into ASCII.
 */
const MOST_BYTES_PER_UNIT = 3;

/**
 * At most the envelope bytes of one UTF-16 unit of a text whose every unit is below 0x100: a quote or a
 * backslash takes 2, a unit from 0x80 to 0xFF 2 in UTF-8, any other 1.
 */
const MOST_BYTES_PER_LATIN1_UNIT = 2;

/** A UTF-16 unit above U+00FF. */
const ABOVE_LATIN1 = /[\u0100-\uffff]/;

/**
 * Whether every UTF-16 unit of a text is below U+0100, known without reading the text when V8 holds it as Latin-1
 * (one byte a unit). Node 22.15 and later (Lambda's nodejs22.x) tell the representation (v8.isStringOneByteRepresentation,
 * which does not even join a rope); V8 may hold such a text as two-byte, never the reverse, so false only costs a
 * measurement. Older Node: a regex test, which V8 answers at once for a string held as Latin-1 (its pattern compiled
 * for such strings cannot match), after joining a rope into one string, as writing the text would; a text held as
 * two-byte is read up to its first unit above U+00FF.
 */
export const withinLatin1: (text: string) => boolean =
  (v8 as { isStringOneByteRepresentation?: (text: string) => boolean }).isStringOneByteRepresentation ??
  ((text) => !ABOVE_LATIN1.test(text));

/** Bytes a JSON text adds to the envelope once it is escaped as a JSON string. */
export function envelopeBytes(text: string): number {
  // indexOf jumps from one quote or backslash to the next natively, instead of a JS step per character.
  let escapes = 0;
  for (let i = text.indexOf('"'); i !== -1; i = text.indexOf('"', i + 1)) escapes++;
  for (let i = text.indexOf('\\'); i !== -1; i = text.indexOf('\\', i + 1)) escapes++;
  return Buffer.byteLength(text) + escapes;
}

/**
 * The bytes of one answer: what is spent, whether a text still fits, and about how many more bytes it can take.
 *
 * A chunk (the JSON of several items) is taken without measuring it while its bound fits, in two steps: first its
 * `length` (at most 3 bytes per UTF-16 unit, 2 for a text within Latin-1: see withinLatin1); then, once that
 * is too loose, `Buffer.byteLength` plus one byte per unit (every quote or backslash is one unit), a native count
 * that holds an ASCII answer of up to about 3 MB without counting its quotes. Near the limit every text is measured
 * exactly (envelopeBytes), so the cut is where an item-at-a-time count would put it. The estimate that sizes reads
 * (spent, left) takes the bytes per unit of what was measured, measuring one chunk as a sample if need be.
 */
export class ByteBudget {
  /** bytes counted exactly, and the UTF-16 units of the texts they count */
  private counted = ENVELOPE_BYTES;
  private countedUnits = 0;
  /** chunks taken but not measured exactly yet, and their UTF-16 units */
  private uncounted: string[] = [];
  private uncountedUnits = 0;
  /** whether each of those is bounded by its length alone (else each by tightBound), and the sum of their bounds */
  private loose = true;
  private bound = 0;

  /** `latin1`: whether a text has no unit above U+00FF (withinLatin1; tests pass their own) */
  constructor(
    readonly max: number = RESPONSE_BUDGET_BYTES,
    private readonly latin1: (text: string) => boolean = withinLatin1,
  ) {}

  /** Takes the JSON array text of several items if they all fit. Their sizes (each item's text plus a comma) come to envelopeBytes(text) - 1. */
  takeChunk(text: string): boolean {
    if (this.loose) {
      // once the chunks are bounded tightly, no text is asked whether it is within Latin-1 (on older Node, a read)
      const byLength = this.looseBound(text);
      if (this.fits(byLength)) {
        this.hold(text, byLength);
        return true;
      }
    }
    this.tighten();
    const tight = tightBound(text);
    if (this.fits(tight)) {
      this.hold(text, tight);
      return true;
    }
    this.countExactly();
    return this.take(text, envelopeBytes(text) - 1);
  }

  /** Takes one item's JSON text (and its comma) if it fits, counted exactly. */
  takeItem(text: string): boolean {
    this.countExactly();
    return this.take(text, envelopeBytes(text) + 1);
  }

  /** About the bytes spent on items so far: exact for what was measured, estimated for the rest. */
  spent(): number {
    const perUnit = this.bytesPerUnit(); // first: it may measure a sample
    return this.counted - ENVELOPE_BYTES + this.uncountedUnits * perUnit;
  }

  /** About the bytes still free. */
  left(): number {
    return Math.max(0, this.max - ENVELOPE_BYTES - this.spent());
  }

  /** From here on every text's size decides. */
  countExactly(): void {
    for (const text of this.uncounted) this.count(text, envelopeBytes(text) - 1);
    this.uncounted = [];
    this.uncountedUnits = 0;
    this.loose = true;
    this.bound = 0;
  }

  private fits(size: number): boolean {
    return this.counted + this.bound + size <= this.max;
  }

  private hold(text: string, bound: number): void {
    this.uncounted.push(text);
    this.uncountedUnits += text.length;
    this.bound += bound;
  }

  /** A bound read from the text's length, and whether it is within Latin-1 (withinLatin1). */
  private looseBound(text: string): number {
    return (this.latin1(text) ? MOST_BYTES_PER_LATIN1_UNIT : MOST_BYTES_PER_UNIT) * text.length;
  }

  /** Bounds the chunks held by their length alone more closely. */
  private tighten(): void {
    if (!this.loose) return;
    this.bound = this.uncounted.reduce((sum, text) => sum + tightBound(text), 0);
    this.loose = false;
  }

  private take(text: string, size: number): boolean {
    if (this.counted + size > this.max) return false;
    this.count(text, size);
    return true;
  }

  private count(text: string, size: number): void {
    this.counted += size;
    this.countedUnits += text.length;
  }

  /** The envelope bytes per UTF-16 unit of the texts measured; when none was, the first chunk is measured as a sample. */
  private bytesPerUnit(): number {
    if (this.countedUnits === 0 && this.uncounted.length > 0) {
      const sample = this.uncounted.shift()!;
      this.uncountedUnits -= sample.length;
      this.bound -= this.loose ? this.looseBound(sample) : tightBound(sample);
      this.count(sample, envelopeBytes(sample) - 1);
    }
    return this.countedUnits === 0 ? 1 : (this.counted - ENVELOPE_BYTES) / this.countedUnits;
  }
}

/**
 * At least envelopeBytes(text) - 1, without reading the text in JS: its UTF-8 bytes (native), and at most one escape per
 * UTF-16 unit, less the two brackets, which are not escaped.
 */
const tightBound = (text: string) => Buffer.byteLength(text) + text.length - 3;
