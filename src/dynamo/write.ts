import {
  type DynamoDBClient,
  TransactWriteItemsCommand,
  type TransactWriteItemsCommandInput,
} from '@aws-sdk/client-dynamodb';
import { throttled } from '../core/errors';
import type { Item } from '../core/values';
import { VERSION } from '../core/write';
import { isTransactionCanceled, translateError } from './errors';
import { asSdk } from './read';

export type TxItem = NonNullable<TransactWriteItemsCommandInput['TransactItems']>[number];

/** A write lost a race: the condition on what was read failed, or another transaction touched the item. */
export class WriteRaced extends Error {
  override readonly name = 'WriteRaced';
  constructor(
    /** the item's own condition failed (it changed, or for a create: it exists) */
    readonly conditionFailed: boolean,
    cause: unknown,
  ) {
    super('write raced', { cause });
  }
}

/** `_version` as read (0: the attribute is absent, as on items written by others) → the condition on it. */
interface Condition {
  ConditionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues?: Record<string, { N: string }>;
}

export function versionCondition(keyName: string, version: number): Condition {
  return version === 0
    ? {
        ConditionExpression: 'attribute_exists(#k) AND attribute_not_exists(#ver)',
        ExpressionAttributeNames: { '#k': keyName, '#ver': VERSION },
      }
    : {
        ConditionExpression: '#ver = :ver',
        ExpressionAttributeNames: { '#ver': VERSION },
        ExpressionAttributeValues: { ':ver': { N: String(version) } },
      };
}

/** No item with this key exists yet: a create, or a record that must never overwrite another. */
export const absentCondition = (keyName: string): Condition => ({
  ConditionExpression: 'attribute_not_exists(#k)',
  ExpressionAttributeNames: { '#k': keyName },
});

export const putItem = (
  table: string,
  item: Item,
  condition: Omit<TxItem['Put'] & object, 'TableName' | 'Item'>,
): TxItem => ({
  Put: { TableName: table, Item: asSdk(item), ...condition },
});

export const deleteItem = (
  table: string,
  key: Item,
  condition: Omit<TxItem['Delete'] & object, 'TableName' | 'Key'>,
): TxItem => ({ Delete: { TableName: table, Key: asSdk(key), ...condition } });

/** Audit records are never overwritten: their ids are unique, and the condition makes that certain. */
export const putAudit = (table: string, record: Item): TxItem => putItem(table, record, absentCondition('id'));

/**
 * The change and its audit record commit together or not at all (SPEC.md §3 "Atomicity", §9). Every rule was
 * decided in memory on a consistent read; the change carries a condition on what was read, so a failed condition
 * only means "someone wrote in between": the caller re-reads and decides again.
 */
export async function writeWithAudit(db: DynamoDBClient, items: readonly TxItem[]): Promise<void> {
  try {
    await db.send(new TransactWriteItemsCommand({ TransactItems: [...items] }));
  } catch (err) {
    if (isTransactionCanceled(err)) {
      const reasons = err.CancellationReasons ?? [];
      const own = reasons[0]?.Code === 'ConditionalCheckFailed';
      const raced = reasons.some((r) => r.Code === 'ConditionalCheckFailed' || r.Code === 'TransactionConflict');
      if (raced) throw new WriteRaced(own, err);
      if (reasons.some((r) => r.Code === 'ThrottlingError' || r.Code === 'ProvisionedThroughputExceeded')) {
        throw throttled({ cause: err });
      }
    }
    throw translateError(err);
  }
}
