import {
  type DynamoDBClient,
  ScanCommand,
  TransactWriteItemsCommand,
  type TransactWriteItemsCommandInput,
} from '@aws-sdk/client-dynamodb';
import { diffPolicy, KEY_OF, type PolicyChange, type PolicyPlan, type PolicyTable } from '../core/policy/diff';
import { policyRecords } from '../core/policy/records';
import type { PolicyDocument } from '../core/policy/schema';
import type { AttributeValue, Item } from '../core/values';
import { isTransactionCanceled, translateError } from './errors';
import { asItem, asSdk } from './read';

type TxItem = NonNullable<TransactWriteItemsCommandInput['TransactItems']>[number];
export type PolicyTables = Record<PolicyTable, string>;

/** `scoutr policy plan`: the tables as they are, against what the document declares (docs/reference/policy-file.md#plan-and-apply). */
export async function planPolicy(
  db: DynamoDBClient,
  tables: PolicyTables,
  doc: PolicyDocument,
  opts: { prune: boolean },
): Promise<PolicyPlan> {
  const [auth, groups] = await Promise.all([scanAll(db, tables.auth), scanAll(db, tables.groups)]);
  return diffPolicy(policyRecords(doc), { auth, groups }, opts);
}

/** Every item of an auth or groups table, read consistently: the plan is the state the apply is conditioned on. */
export async function scanAll(db: DynamoDBClient, table: string): Promise<Item[]> {
  const out: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db
      .send(new ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey: start as never }))
      .catch((err: unknown) => {
        throw translateError(err);
      });
    for (const item of page.Items ?? []) out.push(asItem(item)!);
    start = page.LastEvaluatedKey;
  } while (start);
  return out;
}

/** A planned write failed its condition: the record changed (or appeared, or went) since the plan read it. */
export class PolicyRaced extends Error {
  override readonly name = 'PolicyRaced';
  constructor(
    readonly change: PolicyChange,
    /** changes committed before the batch that failed (that batch wrote nothing) */
    readonly applied: number,
    cause: unknown,
  ) {
    super(`${change.table === 'auth' ? 'record' : 'group'} ${change.id} changed since the plan`, { cause });
  }
}

/** Placeholders from counters, never from attribute text (STYLE.md, dynamodb-toolbox). */
function expressionState() {
  const names: Record<string, string> = {};
  const values: Record<string, AttributeValue> = {};
  const tokenOf = new Map<string, string>();
  return {
    names,
    values,
    n: (name: string) => {
      const token = tokenOf.get(name) ?? `#n${tokenOf.size}`;
      tokenOf.set(name, token);
      names[token] = name;
      return token;
    },
    v: (value: AttributeValue) => {
      const token = `:v${Object.keys(values).length}`;
      values[token] = value;
      return token;
    },
  };
}

/**
 * The write of one planned change, conditioned on the record as the plan read it: every attribute it had still has
 * its value, and every attribute the change adds is still absent. An update sets and removes only the changed
 * attributes, so an attribute someone added meanwhile is never overwritten either.
 */
export function policyWrite(change: PolicyChange, tables: PolicyTables): TxItem {
  const table = tables[change.table];
  const keyName = KEY_OF[change.table];
  const key = { [keyName]: { S: change.id } };
  const s = expressionState();
  if (change.action === 'create') {
    return {
      Put: {
        TableName: table,
        Item: asSdk(change.after!),
        ConditionExpression: `attribute_not_exists(${s.n(keyName)})`,
        ExpressionAttributeNames: s.names,
      },
    };
  }
  const before = change.before!;
  const asPlanned = [
    `attribute_exists(${s.n(keyName)})`,
    ...Object.entries(before)
      .filter(([name]) => name !== keyName)
      .map(([name, value]) => `${s.n(name)} = ${s.v(value)}`),
    ...change.fields.filter((f) => f.before === undefined).map((f) => `attribute_not_exists(${s.n(f.field)})`),
  ].join(' AND ');
  const values = () => (Object.keys(s.values).length > 0 ? { ExpressionAttributeValues: s.values as never } : {});
  if (change.action === 'delete') {
    return {
      Delete: {
        TableName: table,
        Key: asSdk(key),
        ConditionExpression: asPlanned,
        ExpressionAttributeNames: s.names,
        ...values(),
      },
    };
  }
  const set = change.fields.filter((f) => f.after !== undefined).map((f) => `${s.n(f.field)} = ${s.v(f.after!)}`);
  const remove = change.fields.filter((f) => f.after === undefined).map((f) => s.n(f.field));
  const update = [set.length > 0 ? `SET ${set.join(', ')}` : '', remove.length > 0 ? `REMOVE ${remove.join(', ')}` : '']
    .filter(Boolean)
    .join(' ');
  return {
    Update: {
      TableName: table,
      Key: asSdk(key),
      UpdateExpression: update,
      ConditionExpression: asPlanned,
      ExpressionAttributeNames: s.names,
      ...values(),
    },
  };
}

const BATCH = 100; // TransactWriteItems' limit

/**
 * Applies planned changes in transactions of up to 100 writes, in order. A failed condition stops the apply with
 * the change that raced: its batch wrote nothing, earlier batches stay written (the next plan shows the rest).
 */
export async function applyPolicy(
  db: DynamoDBClient,
  tables: PolicyTables,
  changes: readonly PolicyChange[],
  onProgress: (done: number, total: number) => void = () => {},
): Promise<void> {
  for (let start = 0; start < changes.length; start += BATCH) {
    const batch = changes.slice(start, start + BATCH);
    try {
      await db.send(new TransactWriteItemsCommand({ TransactItems: batch.map((c) => policyWrite(c, tables)) }));
    } catch (err) {
      if (isTransactionCanceled(err)) {
        const reasons = (err as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
        const at = reasons.findIndex((r) => r.Code === 'ConditionalCheckFailed' || r.Code === 'TransactionConflict');
        if (at >= 0) throw new PolicyRaced(batch[at]!, start, err);
      }
      throw translateError(err);
    }
    onProgress(start + batch.length, changes.length);
  }
}
