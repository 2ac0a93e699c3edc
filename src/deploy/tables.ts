import { type AppConfig, dataTableOf } from '../core/app';
import type { KeyAttribute } from '../core/schema';
import { auditTableSpec, authTableSpec, grantsTableSpec, groupTableSpec, type TableSpec } from '../dynamo/admin';

// The tables of docs/reference/tables.md#the-data-table and docs/reference/tables.md#the-grants-table as CloudFormation, from the same specs `scoutr dev` creates locally: on demand,
// point-in-time recovery, encrypted, retained when the stack goes, deletion protection on unless a stage's
// `deletionProtection` param is false. The data table has the key and indexes the app declares.

/** An osls variable, resolved by osls after the plugin extends the configuration: `${sls:stage}`. */
export const variable = (ref: string) => `\${${ref}}`;
/** `<service>-<stage>`, the prefix of every name the deploy gives */
export const SERVICE_STAGE = `${variable('self:service')}-${variable('sls:stage')}`;

export type CfnResource = { Type: string; Properties: Record<string, unknown> } & Record<string, unknown>;

export const TABLE_IDS = {
  data: 'DataTable',
  auth: 'AuthTable',
  groups: 'GroupTable',
  audit: 'AuditTable',
  grants: 'GrantsTable',
} as const;
export type TableRole = keyof typeof TABLE_IDS;

/** The deployed names: `<service>-<stage>-<name>`, resolved by osls (`items` unless the app's table names one). */
export function tableNames(app: AppConfig): Record<TableRole, string> & { withGrants: boolean } {
  const prefix = SERVICE_STAGE;
  return {
    data: `${prefix}-${app.table?.name ?? 'items'}`,
    auth: `${prefix}-auth`,
    groups: `${prefix}-groups`,
    audit: `${prefix}-audit`,
    grants: `${prefix}-grants`,
    withGrants: app.itemRoles !== undefined,
  };
}

/** The table specs of an app: the grants table only when it declares item roles (docs/reference/tables.md#the-grants-table). */
export function tableSpecs(app: AppConfig): Partial<Record<TableRole, TableSpec>> {
  const names = tableNames(app);
  const data = dataTableOf(app);
  return {
    data: { name: names.data, partitionKey: data.partitionKey, indexes: data.indexes },
    auth: authTableSpec(names.auth),
    groups: groupTableSpec(names.groups),
    audit: auditTableSpec(names.audit),
    ...(names.withGrants ? { grants: grantsTableSpec(names.grants) } : {}),
  };
}

const keySchema = (partition: KeyAttribute, sort?: KeyAttribute) => [
  { AttributeName: partition.name, KeyType: 'HASH' },
  ...(sort ? [{ AttributeName: sort.name, KeyType: 'RANGE' }] : []),
];

/** One table as an AWS::DynamoDB::Table resource; an attribute declared with two types is refused, by name. */
export function tableResource(spec: TableSpec): CfnResource {
  const types = new Map<string, KeyAttribute['type']>();
  const define = (k: KeyAttribute | undefined) => {
    if (!k) return;
    const known = types.get(k.name);
    if (known && known !== k.type) {
      throw new Error(`table ${spec.name}: the attribute ${k.name} is declared both as ${known} and as ${k.type}`);
    }
    types.set(k.name, k.type);
  };
  define(spec.partitionKey);
  define(spec.sortKey);
  for (const ix of spec.indexes ?? []) {
    define(ix.partitionKey);
    define(ix.sortKey);
  }
  const indexes = (spec.indexes ?? []).map((ix) => ({
    IndexName: ix.name,
    KeySchema: keySchema(ix.partitionKey, ix.sortKey),
    Projection: { ProjectionType: 'ALL' }, // the planner uses only indexes that project ALL (docs/reference/query-language.md#planning)
  }));
  return {
    Type: 'AWS::DynamoDB::Table',
    DeletionPolicy: 'Retain',
    UpdateReplacePolicy: 'Retain',
    Properties: {
      TableName: spec.name,
      BillingMode: 'PAY_PER_REQUEST',
      DeletionProtectionEnabled: variable('param:deletionProtection'),
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      ...(spec.ttlAttribute ? { TimeToLiveSpecification: { AttributeName: spec.ttlAttribute, Enabled: true } } : {}),
      AttributeDefinitions: [...types].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType })),
      KeySchema: keySchema(spec.partitionKey, spec.sortKey),
      ...(indexes.length > 0 ? { GlobalSecondaryIndexes: indexes } : {}),
    },
  };
}
