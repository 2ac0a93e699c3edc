import type { Item } from '../core/values';

/** The ETag of a stored item: its `_version` (absent counts as 0) (docs/reference/writes.md#versions-and-etags). */
export function etagOf(item: Item): string {
  const v = item._version;
  return `"${v && 'N' in v ? v.N : '0'}"`;
}
