import { MAX_ITEM_BYTES } from '../../core/audit';
import { invalidBody, ScoutrError } from '../../core/errors';
import { MAX_DEPTH, nestingDepth } from '../../core/json';
import { type Item, itemSize } from '../../core/values';

// The write pipeline's size limits: what DynamoDB would refuse with a 500 is refused as the caller's input.

/** An item DynamoDB accepts: at most 400 KB. */
export function checkItemSize(item: Item): void {
  if (itemSize(item) > MAX_ITEM_BYTES) {
    throw new ScoutrError('PAYLOAD_TOO_LARGE', 'The item would be larger than DynamoDB allows (400 KB)');
  }
}

/** An audit record (a change's, or a read's) must fit an item too: the post-image sits one level down in it. */
export function checkRecordSize(record: Item): void {
  if (itemSize(record) > MAX_ITEM_BYTES) {
    throw new ScoutrError('PAYLOAD_TOO_LARGE', 'The item is too large to be written with its audit record');
  }
}

/**
 * An audit record holds the request body and the post-image one level down: a value DynamoDB accepts in the item may
 * nest too deep there. That would fail the write with a 500, so it is refused as the caller's input (400), for change
 * records and read records alike.
 */
export function checkAuditDepth(record: Item): void {
  if (Object.values(record).some((v) => nestingDepth(v) > MAX_DEPTH)) {
    throw invalidBody(`nesting deeper than ${MAX_DEPTH - 1} levels cannot be written with its audit record`);
  }
}
