import type { KeySpec, KeyType } from './values';

export interface KeyAttribute {
  name: string;
  type: KeyType;
}
export interface IndexSchema {
  name: string;
  partitionKey: KeyAttribute;
  sortKey: KeyAttribute | undefined;
  /** only indexes that project ALL attributes are used: others would drop fields from answers */
  projectsAll: boolean;
}
/** What DescribeTable told us at cold start about the data table (docs/reference/tables.md#the-data-table: a partition key, no sort key). */
export interface TableSchema {
  table: string;
  partitionKey: KeyAttribute;
  indexes: IndexSchema[];
  /**
   * The table's stored size when it was described (DescribeTable's TableSizeBytes, which DynamoDB updates about every
   * six hours): a hint that a Scan's answer will not fit one page, never a limit.
   */
  storedBytes?: number;
}

/** DynamoDB's size limits on a key value (S and B): a partition key 2048 bytes, a sort key 1024. */
export const MAX_PARTITION_KEY_BYTES = 2048;
export const MAX_SORT_KEY_BYTES = 1024;

/**
 * The type the key schema fixes for an attribute (table or index key) and the most bytes its value may have, used by
 * the query parser and the write checks. An attribute that is a sort key of any index is held to a sort key's limit.
 */
export function keyTypes(schema: TableSchema): ReadonlyMap<string, KeySpec> {
  // A runtime describes its table once; every write check, query parse and search asks again.
  const known = keyTypesOf.get(schema);
  if (known) return known;
  const out = new Map<string, KeySpec>();
  const add = (k: KeyAttribute | undefined, max: number) => {
    if (k) out.set(k.name, { type: k.type, maxBytes: Math.min(out.get(k.name)?.maxBytes ?? max, max) });
  };
  for (const index of schema.indexes) {
    add(index.partitionKey, MAX_PARTITION_KEY_BYTES);
    add(index.sortKey, MAX_SORT_KEY_BYTES);
  }
  add(schema.partitionKey, MAX_PARTITION_KEY_BYTES);
  keyTypesOf.set(schema, out);
  return out;
}
const keyTypesOf = new WeakMap<TableSchema, ReadonlyMap<string, KeySpec>>();
