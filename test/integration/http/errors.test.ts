import {
  DynamoDBServiceException,
  InternalServerError,
  ProvisionedThroughputExceededException,
  ThrottlingException,
} from '@aws-sdk/client-dynamodb';
import { type EventSpec, restEvent, shapes } from '../../factories/events';
import {
  apiKey,
  expectError,
  get,
  invoke,
  memoryLogger,
  post,
  recordingDb,
  runtimeWith,
  type SentCommand,
  userRecord,
} from '../../factories/http';
import { as, type Harness, startHarness } from '../../support/harness';

// docs/reference/errors.md#the-error-body: every error is JSON {error, code, details?}; 5xx bodies never carry a stack, SDK text, a table name
// or an expression. Each code the read path can answer, provoked for real.

const reads = [get('/items(/[^/]+/[^/]+)?'), get('/item/[^/]+'), post('/search/[^/]+')];
let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    seed: {
      items: [{ id: 'a', type: 'dog', cost: 3 }],
      groups: [
        { group_id: 'g-a', groups: ['g-b'] },
        { group_id: 'g-b', groups: ['g-a'] },
      ],
      authRecords: [
        apiKey('reader', { permitted_endpoints: reads, exclude_fields: ['cost'] }),
        userRecord('jwt-reader', { permitted_endpoints: [get('/items')] }),
        apiKey('bad-regex', { permitted_endpoints: [get('/items/(?P<name>x)')] }),
        apiKey('bad-method', { permitted_endpoints: [{ method: 'FETCH', endpoint: '/items' }] }),
        apiKey('unknown-group', { permitted_endpoints: reads, groups: ['ghost'] }),
        apiKey('cycle', { permitted_endpoints: reads, groups: ['g-a'] }),
        apiKey('bad-operator', {
          permitted_endpoints: reads,
          read_filters: [{ field: 'type', operator: 'regex', value: 'd.*' }],
        }),
        apiKey('misspelt', { permitted_endpoints: reads, exclude_field: ['cost'] }),
        apiKey('huge-filter', {
          permitted_endpoints: reads,
          read_filters: Array.from({ length: 301 }, (_, i) => ({ field: `f${i}`, operator: 'exists', value: true })),
        }),
      ],
    },
  });
});
afterAll(() => h.close());

const reader = as.key('reader');

describe('every error code of the read path answers {error, code, details?}', () => {
  it.each([
    { code: 'INVALID_JSON', status: 400, method: 'POST', path: '/search/type', body: 'not json' },
    { code: 'INVALID_BODY', status: 400, method: 'POST', path: '/search/type', body: { a: 1 } },
    { code: 'INVALID_QUERY', status: 400, method: 'GET', path: '/items?type__bogus=1' },
    {
      code: 'QUERY_TOO_COMPLEX',
      status: 400,
      method: 'GET',
      path: `/items?type__in=${encodeURIComponent(JSON.stringify(Array.from({ length: 400 }, (_, i) => i)))}`,
    },
    { code: 'INVALID_CURSOR', status: 400, method: 'GET', path: `/items?_cursor=${'A'.repeat(64)}` },
    { code: 'UNAUTHENTICATED', status: 401, method: 'GET', path: '/items', headers: {} },
    { code: 'FORBIDDEN', status: 403, method: 'GET', path: '/audit' },
    { code: 'FORBIDDEN', status: 403, method: 'GET', path: '/items?cost=3' },
    { code: 'NOT_FOUND', status: 404, method: 'GET', path: '/item/nope' },
    { code: 'NOT_FOUND', status: 404, method: 'GET', path: '/no/such/route' },
    {
      code: 'PAYLOAD_TOO_LARGE',
      status: 413,
      method: 'POST',
      path: '/search/type',
      body: Array.from({ length: 400 }, () => 'x'.repeat(1000)),
    },
    { code: 'URI_TOO_LONG', status: 414, method: 'GET', path: `/item/${'x'.repeat(2100)}` },
  ])('answers $status $code for $method $path', async ({ code, status, method, path, body, headers }) => {
    // Act
    const res = await h.request(method, path, { headers: headers ?? reader, body });
    // Assess
    expectError(res, status, code);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('names the parameter of an INVALID_QUERY and the fields of a field FORBIDDEN in details', async () => {
    expect((await h.request('GET', '/items?type__bogus=1', { headers: reader })).body).toEqual({
      error: expect.any(String),
      code: 'INVALID_QUERY',
      details: { param: 'type__bogus' },
    });
    expect((await h.request('GET', '/items?cost=3', { headers: reader })).body).toEqual({
      error: expect.any(String),
      code: 'FORBIDDEN',
      details: { fields: ['cost'] },
    });
  });
});

describe.each(shapes)('error answers to $shape events', ({ event }) => {
  it.each<{ code: string; status: number; spec: EventSpec }>([
    { code: 'UNAUTHENTICATED', status: 401, spec: {} },
    {
      code: 'FORBIDDEN',
      status: 403,
      spec: { route: '/item/{id}', params: { id: 'a' }, claims: { sub: 'jwt-reader' } },
    },
    { code: 'INVALID_QUERY', status: 400, spec: { query: [['type__bogus', '1']], claims: { sub: 'jwt-reader' } } },
  ])('answers $status $code as JSON', async ({ code, status, spec }) => {
    // Act
    const res = await invoke(h.runtime, spec.route ? 'get' : 'list', event(spec));
    // Assess
    expectError(res, status, code);
    expect(res.headers['Content-Type']).toMatch(/^application\/json/);
  });
});

describe('errors in the permission records: 500 AUTH_CONFIG', () => {
  it.each([
    { record: 'bad-regex', why: 'a Python-style named group' },
    { record: 'bad-method', why: 'an invalid method' },
    { record: 'unknown-group', why: 'an unknown group_id' },
    { record: 'cycle', why: 'a group cycle' },
    { record: 'bad-operator', why: 'an unknown filter operator' },
    { record: 'misspelt', why: 'an unknown field' },
    { record: 'huge-filter', why: "filters beyond DynamoDB's expression limits" },
  ])('answers $why without naming the record $record', async ({ record }) => {
    // Prepare
    const log = memoryLogger();
    const rt = await runtimeWith(h, {}, { log });
    // Act
    const res = await invoke(rt, 'list', restEvent({ apiKeyId: record }));
    // Assess
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: 'Permission records are misconfigured', code: 'AUTH_CONFIG' });
    expect(res.text).not.toContain(record);
    expect(JSON.stringify(log.lines)).toContain(record);
  });
});

