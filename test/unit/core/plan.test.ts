import { ScoutrError } from '../../../src/core/errors';
import { and, type Filter, type NonEmpty, or, type Pred } from '../../../src/core/filter/types';
import {
  type Plan,
  planRead,
  planSearch,
  projectionParams,
  readParams,
  resumeKey,
  summarize,
} from '../../../src/core/plan';
import { parseQuery } from '../../../src/core/query/parse';
import { keyTypes, type TableSchema } from '../../../src/core/schema';
import type { Scalar } from '../../../src/core/values';
import { answered, thrown } from '../../support/errors';

const schema: TableSchema = {
  table: 'pets',
  partitionKey: { name: 'id', type: 'S' },
  indexes: [
    {
      name: 'status-created',
      partitionKey: { name: 'status', type: 'S' },
      sortKey: { name: 'created', type: 'S' },
      projectsAll: true,
    },
    { name: 'owner-index', partitionKey: { name: 'owner', type: 'S' }, sortKey: undefined, projectsAll: true },
    { name: 'type-keys-only', partitionKey: { name: 'type', type: 'S' }, sortKey: undefined, projectsAll: false },
    {
      name: 'team-level',
      partitionKey: { name: 'team', type: 'S' },
      sortKey: { name: 'level', type: 'N' },
      projectsAll: true,
    },
  ],
};

const query = (params: [string, string][]): Pred => parseQuery({ params, keyTypes: keyTypes(schema) }).filter;
const S = (s: string) => ({ S: s });
const eq = (field: string, value: Scalar): Filter => ({ op: 'eq', field, value });
const byOwnerOrPublic: Filter = { op: 'or', children: [eq('owner', S('ann')), eq('public', { BOOL: true })] };
const byStatusOrOwner: Filter = { op: 'or', children: [eq('status', S('B')), eq('owner', S('ann'))] };
const byNameOrPublic: Filter = { op: 'or', children: [eq('name', S('Rex')), eq('public', { BOOL: true })] };

/** The plan without the index details: kind, index name, key condition, filter, residual. */
function shape(plan: Plan): unknown {
  switch (plan.kind) {
    case 'none':
      return { kind: 'none' };
    case 'get':
      return { kind: 'get', key: plan.key, residual: plan.residual };
    case 'batch':
      return { kind: 'batch', keys: plan.keys, residual: plan.residual };
    case 'query':
      return {
        kind: 'query',
        index: plan.index.name,
        key: plan.keyConditions,
        filter: plan.filter,
        residual: plan.residual,
      };
    case 'scan':
      return { kind: 'scan', filter: plan.filter, residual: plan.residual };
  }
}

