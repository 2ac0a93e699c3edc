import { ACL, aclValue, grantRows } from '../core/item-roles';
import { fromJson, plainToJson } from '../core/json';
import type { AttributeValue, Item } from '../core/values';
import { putIfAbsent } from '../dynamo/admin';
import type { DynamoDBClient } from '../dynamo/client';

export interface SeedData {
  items: readonly Record<string, unknown>[];
  authRecords: readonly Record<string, unknown>[];
  groups: readonly Record<string, unknown>[];
  /** direct item roles (docs/reference/item-roles.md#storage-and-atomicity): written into each item's `_acl` and as grants rows, as a grant would */
  grants?: readonly { item: string; user: string; roles: readonly string[] }[];
}

const toItem = (plain: Record<string, unknown>): Item =>
  (fromJson(plainToJson(plain)) as { M: Record<string, AttributeValue> }).M;

/** Puts seed records that are not there yet: existing items are never overwritten. */
export async function seed(
  db: DynamoDBClient,
  tables: { data: string; auth: string; groups: string; grants?: string | undefined },
  data: SeedData,
  dataKey: string,
): Promise<number> {
  let written = 0;
  const put = async (table: string, key: string, plain: Record<string, unknown>) => {
    if (await putIfAbsent(db, table, key, toItem(plain))) written++;
  };
  for (const g of data.groups) await put(tables.groups, 'group_id', g);
  for (const r of data.authRecords) await put(tables.auth, 'id', r);
  const acls = new Map<string, Record<string, string[]>>();
  for (const g of data.grants ?? []) {
    const acl = acls.get(g.item) ?? {};
    for (const role of g.roles) acl[role] = [...(acl[role] ?? []), g.user];
    acls.set(g.item, acl);
  }
  for (const i of data.items) {
    const acl = acls.get(String(i[dataKey]));
    const item = toItem(i);
    if (await putIfAbsent(db, tables.data, dataKey, acl ? { ...item, [ACL]: aclValue(acl) } : item)) written++;
  }
  if (tables.grants) {
    for (const [key, acl] of acls) {
      for (const [user, roles] of grantRows(acl)) {
        const row: Item = { principal: { S: user }, item_key: { S: key }, roles: { SS: roles } };
        if (await putIfAbsent(db, tables.grants, 'principal', row)) written++;
      }
    }
  }
  return written;
}
