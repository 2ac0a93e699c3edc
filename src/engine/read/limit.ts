// How many items each Query or Scan call asks for (its Limit).

const MIN_CALL_LIMIT = 10;
const MAX_CALL_LIMIT = 10_000; // DynamoDB's 1 MB page usually ends a call before this

/**
 * The Limit of the next Query/Scan call for a page that wants `want` items. Without a FilterExpression every item
 * read is kept. With one, DynamoDB counts Limit before filtering: the first call reads a few times what is needed and
 * later calls scale by the share of items the filter kept so far.
 * Reads then cost about what the answer needs, in a small, bounded number of calls.
 */
export function callLimit(want: number, kept: number, scanned: number, filtered: boolean): number {
  const need = Math.max(want - kept, 1);
  if (!filtered) return Math.min(MAX_CALL_LIMIT, need); // every item read is kept
  const estimate = scanned === 0 ? need * 4 : (need * 1.25 * scanned) / Math.max(kept, 1);
  return Math.min(MAX_CALL_LIMIT, Math.max(MIN_CALL_LIMIT, Math.ceil(estimate)));
}

/**
 * The Limit of the next Query/Scan call when the page can take `room` more items: exactly that without a filter
 * (every item read is kept, and a call past the page's cut would be read twice), else as callLimit scales it.
 * No room (undefined): no Limit, DynamoDB's 1 MB page.
 */
export function readLimit(room: number | undefined, kept: number, scanned: number, filtered: boolean) {
  if (room === undefined) return undefined;
  return filtered ? callLimit(kept + room, kept, scanned, true) : Math.max(1, room);
}