describe('planRead', () => {
  it.each<{ name: string; pred: Pred; want: unknown }>([
    { name: 'nothing visible', pred: false, want: { kind: 'none' } },
    { name: 'no condition', pred: true, want: { kind: 'scan', filter: true, residual: true } },
    {
      name: 'pk eq → GetItem',
      pred: query([['id', 'a']]),
      want: { kind: 'get', key: { id: S('a') }, residual: true },
    },
    {
      name: 'pk eq with a number-like value, typed S by the schema',
      pred: query([['id', '3']]),
      want: { kind: 'get', key: { id: S('3') }, residual: true },
    },
    {
      name: 'pk eq and another condition → GetItem with the rest in memory',
      pred: query([
        ['id', 'a'],
        ['name', 'Rex'],
      ]),
      want: { kind: 'get', key: { id: S('a') }, residual: eq('name', S('Rex')) },
    },
    {
      name: 'pk in → BatchGetItem, keys in order',
      pred: query([['id__in', '["c","a","b"]']]),
      want: { kind: 'batch', keys: [{ id: S('a') }, { id: S('b') }, { id: S('c') }], residual: true },
    },
    {
      name: 'pk repeated → BatchGetItem',
      pred: query([
        ['id', 'b'],
        ['id', 'a'],
      ]),
      want: { kind: 'batch', keys: [{ id: S('a') }, { id: S('b') }], residual: true },
    },
    {
      name: 'pk pinned by a role filter, narrowed by the query',
      pred: and([query([['id', 'c']]), { op: 'in', field: 'id', values: [S('a'), S('b')] }]),
      want: { kind: 'get', key: { id: S('c') }, residual: { op: 'in', field: 'id', values: [S('a'), S('b')] } },
    },
    {
      name: 'pk eq of another type than the key → nothing to read',
      pred: eq('id', { N: '3' }),
      want: { kind: 'none' },
    },
    {
      name: 'pk ne → Scan',
      pred: query([['id__ne', 'a']]),
      want: { kind: 'scan', filter: { op: 'not', child: eq('id', S('a')) }, residual: true },
    },
    {
      name: 'GSI pk eq → Query',
      pred: query([['owner', 'ann']]),
      want: { kind: 'query', index: 'owner-index', key: [eq('owner', S('ann'))], filter: true, residual: true },
    },
    {
      name: 'GSI pk eq with a number-like value, typed S by the schema',
      pred: query([['owner', '3']]),
      want: { kind: 'query', index: 'owner-index', key: [eq('owner', S('3'))], filter: true, residual: true },
    },
    {
      // The index holds only items that have its sort key: a Query without a sort key condition would miss rows.
      name: 'GSI pk eq on an index with a sort key, without a sort key condition → Scan',
      pred: query([['status', 'A']]),
      want: { kind: 'scan', filter: eq('status', S('A')), residual: true },
    },
    {
      name: 'GSI pk and sort key gt → both in the key condition',
      pred: query([
        ['status', 'A'],
        ['created__gt', '2024'],
      ]),
      want: {
        kind: 'query',
        index: 'status-created',
        key: [{ op: 'and', children: [eq('status', S('A')), { op: 'gt', field: 'created', value: S('2024') }] }],
        filter: true,
        residual: true,
      },
    },
    {
      name: 'GSI sort key begins_with in the key condition',
      pred: query([
        ['created__startswith', '2024-'],
        ['status', 'A'],
      ]),
      want: {
        kind: 'query',
        index: 'status-created',
        key: [
          { op: 'and', children: [eq('status', S('A')), { op: 'startswith', field: 'created', value: S('2024-') }] },
        ],
        filter: true,
        residual: true,
      },
    },
    {
      name: 'GSI sort key between in the key condition',
      pred: query([
        ['status', 'A'],
        ['created__between', '["a","b"]'],
      ]),
      want: {
        kind: 'query',
        index: 'status-created',
        key: [
          {
            op: 'and',
            children: [eq('status', S('A')), { op: 'between', field: 'created', low: S('a'), high: S('b') }],
          },
        ],
        filter: true,
        residual: true,
      },
    },
    {
      name: 'a second condition on the sort key → in memory (DynamoDB refuses key attributes in a filter)',
      pred: query([
        ['status', 'A'],
        ['created__gte', 'a'],
        ['created__lt', 'z'],
      ]),
      want: {
        kind: 'query',
        index: 'status-created',
        key: [{ op: 'and', children: [eq('status', S('A')), { op: 'gte', field: 'created', value: S('a') }] }],
        filter: true,
        residual: { op: 'lt', field: 'created', value: S('z') },
      },
    },
    {
      name: 'a sort key condition the key condition cannot hold (ne) → in memory',
      pred: query([
        ['status', 'A'],
        ['created__ne', 'x'],
        ['created__gt', 'a'],
      ]),
      want: {
        kind: 'query',
        index: 'status-created',
        key: [{ op: 'and', children: [eq('status', S('A')), { op: 'gt', field: 'created', value: S('a') }] }],
        filter: true,
        residual: { op: 'not', child: eq('created', S('x')) },
      },
    },
    {
      name: 'a second condition on the index partition key → in memory',
      pred: query([
        ['owner', 'ann'],
        ['owner__startswith', 'a'],
      ]),
      want: {
        kind: 'query',
        index: 'owner-index',
        key: [eq('owner', S('ann'))],
        filter: true,
        residual: { op: 'startswith', field: 'owner', value: S('a') },
      },
    },
    {
      name: 'other conditions on a Query → filter expression',
      pred: query([
        ['owner', 'ann'],
        ['name', 'Rex'],
        ['meta.level__gt', '2'],
      ]),
      want: {
        kind: 'query',
        index: 'owner-index',
        key: [eq('owner', S('ann'))],
        filter: { op: 'and', children: [eq('name', S('Rex')), { op: 'gt', field: 'meta.level', value: { N: '2' } }] },
        residual: true,
      },
    },
    {
      name: 'a role filter OR conjunct stays in the filter expression',
      pred: and([query([['owner', 'ann']]), byNameOrPublic]),
      want: {
        kind: 'query',
        index: 'owner-index',
        key: [eq('owner', S('ann'))],
        filter: byNameOrPublic,
        residual: true,
      },
    },
    {
      name: 'a role filter OR conjunct on a key attribute → in memory',
      pred: and([query([['owner', 'ann']]), byStatusOrOwner]),
      want: {
        kind: 'query',
        index: 'owner-index',
        key: [eq('owner', S('ann'))],
        filter: true,
        residual: byStatusOrOwner,
      },
    },
    {
      name: 'a condition on the table partition key of a Query → in memory',
      pred: and([query([['owner', 'ann']]), { op: 'not', child: eq('id', S('x')) }]),
      want: {
        kind: 'query',
        index: 'owner-index',
        key: [eq('owner', S('ann'))],
        filter: true,
        residual: { op: 'not', child: eq('id', S('x')) },
      },
    },
    {
      name: 'an index with a usable sort key condition is preferred',
      pred: query([
        ['owner', 'ann'],
        ['status', 'A'],
        ['created__lt', 'x'],
      ]),
      want: {
        kind: 'query',
        index: 'status-created',
        key: [{ op: 'and', children: [eq('status', S('A')), { op: 'lt', field: 'created', value: S('x') }] }],
        filter: eq('owner', S('ann')),
        residual: true,
      },
    },
    {
      name: 'a number sort key, typed by the schema',
      pred: query([
        ['team', 'red'],
        ['level__gte', '3'],
      ]),
      want: {
        kind: 'query',
        index: 'team-level',
        key: [{ op: 'and', children: [eq('team', S('red')), { op: 'gte', field: 'level', value: { N: '3' } }] }],
        filter: true,
        residual: true,
      },
    },
    {
      name: 'begins_with on a number sort key → in memory',
      pred: query([
        ['team', 'red'],
        ['level__startswith', '3'],
        ['level__lt', '9'],
      ]),
      want: {
        kind: 'query',
        index: 'team-level',
        key: [{ op: 'and', children: [eq('team', S('red')), { op: 'lt', field: 'level', value: { N: '9' } }] }],
        filter: true,
        residual: { op: 'startswith', field: 'level', value: S('3') },
      },
    },
    {
      name: 'an index that does not project ALL is not used',
      pred: query([['type', 'dog']]),
      want: { kind: 'scan', filter: eq('type', S('dog')), residual: true },
    },
    {
      name: 'GSI pk in → Scan',
      pred: query([['status__in', '["A","B"]']]),
      want: { kind: 'scan', filter: { op: 'in', field: 'status', values: [S('A'), S('B')] }, residual: true },
    },
    {
      name: 'GSI pk only under an OR → Scan',
      pred: byStatusOrOwner,
      want: { kind: 'scan', filter: byStatusOrOwner, residual: true },
    },
    {
      name: 'no key condition → Scan with everything in the filter',
      pred: query([
        ['name', 'Rex'],
        ['created__gt', 'x'],
      ]),
      want: {
        kind: 'scan',
        filter: { op: 'and', children: [eq('name', S('Rex')), { op: 'gt', field: 'created', value: S('x') }] },
        residual: true,
      },
    },
  ])('plans $name', ({ pred, want }) => {
    expect(shape(planRead(pred, schema))).toEqual(want);
  });
});

