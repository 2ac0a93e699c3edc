import { type AttributeDefinition, DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { IndexSchema, KeyAttribute, TableSchema } from '../core/schema';
import type { KeyType } from '../core/values';
import { translateError } from './errors';

/** DescribeTable once per cold start: the partition key and the usable GSIs of the data table. */
export async function describeDataTable(db: DynamoDBClient, table: string): Promise<TableSchema> {
  const { Table } = await db.send(new DescribeTableCommand({ TableName: table })).catch((err: unknown) => {
    throw translateError(err); // a throttled cold start answers 429/503 THROTTLED, and the next request retries
  });
  if (!Table?.KeySchema) throw new Error(`DescribeTable ${table} returned no key schema`);
  const defs = Table.AttributeDefinitions ?? [];
  const attr = (name: string | undefined): KeyAttribute => {
    const def = defs.find((d: AttributeDefinition) => d.AttributeName === name);
    if (!name || !def?.AttributeType) throw new Error(`table ${table}: no attribute definition for key ${name}`);
    return { name, type: def.AttributeType as KeyType };
  };
  const hash = Table.KeySchema.find((k) => k.KeyType === 'HASH');
  if (Table.KeySchema.some((k) => k.KeyType === 'RANGE')) {
    throw new Error(
      `table ${table} has a sort key; Scoutr v1 serves tables with a partition key only (docs/reference/tables.md#the-data-table). ` +
        'Point DATA_TABLE at a table keyed by one attribute.',
    );
  }
  const indexes: IndexSchema[] = (Table.GlobalSecondaryIndexes ?? []).map((gsi) => {
    const pk = gsi.KeySchema?.find((k) => k.KeyType === 'HASH');
    const sk = gsi.KeySchema?.find((k) => k.KeyType === 'RANGE');
    return {
      name: gsi.IndexName ?? '',
      partitionKey: attr(pk?.AttributeName),
      sortKey: sk ? attr(sk.AttributeName) : undefined,
      projectsAll: gsi.Projection?.ProjectionType === 'ALL',
    };
  });
  const stored = Table.TableSizeBytes === undefined ? {} : { storedBytes: Table.TableSizeBytes };
  return { table, partitionKey: attr(hash?.AttributeName), indexes, ...stored };
}
