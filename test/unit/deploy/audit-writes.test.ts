import {
  BatchGetItemCommand,
  DeleteItemCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteItemsCommand,
  type TransactWriteItemsCommandInput,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import app from '../../../example/petstore/scoutr.config';
import { EnvSchema, parseEnv } from '../../../src/config';
import { silentLogger } from '../../../src/core/log';
import type { Verb } from '../../../src/core/routes';
import type { Item } from '../../../src/core/values';
import { putAuditRecord } from '../../../src/dynamo/audit';
import { putAudit, putItem, writeWithAudit } from '../../../src/dynamo/write';
import { handleEvent } from '../../../src/http/lambda';
import { createRuntime, type Runtime } from '../../../src/http/runtime';
import { restEvent } from '../../factories/events';

// iam.yml grants PutItem on the audit table and nothing else: that is only safe because every audit write the code
// sends is conditioned on attribute_not_exists(id), so no write can overwrite (change) an existing record.

const ddb = mockClient(DynamoDBClient);
const AUDIT = 'audit-table';
const NOT_EXISTS = { ConditionExpression: 'attribute_not_exists(#k)', ExpressionAttributeNames: { '#k': 'id' } };

type Part = NonNullable<TransactWriteItemsCommandInput['TransactItems']>[number];
/** Every write the mock received on a table: its kind and its input. */
function writesTo(table: string) {
  const out: { kind: string; input: Record<string, unknown> }[] = [];
  for (const call of ddb.calls()) {
    const command = call.args[0] as unknown as { constructor: { name: string }; input: Record<string, unknown> };
    const name = command.constructor.name;
    if (name === 'TransactWriteItemsCommand') {
      for (const part of (command.input.TransactItems ?? []) as Part[]) {
        for (const [kind, p] of Object.entries(part) as [string, { TableName?: string }][]) {
          if (p?.TableName === table) out.push({ kind: `Transact.${kind}`, input: p as Record<string, unknown> });
        }
      }
    } else if (['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand'].includes(name)) {
      const tables = name === 'BatchWriteItemCommand' ? Object.keys(command.input.RequestItems as object) : [];
      if (command.input.TableName === table || tables.includes(table)) out.push({ kind: name, input: command.input });
    }
  }
  return out;
}

beforeEach(() => ddb.reset());
afterAll(() => ddb.restore());

describe('the audit write functions', () => {
  const record: Item = { id: { S: '01J-audit-1' }, action: { S: 'GET' } };

  it('conditions the read-path PutItem (putAuditRecord) on the id not existing', async () => {
    // Prepare
    ddb.on(PutItemCommand).resolves({});
    // Act
    await putAuditRecord(new DynamoDBClient({}), AUDIT, record);
    // Assess
    expect(ddb.commandCalls(PutItemCommand).map((c) => c.args[0].input)).toEqual([
      { TableName: AUDIT, Item: record, ...NOT_EXISTS },
    ]);
  });

  it('conditions the audit Put of a change transaction (putAudit in writeWithAudit) on the id not existing', async () => {
    // Prepare
    ddb.on(TransactWriteItemsCommand).resolves({});
    const change = putItem('items', { id: { S: 'a' } }, { ConditionExpression: 'attribute_not_exists(#k)' });
    // Act
    await writeWithAudit(new DynamoDBClient({}), [change, putAudit(AUDIT, record)]);
    // Assess
    const [call] = ddb.commandCalls(TransactWriteItemsCommand);
    expect(call!.args[0].input.TransactItems?.[1]).toEqual({ Put: { TableName: AUDIT, Item: record, ...NOT_EXISTS } });
  });
});

describe('every audit write of every verb', () => {
  // A stored item with a version, as a previous write through Scoutr leaves it.
  const stored = {
    id: { S: 'a' },
    type: { S: 'dog' },
    name: { S: 'Rex' },
    price: { N: '10' },
    status: { S: 'available' },
    _version: { N: '1' },
  };
  const admin = {
    id: { S: 'admin-key' },
    type: { S: 'API_KEY' },
    permitted_endpoints: { L: [{ M: { method: { S: '*' }, endpoint: { S: '.*' } } }] },
  };
  let rt: Runtime;

  beforeEach(async () => {
    ddb.on(DescribeTableCommand).resolves({
      Table: {
        TableName: 'items',
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      },
    });
    ddb.on(BatchGetItemCommand).callsFake((input: { RequestItems: Record<string, unknown> }) => {
      const table = Object.keys(input.RequestItems)[0]!;
      return { Responses: { [table]: table === 'auth' ? [admin] : [] } };
    });
    ddb.on(GetItemCommand).resolves({ Item: stored });
    ddb.on(QueryCommand).resolves({ Items: [stored], Count: 1, ScannedCount: 1 });
    ddb.on(ScanCommand).resolves({ Items: [stored], Count: 1, ScannedCount: 1 });
    ddb.on(PutItemCommand).resolves({});
    ddb.on(UpdateItemCommand).resolves({});
    ddb.on(DeleteItemCommand).resolves({});
    ddb.on(TransactWriteItemsCommand).resolves({});
    const config = parseEnv(EnvSchema, {
      DATA_TABLE: 'items',
      AUTH_TABLE: 'auth',
      GROUP_TABLE: 'groups',
      AUDIT_TABLE: AUDIT,
      CURSOR_SECRET: 'unit-cursor-secret-0123456789',
    });
    rt = await createRuntime(app, config, { db: new DynamoDBClient({ region: 'us-east-1' }), log: silentLogger });
  });

  interface Row {
    verb: Verb;
    method: string;
    route: string;
    params?: Record<string, string>;
    query?: [string, string][];
    body?: unknown;
  }
  const today = new Date().toISOString().slice(0, 10);
  it.each<Row>([
    { verb: 'list', method: 'GET', route: '/items' },
    { verb: 'list', method: 'GET', route: '/items', query: [['type', 'dog']] },
    { verb: 'unique', method: 'GET', route: '/types' },
    { verb: 'search', method: 'POST', route: '/search/{search_key}', params: { search_key: 'type' }, body: ['dog'] },
    { verb: 'get', method: 'GET', route: '/item/{id}', params: { id: 'a' } },
    {
      verb: 'create',
      method: 'POST',
      route: '/item',
      body: { id: 'n', type: 'cat', name: 'Tom', price: 3, status: 'available' },
    },
    { verb: 'update', method: 'PUT', route: '/item/{id}', params: { id: 'a' }, body: { price: 12 } },
    { verb: 'update', method: 'PATCH', route: '/item/{id}', params: { id: 'a' }, body: { status: 'pending' } },
    { verb: 'update', method: 'PATCH', route: '/item/{id}', params: { id: 'a' }, body: { colour: null } }, // no change
    { verb: 'delete', method: 'DELETE', route: '/item/{id}', params: { id: 'a' } },
    { verb: 'custom', method: 'POST', route: '/item/{id}/sell', params: { id: 'a' }, body: { owner: 'o-1' } },
    { verb: 'audit', method: 'GET', route: '/audit', query: [['time__gte', today]] },
    { verb: 'audit', method: 'GET', route: '/audit/{item}', params: { item: 'a' } },
    { verb: 'history', method: 'GET', route: '/history/{item}', params: { item: 'a' } },
  ])('$verb $method $route: one audit record, put only if its id is new', async (r) => {
    // Act
    const res = await handleEvent(
      rt,
      r.verb,
      restEvent({
        method: r.method,
        route: r.route,
        apiKeyId: 'admin-key',
        ...(r.params ? { params: r.params } : {}),
        ...(r.query ? { query: r.query } : {}),
        ...(r.body === undefined ? {} : { body: JSON.stringify(r.body) }),
      }),
    );
    // Assess
    expect(res.statusCode < 300 ? 'ok' : `${res.statusCode} ${res.body}`).toBe('ok');
    const writes = writesTo(AUDIT);
    expect(writes).toHaveLength(1);
    expect(writes[0]!.kind).toMatch(/^(PutItemCommand|Transact\.Put)$/);
    expect(writes[0]!.input).toMatchObject(NOT_EXISTS);
  });

  it.each([
    { verb: 'user', method: 'GET', route: '/user' },
    { verb: 'hasPermission', method: 'POST', route: '/user/has-permission', body: '{"method":"GET","path":"/items"}' },
  ] as const)('$verb writes no audit record', async (r) => {
    const res = await handleEvent(
      rt,
      r.verb,
      restEvent({ method: r.method, route: r.route, apiKeyId: 'admin-key', ...('body' in r ? { body: r.body } : {}) }),
    );
    expect(res.statusCode).toBe(200);
    expect(writesTo(AUDIT)).toEqual([]);
  });
});
