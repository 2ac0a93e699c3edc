import {
  DynamoDBClient,
  DynamoDBServiceException,
  GetItemCommand,
  InternalServerError,
  ProvisionedThroughputExceededException,
  PutItemCommand,
  QueryCommand,
  RequestLimitExceeded,
  ResourceNotFoundException,
  ThrottlingException,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { ScoutrError } from '../../../src/core/errors';
import type { Logger } from '../../../src/core/log';
import { putAuditRecord } from '../../../src/dynamo/audit';
import { translateError } from '../../../src/dynamo/errors';
import { getItem, readPages } from '../../../src/dynamo/read';
import { errorResult } from '../../../src/http/respond';
import { answered } from '../../support/errors';

// SDK errors → ScoutrError (docs/reference/errors.md#throttled): throttling is 429 with Retry-After, anything unexpected reaches the boundary
// untouched and is answered 500 INTERNAL without a word of SDK text.

const ddb = mockClient(DynamoDBClient);
const db = new DynamoDBClient({ region: 'us-east-1' });
beforeEach(() => ddb.reset());
afterAll(() => ddb.restore());

const meta = { $metadata: {} };
/** What the SDK throws for an error code it has no class for: the base exception, named by the code. */
const unmodelled = (name: string, httpStatusCode: number) =>
  new DynamoDBServiceException({ name, $fault: 'server', message: name, $metadata: { httpStatusCode } });
const SDK_TEXT = 'Requested resource not found: Table: secret-prod-table not found';

/** A logger that keeps what it was given. */
function recordingLogger() {
  const lines: Array<{ level: string; msg: string; fields: Record<string, unknown> | undefined }> = [];
  const at =
    (level: string) =>
    (msg: string, fields?: Record<string, unknown>): void => {
      lines.push({ level, msg, fields });
    };
  const log: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { log, lines };
}

describe('translateError', () => {
  it.each([
    new ProvisionedThroughputExceededException({ message: 'slow down', ...meta }),
    new ThrottlingException({ message: 'slow down', ...meta }),
    new RequestLimitExceeded({ message: 'limit', ...meta }),
    unmodelled('TooManyRequestsException', 429),
  ])('turns $name into 429 THROTTLED with Retry-After', (sdkError) => {
    const e = translateError(sdkError);
    expect(e).toBeInstanceOf(ScoutrError);
    expect(answered(e)).toMatchObject({
      code: 'THROTTLED',
      status: 429,
      headers: { 'Retry-After': expect.any(String) },
    });
    expect((e as ScoutrError).cause).toBe(sdkError);
  });

  it.each([
    new InternalServerError({ message: 'boom', ...meta }),
    unmodelled('ServiceUnavailable', 503),
    unmodelled('InternalFailure', 500),
  ])('turns $name (DynamoDB unavailable) into 503 THROTTLED with Retry-After', (sdkError) => {
    const e = translateError(sdkError);
    expect(answered(e)).toMatchObject({
      code: 'THROTTLED',
      status: 503,
      headers: { 'Retry-After': expect.any(String) },
    });
  });

  // What the HTTP handler throws when DynamoDB does not answer: no SDK class, only a name or Node's error code.
  const timeout = Object.assign(new Error('a request has exceeded the configured 1000 ms requestTimeout'), {
    name: 'TimeoutError',
    code: 'ETIMEDOUT',
  });
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8000'), { code: 'ECONNREFUSED' });
  it.each([
    { what: 'a request timeout', err: timeout },
    { what: 'a socket timeout', err: Object.assign(new Error('socket timed out'), { name: 'TimeoutError' }) },
    { what: 'an aborted call', err: Object.assign(new Error('Request aborted'), { name: 'AbortError' }) },
    { what: 'a refused connection', err: refused },
    { what: 'a reset connection', err: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) },
    { what: 'refused on every address', err: new AggregateError([refused, refused], 'connect failed') },
    { what: 'a wrapped network error', err: new Error('request failed', { cause: refused }) },
  ])('turns $what (DynamoDB unreachable) into 503 THROTTLED with Retry-After', ({ err }) => {
    const e = translateError(err);
    expect(answered(e)).toMatchObject({
      code: 'THROTTLED',
      status: 503,
      headers: { 'Retry-After': expect.any(String) },
    });
    expect((e as ScoutrError).cause).toBe(err);
  });

  it('goes by the exception class, not by a name an unrelated error happens to carry', () => {
    const lookalike = Object.assign(new Error('not from the SDK'), { name: 'ThrottlingException' });
    expect(translateError(lookalike)).toBe(lookalike);
  });

  it('returns anything else unchanged', () => {
    const sdkError = new ResourceNotFoundException({ message: SDK_TEXT, ...meta });
    const own = new ScoutrError('NOT_FOUND', 404, 'x');
    const plain = new Error('plain');
    expect(translateError(sdkError)).toBe(sdkError);
    expect(translateError(own)).toBe(own);
    expect(translateError(plain)).toBe(plain);
    expect(translateError('text')).toBe('text');
  });
});

describe('reads and the read audit write, through the mock', () => {
  it.each([
    {
      what: 'GetItem',
      fail: (e: Error) => ddb.on(GetItemCommand).rejects(e),
      run: () => getItem(db, { table: 't', key: { id: { S: 'a' } } }),
    },
    {
      what: 'Query pages',
      fail: (e: Error) => ddb.on(QueryCommand).rejects(e),
      run: async () => {
        for await (const _ of readPages(db, { operation: 'Query', input: { TableName: 't' } }, undefined)) {
          // nothing: the first page fails
        }
      },
    },
    {
      what: 'the audit PutItem of a read',
      fail: (e: Error) => ddb.on(PutItemCommand).rejects(e),
      run: () => putAuditRecord(db, 'audit', { id: { S: 'x' } }),
    },
  ])('$what answers 429 with Retry-After when DynamoDB throttles', async ({ fail, run }) => {
    // Prepare
    fail(new ProvisionedThroughputExceededException({ message: 'slow down', ...meta }));
    // Act
    const err = await run().then(
      () => undefined,
      (e: unknown) => e,
    );
    // Assess
    const { result } = errorResult(err, 'req-1', recordingLogger().log);
    expect(result.statusCode).toBe(429);
    expect(result.headers['Retry-After']).toBe('1');
    expect(JSON.parse(result.body)).toMatchObject({ code: 'THROTTLED' });
  });

  it('lets any other SDK error through to the boundary, which answers 500 INTERNAL and logs it', async () => {
    // Prepare
    ddb.on(GetItemCommand).rejects(new ResourceNotFoundException({ message: SDK_TEXT, ...meta }));
    const { log, lines } = recordingLogger();
    // Act
    const err = await getItem(db, { table: 'secret-prod-table', key: { id: { S: 'a' } } }).catch((e: unknown) => e);
    const { result, error } = errorResult(err, 'req-2', log);
    // Assess
    expect(err).toBeInstanceOf(ResourceNotFoundException);
    expect(result.statusCode).toBe(500);
    expect(JSON.parse(result.body)).toEqual({ error: 'Internal error', code: 'INTERNAL' });
    expect(result.body).not.toMatch(/secret-prod-table|ResourceNotFound|Requested resource/);
    expect(error.cause).toBe(err);
    expect(lines).toEqual([
      {
        level: 'error',
        msg: 'request failed',
        fields: expect.objectContaining({ requestId: 'req-2', code: 'INTERNAL' }),
      },
    ]);
  });
});