describe('readParams', () => {
  it('builds a Query with prefixed placeholders for the key condition and the filter', () => {
    const plan = planRead(
      and([
        query([
          ['status', 'A'],
          ['created__gt', '2024'],
          ['status.note', 'x'],
        ]),
        byOwnerOrPublic,
      ]),
      schema,
    );
    if (plan.kind !== 'query') throw new Error(`expected a query, got ${plan.kind}`);
    expect(readParams(plan, schema, ['id', 'meta.level'])).toEqual([
      {
        operation: 'Query',
        input: {
          TableName: 'pets',
          IndexName: 'status-created',
          KeyConditionExpression: '(#kn0 = :kv0 AND #kn1 > :kv1)',
          FilterExpression: '(#fn0 = :fv0 OR #fn1 = :fv1)',
          ProjectionExpression: '#pn0, #pn1.#pn2',
          ExpressionAttributeNames: {
            '#kn0': 'status',
            '#kn1': 'created',
            '#fn0': 'owner',
            '#fn1': 'public',
            '#pn0': 'id',
            '#pn1': 'meta',
            '#pn2': 'level',
          },
          ExpressionAttributeValues: { ':kv0': S('A'), ':kv1': S('2024'), ':fv0': S('ann'), ':fv1': { BOOL: true } },
        },
      },
    ]);
    // 'status.note' is under the index key attribute, which DynamoDB refuses in a filter: decided in memory.
    expect(plan.residual).toEqual(eq('status.note', S('x')));
  });

  it('puts the other conditions of a Query in a FilterExpression', () => {
    const plan = planRead(and([query([['owner', 'ann']]), eq('name', S('Rex'))]), schema);
    if (plan.kind !== 'query') throw new Error(`expected a query, got ${plan.kind}`);
    expect(readParams(plan, schema)[0]?.input).toEqual({
      TableName: 'pets',
      IndexName: 'owner-index',
      KeyConditionExpression: '#kn0 = :kv0',
      FilterExpression: '#fn0 = :fv0',
      ExpressionAttributeNames: { '#kn0': 'owner', '#fn0': 'name' },
      ExpressionAttributeValues: { ':kv0': S('ann'), ':fv0': S('Rex') },
    });
  });

  it('builds a Scan without a filter when every row is visible', () => {
    const plan = planRead(true, schema);
    if (plan.kind !== 'scan') throw new Error(`expected a scan, got ${plan.kind}`);
    expect(readParams(plan, schema)).toEqual([{ operation: 'Scan', input: { TableName: 'pets' } }]);
  });

  it('rejects a filter beyond 300 operators with QUERY_TOO_COMPLEX', () => {
    const many = or(Array.from({ length: 151 }, (_, i) => eq('name', S(`n${i}`))));
    const plan = planRead(many, schema);
    if (plan.kind !== 'scan') throw new Error(`expected a scan, got ${plan.kind}`);
    const err = thrown(() => readParams(plan, schema));
    expect(err).toBeInstanceOf(ScoutrError);
    expect(answered(err)).toMatchObject({ code: 'QUERY_TOO_COMPLEX', status: 400 });
  });
});

