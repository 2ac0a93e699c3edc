import {
  BatchWriteItemCommand,
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

/** A row of the grants table (docs/reference/item-roles.md#storage-and-atomicity): a user's direct roles on one item. */
export const putGrantRow = (table: string, principal: string, itemKey: string, roles: readonly string[]): TxItem => ({
  Put: {
    TableName: table,
    Item: { principal: { S: principal }, item_key: { S: itemKey }, roles: { SS: [...roles] } },
  },
});

export const deleteGrantRow = (table: string, principal: string, itemKey: string): TxItem => ({
  Delete: { TableName: table, Key: { principal: { S: principal }, item_key: { S: itemKey } } },
});

/** Grants rows of one item beyond a transaction's share: BatchWriteItem, 25 a call, unprocessed ones retried. */
export async function deleteGrantRows(
  db: DynamoDBClient,
  table: string,
  principals: readonly string[],
  itemKey: string,
): Promise<void> {
  for (let i = 0; i < principals.length; i += 25) {
    let pending = principals.slice(i, i + 25).map((p) => ({
      DeleteRequest: { Key: { principal: { S: p }, item_key: { S: itemKey } } },
    }));
    for (let round = 0; pending.length > 0; round++) {
      if (round > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** round)));
      const out = await db
        .send(new BatchWriteItemCommand({ RequestItems: { [table]: pending } }))
        .catch((err) => Promise.reject(translateError(err)));
      pending = (out.UnprocessedItems?.[table] ?? []) as typeof pending;
    }
  }
}

/** Audit records are never overwritten: their ids are unique, and the condition makes that certain. */
export const putAudit = (table: string, record: Item): TxItem => putItem(table, record, absentCondition('id'));

/**
 * The change and its audit record commit together or not at all (docs/reference/writes.md#atomicity-and-optimistic-concurrency, docs/reference/audit.md#the-audit-record). Every rule was
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
