import { type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { Item } from '../core/values';
import { asSdk, send } from './read';
import { absentCondition } from './write';

/** The audit write of a read: ids are unique, and the condition makes an overwrite impossible, not just unlikely. */
export async function putAuditRecord(db: DynamoDBClient, table: string, record: Item): Promise<void> {
  await send(() =>
    db.send(
      new PutItemCommand({
        TableName: table,
        Item: asSdk(record),
        ...absentCondition('id'),
      }),
    ),
  );
}