describe('summarize', () => {
  it('describes a Query by field names and operators, never values', () => {
    const plan = planRead(
      and([
        query([
          ['status', 'secret-status'],
          ['created__gt', 'secret-date'],
          ['created__lt', 'secret-end'],
        ]),
        byOwnerOrPublic,
      ]),
      schema,
    );
    const summary = summarize(plan);
    expect(summary).toEqual({
      operation: 'Query',
      index: 'status-created',
      keyCondition: ['status eq', 'created gt'],
      filter: ['owner', 'public'],
      inMemory: ['created'],
    });
    expect(JSON.stringify(summary)).not.toMatch(/secret|ann/);
  });

  it.each<{ pred: Pred; want: unknown }>([
    { pred: false, want: { operation: 'None' } },
    { pred: query([['id', 'a']]), want: { operation: 'GetItem' } },
    { pred: query([['id__in', '["a","b"]']]), want: { operation: 'BatchGetItem' } },
    { pred: and([query([['id', 'a']]), eq('name', S('x'))]), want: { operation: 'GetItem', inMemory: ['name'] } },
    { pred: query([['name', 'x']]), want: { operation: 'Scan', filter: ['name'] } },
    { pred: true, want: { operation: 'Scan' } },
  ])('summarizes $want.operation', ({ pred, want }) => {
    expect(summarize(planRead(pred, schema))).toEqual(want);
  });
});

