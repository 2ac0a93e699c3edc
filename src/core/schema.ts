import type { KeyType } from './values';

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
/** What DescribeTable told us at cold start about the data table (SPEC.md §1: a partition key, no sort key). */
export interface TableSchema {
  table: string;
  partitionKey: KeyAttribute;
  indexes: IndexSchema[];
}

/** The type the key schema fixes for an attribute (table or index key), used by the query parser. */
export function keyTypes(schema: TableSchema): Map<string, KeyType> {
  const out = new Map<string, KeyType>();
  const add = (k: KeyAttribute | undefined) => {
    if (k) out.set(k.name, k.type);
  };
  for (const index of schema.indexes) {
    add(index.partitionKey);
    add(index.sortKey);
  }
  add(schema.partitionKey);
  return out;
}
