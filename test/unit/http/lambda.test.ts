import { DescribeTableCommand, DynamoDBClient, ThrottlingException } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { EnvSchema, parseEnv } from '../../../src/config';
import { defineApp } from '../../../src/core/define-app';
import { silentLogger } from '../../../src/core/log';
import { lambdaHandler } from '../../../src/http/lambda';
import { noReporter } from '../../../src/http/sentry';
import { restEvent } from '../../factories/events';

// A cold start whose DescribeTable fails must not poison the container (issue 10.4): the failed request answers
// THROTTLED, and the next request builds the runtime again.

const ddb = mockClient(DynamoDBClient);
afterAll(() => ddb.restore());

const table = {
  Table: {
    TableName: 'data',
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' as const }],
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' as const }],
  },
};
const config = parseEnv(EnvSchema, {
  DATA_TABLE: 'data',
  AUTH_TABLE: 'auth',
  GROUP_TABLE: 'groups',
  AUDIT_TABLE: 'audit',
  CURSOR_SECRET: 'x'.repeat(32),
  AWS_REGION: 'us-east-1',
});
const preflight = () => restEvent({ method: 'OPTIONS', headers: { origin: 'https://example.com' } });

test('a DescribeTable that fails once is retried by the next request, then kept', async () => {
  ddb.reset();
  ddb
    .on(DescribeTableCommand)
    .rejectsOnce(new ThrottlingException({ message: 'Rate exceeded', $metadata: {} }))
    .resolves(table);
  const handler = lambdaHandler('list', defineApp({}), config, {
    db: new DynamoDBClient({ region: 'us-east-1' }),
    log: silentLogger,
    reporter: noReporter,
  });
  const first = await handler(preflight());
  expect(first.statusCode).toBe(429);
  expect(JSON.parse(first.body)).toEqual({ error: expect.any(String), code: 'THROTTLED' });
  expect(first.headers['Retry-After']).toBeDefined();

  const second = await handler(preflight());
  expect(second.statusCode).toBe(204);
  await handler(preflight());
  expect(ddb.commandCalls(DescribeTableCommand)).toHaveLength(2); // once failed, once built, then cached
});

test('an init that keeps failing keeps answering, and never caches the failure', async () => {
  ddb.reset();
  ddb.on(DescribeTableCommand).rejects(new Error('boom'));
  const handler = lambdaHandler('list', defineApp({}), config, {
    db: new DynamoDBClient({ region: 'us-east-1' }),
    log: silentLogger,
    reporter: noReporter,
  });
  for (let i = 0; i < 3; i++) {
    const res = await handler(preflight());
    expect(res.statusCode).toBe(500);
    expect(JSON.parse(res.body)).toEqual({ error: 'Internal error', code: 'INTERNAL' });
  }
  expect(ddb.commandCalls(DescribeTableCommand)).toHaveLength(3);
});