describe('resumeKey', () => {
  const item = { id: S('1'), status: S('A'), created: S('c'), name: S('Rex') };
  it('keeps the table key for a Scan, and adds the index key for a Query', () => {
    expect(resumeKey(planRead(true, schema), schema, item)).toEqual({ id: S('1') });
    const byStatus = planRead(
      query([
        ['status', 'A'],
        ['created__gt', 'a'],
      ]),
      schema,
    );
    expect(resumeKey(byStatus, schema, item)).toEqual({
      id: S('1'),
      status: S('A'),
      created: S('c'),
    });
  });
});

describe('planSearch', () => {
  const values = (...texts: string[]) => texts.map(S);

  it('reads values of the partition key with BatchGetItem', () => {
    expect(shape(planSearch('id', values('b', 'a'), true, schema))).toEqual({
      kind: 'batch',
      keys: [{ id: S('a') }, { id: S('b') }],
      residual: true,
    });
  });

  it('queries an index partition key once per value of its type', () => {
    const plan = planSearch('owner', [S('ann'), { N: '3' }, S('bob')], byOwnerOrPublic, schema);
    expect(shape(plan)).toEqual({
      kind: 'query',
      index: 'owner-index',
      key: [eq('owner', S('ann')), eq('owner', S('bob'))],
      filter: true,
      residual: byOwnerOrPublic,
    });
  });

  it('scans for an index partition key when the index has a sort key, which the search does not name', () => {
    expect(planSearch('status', values('A'), true, schema)).toEqual({
      kind: 'scan',
      filter: { op: 'in', field: 'status', values: values('A') },
      residual: true,
    });
  });

  it('scans with IN groups for any other field', () => {
    const plan = planSearch('name', values('x', 'y'), eq('public', { BOOL: true }), schema);
    expect(shape(plan)).toEqual({
      kind: 'scan',
      filter: {
        op: 'and',
        children: [{ op: 'in', field: 'name', values: values('x', 'y') }, eq('public', { BOOL: true })],
      },
      residual: true,
    });
  });

  it('matches the values in memory when they do not fit in one expression', () => {
    const many = Array.from({ length: 1000 }, (_, i) => S(`v${i}`));
    const plan = planSearch('name', many, eq('public', { BOOL: true }), schema);
    expect(plan.kind).toBe('scan');
    if (plan.kind !== 'scan') return;
    expect(plan.filter).toEqual(eq('public', { BOOL: true }));
    expect(plan.residual).toMatchObject({ op: 'or' });
    const groups = (plan.residual as { children: NonEmpty<Filter> }).children;
    expect(groups.map((g) => (g.op === 'in' ? g.values.length : 0))).toEqual(Array(10).fill(100));
  });

  it('reads nothing when nothing is visible or no value is given', () => {
    expect(planSearch('name', values('x'), false, schema)).toEqual({ kind: 'none' });
    expect(planSearch('name', [], true, schema)).toEqual({ kind: 'none' });
    expect(planSearch('owner', [{ N: '1' }], true, schema)).toEqual({ kind: 'none' });
  });
});

describe('projectionParams', () => {
  it('names each path segment by a counter, once per segment, never by its text', () => {
    expect(projectionParams(['id', 'meta.level', 'meta', 'a-b c'])).toEqual({
      ProjectionExpression: '#pn0, #pn1.#pn2, #pn1, #pn3',
      ExpressionAttributeNames: { '#pn0': 'id', '#pn1': 'meta', '#pn2': 'level', '#pn3': 'a-b c' },
    });
  });

  it('projects nothing for no paths, so the read returns whole items', () => {
    expect(projectionParams(undefined)).toBeUndefined();
    expect(projectionParams([])).toBeUndefined();
  });
});
