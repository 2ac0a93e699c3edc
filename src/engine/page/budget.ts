// docs/reference/pagination.md#size-and-time-limits: every answer is cut below the 6 MB Lambda limit, measured on the whole response envelope.

/** Lambda answers at most 6 MB; the whole envelope counts, and the body is a JSON string inside it. */
export const RESPONSE_BUDGET_BYTES = 6_000_000;

/** The envelope around the body: status and headers are counted by the budget's margin. */
const ENVELOPE_BYTES = 64;

/** Bytes a JSON text adds to the envelope once it is escaped as a JSON string. */
export function envelopeBytes(text: string): number {
  // indexOf jumps from one quote or backslash to the next natively, instead of a JS step per character.
  let escapes = 0;
  for (let i = text.indexOf('"'); i !== -1; i = text.indexOf('"', i + 1)) escapes++;
  for (let i = text.indexOf('\\'); i !== -1; i = text.indexOf('\\', i + 1)) escapes++;
  return Buffer.byteLength(text) + escapes;
}

/**
 * The bytes of one answer: what is spent, and whether a text still fits. Chunks (the JSON of several items) are taken
 * without counting their escapes while even twice their UTF-8 bytes fits: escaping at most doubles a text, so nobody
 * needs to know how many quotes they hold until the answer comes near its limit.
 */
export class ByteBudget {
  /** bytes counted exactly */
  private counted = ENVELOPE_BYTES;
  /** chunks taken but not counted exactly yet, and at most how many bytes they take */
  private uncounted: string[] = [];
  private uncountedMost = 0;

  constructor(readonly max: number = RESPONSE_BUDGET_BYTES) {}

  /**
   * Takes the JSON array text of several items if they all fit. Their sizes (each item's text plus a comma) come to
   * envelopeBytes(text) - 1, at most twice the text's UTF-8 bytes.
   */
  takeChunk(text: string): boolean {
    const most = 2 * Buffer.byteLength(text) - 1;
    if (this.counted + this.uncountedMost + most <= this.max) {
      this.uncounted.push(text);
      this.uncountedMost += most;
      return true;
    }
    this.countExactly();
    const size = envelopeBytes(text) - 1;
    if (this.counted + size > this.max) return false;
    this.counted += size;
    return true;
  }

  /** Takes one item's JSON text (and its comma) if it fits, counted exactly. */
  takeItem(text: string): boolean {
    this.countExactly();
    const size = envelopeBytes(text) + 1;
    if (this.counted + size > this.max) return false;
    this.counted += size;
    return true;
  }

  /** At most the bytes spent on items so far (exactly, once the answer nears its limit). */
  spentMost(): number {
    return this.counted + this.uncountedMost - ENVELOPE_BYTES;
  }

  /** At least the bytes still free. */
  leftLeast(): number {
    return this.max - this.counted - this.uncountedMost;
  }

  /** From here on every text's size decides. */
  countExactly(): void {
    for (const text of this.uncounted) this.counted += envelopeBytes(text) - 1;
    this.uncounted = [];
    this.uncountedMost = 0;
  }
}
