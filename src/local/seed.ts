import { fromJson, plainToJson } from '../core/json';
import type { AttributeValue, Item } from '../core/values';
import { putIfAbsent } from '../dynamo/admin';
import type { DynamoDBClient } from '../dynamo/client';

export interface SeedData {
  items: readonly Record<string, unknown>[];
  authRecords: readonly Record<string, unknown>[];
  groups: readonly Record<string, unknown>[];
}

const toItem = (plain: Record<string, unknown>): Item =>
  (fromJson(plainToJson(plain)) as { M: Record<string, AttributeValue> }).M;

/** Puts seed records that are not there yet: existing items are never overwritten. */
export async function seed(
  db: DynamoDBClient,
  tables: { data: string; auth: string; groups: string },
  data: SeedData,
  dataKey: string,
): Promise<number> {
  let written = 0;
  const put = async (table: string, key: string, plain: Record<string, unknown>) => {
    if (await putIfAbsent(db, table, key, toItem(plain))) written++;
  };
  for (const g of data.groups) await put(tables.groups, 'group_id', g);
  for (const r of data.authRecords) await put(tables.auth, 'id', r);
  for (const i of data.items) await put(tables.data, dataKey, i);
  return written;
}
