import {
  type AttributeDefinition,
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
  PutItemCommand,
  ScanCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { AUDIT_TTL_ATTRIBUTE, auditSchema } from '../core/audit';
import type { KeyAttribute } from '../core/schema';
import type { Item } from '../core/values';
import { isConditionFailed, isResourceNotFound } from './errors';
import { asSdk } from './read';
import { absentCondition } from './write';

// Table creation and seeding for the local server and the tests. The deploy declares tables from the same specs.

interface IndexSpec {
  name: string;
  partitionKey: KeyAttribute;
  sortKey?: KeyAttribute;
}
export interface TableSpec {
  name: string;
  partitionKey: KeyAttribute;
  /** only the grants table has one: data tables have none (docs/reference/tables.md#the-grants-table) */
  sortKey?: KeyAttribute;
  indexes?: IndexSpec[];
  ttlAttribute?: string;
}

export const authTableSpec = (name: string): TableSpec => ({ name, partitionKey: { name: 'id', type: 'S' } });
export const groupTableSpec = (name: string): TableSpec => ({ name, partitionKey: { name: 'group_id', type: 'S' } });
/** docs/reference/item-roles.md#storage-and-atomicity: one row per user and item they hold a role on. */
export const grantsTableSpec = (name: string): TableSpec => ({
  name,
  partitionKey: { name: 'principal', type: 'S' },
  sortKey: { name: 'item_key', type: 'S' },
});
/** docs/reference/tables.md#the-audit-table: the audit table as core/audit.ts describes it, with its TTL. */
export function auditTableSpec(name: string): TableSpec {
  const { partitionKey, indexes } = auditSchema(name);
  return {
    name,
    partitionKey,
    ttlAttribute: AUDIT_TTL_ATTRIBUTE,
    indexes: indexes.map((ix) => ({
      name: ix.name,
      partitionKey: ix.partitionKey,
      ...(ix.sortKey ? { sortKey: ix.sortKey } : {}),
    })),
  };
}

export async function tableExists(db: DynamoDBClient, name: string): Promise<boolean> {
  try {
    await db.send(new DescribeTableCommand({ TableName: name }));
    return true;
  } catch (err) {
    if (isResourceNotFound(err)) return false;
    throw err;
  }
}

export async function createTable(db: DynamoDBClient, spec: TableSpec): Promise<void> {
  const attributes = new Map<string, AttributeDefinition>();
  const define = (k: KeyAttribute) => attributes.set(k.name, { AttributeName: k.name, AttributeType: k.type });
  define(spec.partitionKey);
  if (spec.sortKey) define(spec.sortKey);
  const indexes: GlobalSecondaryIndex[] = (spec.indexes ?? []).map((ix) => {
    define(ix.partitionKey);
    if (ix.sortKey) define(ix.sortKey);
    return {
      IndexName: ix.name,
      KeySchema: [
        { AttributeName: ix.partitionKey.name, KeyType: 'HASH' },
        ...(ix.sortKey ? [{ AttributeName: ix.sortKey.name, KeyType: 'RANGE' as const }] : []),
      ],
      Projection: { ProjectionType: 'ALL' },
    };
  });
  await db.send(
    new CreateTableCommand({
      TableName: spec.name,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: spec.partitionKey.name, KeyType: 'HASH' },
        ...(spec.sortKey ? [{ AttributeName: spec.sortKey.name, KeyType: 'RANGE' as const }] : []),
      ],
      AttributeDefinitions: [...attributes.values()],
      ...(indexes.length > 0 ? { GlobalSecondaryIndexes: indexes } : {}),
    }),
  );
  if (spec.ttlAttribute) {
    await db.send(
      new UpdateTimeToLiveCommand({
        TableName: spec.name,
        TimeToLiveSpecification: { AttributeName: spec.ttlAttribute, Enabled: true },
      }),
    );
  }
}

/** Creates the tables that do not exist yet; returns the names it created. Existing tables are never touched. */
export async function createMissingTables(db: DynamoDBClient, specs: readonly TableSpec[]): Promise<string[]> {
  const created: string[] = [];
  for (const spec of specs) {
    if (await tableExists(db, spec.name)) continue;
    await createTable(db, spec);
    created.push(spec.name);
  }
  return created;
}

export async function dropTables(db: DynamoDBClient, names: readonly string[]): Promise<void> {
  for (const name of names) {
    try {
      await db.send(new DeleteTableCommand({ TableName: name }));
    } catch (err) {
      if (!isResourceNotFound(err)) throw err;
    }
  }
}

/** Whether a table holds no item at all (one Scan call of Limit 1). */
export async function isTableEmpty(db: DynamoDBClient, table: string): Promise<boolean> {
  const out = await db.send(new ScanCommand({ TableName: table, Limit: 1 }));
  return (out.Items ?? []).length === 0;
}

/** Puts `item` unless an item with its key exists (that one is never overwritten); true when it was written. */
export async function putIfAbsent(db: DynamoDBClient, table: string, keyName: string, item: Item): Promise<boolean> {
  try {
    await db.send(
      new PutItemCommand({
        TableName: table,
        Item: asSdk(item),
        ...absentCondition(keyName),
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailed(err)) return false;
    throw err;
  }
}
