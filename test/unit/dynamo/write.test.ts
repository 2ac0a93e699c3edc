import {
  DynamoDBClient,
  DynamoDBServiceException,
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { ScoutrError } from '../../../src/core/errors';
import { silentLogger } from '../../../src/core/log';
import {
  putAudit,
  putItem,
  type TxItem,
  versionCondition,
  WriteRaced,
  writeWithAudit,
} from '../../../src/dynamo/write';
import { errorResult } from '../../../src/http/respond';
import { answered } from '../../support/errors';

// The transactional write (docs/reference/writes.md#atomicity-and-optimistic-concurrency, docs/reference/audit.md#the-audit-record): which SDK failures mean "lost a race" (re-read and decide
// again), which mean "throttled" (429), and which are ours to answer 500.

const ddb = mockClient(DynamoDBClient);
const db = new DynamoDBClient({ region: 'us-east-1' });
beforeEach(() => ddb.reset());
afterAll(() => ddb.restore());

const meta = { $metadata: {} };
const change = putItem('data', { id: { S: 'a' }, _version: { N: '3' } }, versionCondition('id', 2));
const audit = putAudit('audit', { id: { S: '2025-01-01T00:00:00.000Z#x' } });

const canceled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
    CancellationReasons: codes.map((Code) => ({ Code })),
    ...meta,
  });

const failure = (items: TxItem[] = [change, audit]) =>
  writeWithAudit(db, items).then(
    () => undefined,
    (e: unknown) => e,
  );

it('sends the change and its audit record in one TransactWriteItems', async () => {
  ddb.on(TransactWriteItemsCommand).resolves({});
  await writeWithAudit(db, [change, audit]);
  expect(ddb).toHaveReceivedCommandTimes(TransactWriteItemsCommand, 1);
  expect(ddb).toHaveReceivedCommandWith(TransactWriteItemsCommand, { TransactItems: [change, audit] });
});

it.each([
  { codes: ['ConditionalCheckFailed', 'None'], own: true, why: "the item's own condition failed" },
  { codes: ['None', 'ConditionalCheckFailed'], own: false, why: "the audit record's condition failed" },
  { codes: ['TransactionConflict', 'None'], own: false, why: 'another transaction touched the item' },
  { codes: ['None', 'TransactionConflict'], own: false, why: 'another transaction touched the record' },
])('$codes is a lost race (WriteRaced, conditionFailed=$own): $why', async ({ codes, own }) => {
  ddb.on(TransactWriteItemsCommand).rejects(canceled(...codes));
  const err = await failure();
  expect(err).toBeInstanceOf(WriteRaced);
  expect((err as WriteRaced).conditionFailed).toBe(own);
  expect((err as WriteRaced).cause).toBeInstanceOf(TransactionCanceledException);
});

it.each([
  ['ThrottlingError', 'None'],
  ['None', 'ProvisionedThroughputExceeded'],
])('%s, %s is 429 THROTTLED with Retry-After', async (...codes) => {
  ddb.on(TransactWriteItemsCommand).rejects(canceled(...codes));
  const err = await failure();
  expect(err).toBeInstanceOf(ScoutrError);
  expect(answered(err)).toMatchObject({
    code: 'THROTTLED',
    status: 429,
    headers: { 'Retry-After': expect.any(String) },
  });
});

it('turns a throttled TransactWriteItems call into 429 as well', async () => {
  ddb.on(TransactWriteItemsCommand).rejects(new ProvisionedThroughputExceededException({ message: 'slow', ...meta }));
  const { result } = errorResult(await failure(), 'r', silentLogger);
  expect(result.statusCode).toBe(429);
  expect(result.headers['Retry-After']).toBeDefined();
});

it.each([
  { what: 'a cancellation for another reason', err: () => canceled('ValidationError', 'None') },
  {
    what: 'a ValidationException',
    err: () =>
      new DynamoDBServiceException({
        name: 'ValidationException',
        $fault: 'client',
        message: 'Item size has exceeded the maximum allowed size',
        ...meta,
      }),
  },
])('propagates $what untouched, which the boundary answers 500 INTERNAL without SDK text', async ({ err }) => {
  // Prepare
  const sdkError = err();
  ddb.on(TransactWriteItemsCommand).rejects(sdkError);
  // Act
  const thrown = await failure();
  const { result } = errorResult(thrown, 'r', silentLogger);
  // Assess
  expect(thrown).toBe(sdkError);
  expect(result.statusCode).toBe(500);
  expect(JSON.parse(result.body)).toEqual({ error: 'Internal error', code: 'INTERNAL' });
  expect(result.body).not.toMatch(/Transaction|Validation|Item size|socket/);
});

it('answers a network error after the SDK’s retries 503 THROTTLED with Retry-After, without SDK text', async () => {
  // Prepare: the SDK retried it already; TransactWriteItems carries a ClientRequestToken, so its retries are idempotent
  const sdkError = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
  ddb.on(TransactWriteItemsCommand).rejects(sdkError);
  // Act
  const thrown = await failure();
  const { result } = errorResult(thrown, 'r', silentLogger);
  // Assess
  expect(answered(thrown)).toMatchObject({ code: 'THROTTLED', status: 503, cause: sdkError });
  expect(result.statusCode).toBe(503);
  expect(result.headers['Retry-After']).toBeDefined();
  expect(result.body).not.toMatch(/socket/);
});
