import { type DynamoDBClient, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { fromJson, plainToJson } from '../core/json';
import type { AttributeValue, Item } from '../core/values';

export interface SeedData {
  items: readonly Record<string, unknown>[];
  authRecords: readonly Record<string, unknown>[];
  groups: readonly Record<string, unknown>[];
}

const toItem = (plain: Record<string, unknown>): Item =>
  (fromJson(plainToJson(plain)) as { M: Record<string, AttributeValue> }).M;

export async function isEmpty(db: DynamoDBClient, table: string): Promise<boolean> {
  const out = await db.send(new ScanCommand({ TableName: table, Limit: 1 }));
  return (out.Items ?? []).length === 0;
}

/** Puts seed records that are not there yet: existing items are never overwritten. */
export async function seed(
  db: DynamoDBClient,
  tables: { data: string; auth: string; groups: string },
  data: SeedData,
  dataKey: string,
): Promise<number> {
  let written = 0;
  const put = async (table: string, key: string, plain: Record<string, unknown>) => {
    try {
      await db.send(
        new PutItemCommand({
          TableName: table,
          Item: toItem(plain) as never,
          ConditionExpression: 'attribute_not_exists(#k)',
          ExpressionAttributeNames: { '#k': key },
        }),
      );
      written++;
    } catch (err) {
      if ((err as { name?: string }).name !== 'ConditionalCheckFailedException') throw err;
    }
  };
  for (const g of data.groups) await put(tables.groups, 'group_id', g);
  for (const r of data.authRecords) await put(tables.auth, 'id', r);
  for (const i of data.items) await put(tables.data, dataKey, i);
  return written;
}
