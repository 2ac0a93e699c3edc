import { fromJson, type Json, toJson } from '../json';
import type { AttributeValue, Item } from '../values';
import { valuesEqual } from '../values';
import type { PolicyRecords } from './records';

export type PolicyTable = 'auth' | 'groups';
export const KEY_OF: Record<PolicyTable, string> = { auth: 'id', groups: 'group_id' };

export interface FieldChange {
  field: string;
  before: AttributeValue | undefined;
  after: AttributeValue | undefined;
}

/** One record to write. `before` is the record as the plan read it: the write is conditioned on it. */
export interface PolicyChange {
  action: 'create' | 'update' | 'delete';
  table: PolicyTable;
  id: string;
  before: Item | undefined;
  after: Item | undefined;
  fields: FieldChange[];
}

export interface PolicyPlan {
  changes: PolicyChange[];
  /** records the tables hold that the file does not declare, left alone without --prune */
  undeclared: { table: PolicyTable; id: string }[];
}

export const toItem = (record: object): Item => (fromJson(record as Json) as { M: Item }).M;

const idOf = (item: Item, table: PolicyTable): string => {
  const key = item[KEY_OF[table]];
  return key && 'S' in key ? key.S : JSON.stringify(key ? toJson(key) : null);
};

function fieldChanges(before: Item, after: Item): FieldChange[] {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return names
    .map((field) => ({ field, before: before[field], after: after[field] }))
    .filter((c) => !(c.before && c.after && valuesEqual(c.before, c.after)));
}

/**
 * The difference between the records a policy declares and the tables' items (docs/reference/policy-file.md#plan-and-apply). Order:
 * groups written before the records that list them, records deleted before the groups they listed.
 */
export function diffPolicy(
  desired: PolicyRecords,
  current: Record<PolicyTable, readonly Item[]>,
  opts: { prune: boolean },
): PolicyPlan {
  const want: Record<PolicyTable, Item[]> = { auth: desired.records.map(toItem), groups: desired.groups.map(toItem) };
  const writes: Record<PolicyTable, PolicyChange[]> = { auth: [], groups: [] };
  const deletes: Record<PolicyTable, PolicyChange[]> = { auth: [], groups: [] };
  const undeclared: PolicyPlan['undeclared'] = [];
  for (const table of ['groups', 'auth'] as const) {
    const now = new Map(current[table].map((item) => [idOf(item, table), item]));
    const declared = new Set<string>();
    for (const after of want[table]) {
      const id = idOf(after, table);
      declared.add(id);
      const before = now.get(id);
      if (!before) {
        writes[table].push({ action: 'create', table, id, before, after, fields: fieldChanges({}, after) });
        continue;
      }
      const fields = fieldChanges(before, after);
      if (fields.length > 0) writes[table].push({ action: 'update', table, id, before, after, fields });
    }
    for (const [id, before] of now) {
      if (declared.has(id)) continue;
      if (!opts.prune) undeclared.push({ table, id });
      else
        deletes[table].push({
          action: 'delete',
          table,
          id,
          before,
          after: undefined,
          fields: fieldChanges(before, {}),
        });
    }
  }
  const byId = (a: PolicyChange, b: PolicyChange) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const sorted = (list: PolicyChange[]) => [...list].sort(byId);
  return {
    changes: [...sorted(writes.groups), ...sorted(writes.auth), ...sorted(deletes.auth), ...sorted(deletes.groups)],
    undeclared: undeclared.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
  };
}
