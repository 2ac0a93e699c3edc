import { diffPolicy, type PolicyTable } from '../../../src/core/policy/diff';
import type { Item } from '../../../src/core/values';
import { policyWrite } from '../../../src/dynamo/policy';

const tables = { auth: 'auth', groups: 'groups' };
const current: Record<PolicyTable, Item[]> = {
  auth: [
    { id: { S: 'alice' }, type: { S: 'USERNAME' }, name: { S: 'Alice' } },
    { id: { S: 'stray' }, type: { S: 'API_KEY' } },
  ],
  groups: [{ group_id: { S: 'old' } }],
};
const desired = {
  records: [
    { id: 'alice', type: 'USERNAME', groups: ['staff'] },
    { id: 'bob', type: 'USERNAME' },
  ],
  groups: [{ group_id: 'staff', explain: true }],
};

describe('diffPolicy', () => {
  it('orders group writes, record writes, record deletes, group deletes; deletes only with prune', () => {
    const pruned = diffPolicy(desired, current, { prune: true });
    expect(pruned.changes.map((c) => `${c.action} ${c.table} ${c.id}`)).toEqual([
      'create groups staff',
      'update auth alice',
      'create auth bob',
      'delete auth stray',
      'delete groups old',
    ]);
    const kept = diffPolicy(desired, current, { prune: false });
    expect(kept.changes.map((c) => c.action)).toEqual(['create', 'update', 'create']);
    expect(kept.undeclared).toEqual(
      [
        { table: 'groups', id: 'old' },
        { table: 'auth', id: 'stray' },
      ].sort((a, b) => a.id.localeCompare(b.id)),
    );
  });
});

describe('policyWrite', () => {
  const [create, update, , del] = diffPolicy(desired, current, { prune: true }).changes;

  it('conditions a create on the record being absent', () => {
    expect(policyWrite(create!, tables)).toEqual({
      Put: {
        TableName: 'groups',
        Item: { group_id: { S: 'staff' }, explain: { BOOL: true } },
        ConditionExpression: 'attribute_not_exists(#n0)',
        ExpressionAttributeNames: { '#n0': 'group_id' },
      },
    });
  });

  it('conditions an update on the record as planned and touches only the changed attributes', () => {
    expect(policyWrite(update!, tables)).toEqual({
      Update: {
        TableName: 'auth',
        Key: { id: { S: 'alice' } },
        UpdateExpression: 'SET #n3 = :v2 REMOVE #n2',
        ConditionExpression: 'attribute_exists(#n0) AND #n1 = :v0 AND #n2 = :v1 AND attribute_not_exists(#n3)',
        ExpressionAttributeNames: { '#n0': 'id', '#n1': 'type', '#n2': 'name', '#n3': 'groups' },
        ExpressionAttributeValues: { ':v0': { S: 'USERNAME' }, ':v1': { S: 'Alice' }, ':v2': { L: [{ S: 'staff' }] } },
      },
    });
  });

  it('conditions a delete on every attribute the plan read', () => {
    expect(policyWrite(del!, tables)).toEqual({
      Delete: {
        TableName: 'auth',
        Key: { id: { S: 'stray' } },
        ConditionExpression: 'attribute_exists(#n0) AND #n1 = :v0',
        ExpressionAttributeNames: { '#n0': 'id', '#n1': 'type' },
        ExpressionAttributeValues: { ':v0': { S: 'API_KEY' } },
      },
    });
  });
});