describe('DynamoDB failures', () => {
  // Real SDK exceptions, as the SDK throws them: src/dynamo recognises them by class.
  type Options = { message: string; $metadata: { httpStatusCode: number } };
  const CLASSES: Record<string, (o: Options) => Error> = {
    ThrottlingException: (o) => new ThrottlingException(o),
    ProvisionedThroughputExceededException: (o) => new ProvisionedThroughputExceededException(o),
    InternalServerError: (o) => new InternalServerError(o),
  };
  const sdkError = (name: string, data: string) => {
    const o = {
      message: `${name}: table ${data} rejected #f0 = :v0 (Service: DynamoDb, Status Code: 400)`,
      $metadata: { httpStatusCode: 400 },
    };
    return CLASSES[name]?.(o) ?? new DynamoDBServiceException({ name, $fault: 'client', ...o });
  };

  async function failingWith(name: string) {
    const log = memoryLogger();
    const failing = recordingDb((c: SentCommand) =>
      c.command === 'ScanCommand' && c.tables.includes(h.tables.data) ? sdkError(name, h.tables.data) : undefined,
    );
    const rt = await runtimeWith(h, {}, { db: failing.db, log });
    return { res: await invoke(rt, 'list', restEvent({ apiKeyId: 'reader' })), log };
  }

  it.each([
    { name: 'ThrottlingException', status: 429, retryAfter: '1' },
    { name: 'ProvisionedThroughputExceededException', status: 429, retryAfter: '1' },
    { name: 'InternalServerError', status: 503, retryAfter: '2' },
  ])(
    'answers $name (after the SDK retries) with $status THROTTLED and Retry-After',
    async ({ name, status, retryAfter }) => {
      // Act
      const { res } = await failingWith(name);
      // Assess
      expectError(res, status, 'THROTTLED');
      expect(res.headers['Retry-After']).toBe(retryAfter);
      expect(res.text).not.toContain(h.tables.data);
    },
  );

  it('answers an unexpected SDK error with a bare 500 INTERNAL and logs it', async () => {
    // Act
    const { res, log } = await failingWith('ValidationException');
    // Assess
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: 'Internal error', code: 'INTERNAL' });
    expect(res.text).not.toMatch(/ValidationException|#f0|:v0|DynamoDb|stack|it-/);
    expect(log.lines).toContainEqual(
      expect.objectContaining({ level: 'error', fields: expect.objectContaining({ code: 'INTERNAL' }) }),
    );
    expect(JSON.stringify(log.lines)).toContain('ValidationException');
  });
});
