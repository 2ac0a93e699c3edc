import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import app from '../../../example/petstore/scoutr.config';
import type { Config } from '../../../src/config';
import { dataTableOf } from '../../../src/core/app';
import type { Verb } from '../../../src/core/routes';
import { handleEvent } from '../../../src/http/lambda';
import { jsonLogger } from '../../../src/http/log';
import { createRuntime, type Runtime } from '../../../src/http/runtime';
import { type EventSpec, restEvent } from '../../factories/events';
import { localDb, uniqueName } from '../../support/db';
import { type Harness, startHarness } from '../../support/harness';

// The request log on DynamoDB Local: one JSON line per request, with what it did and never what it carried.

// Values that must never reach a log line. Each is distinctive, so a plain substring search finds any copy.
const SECRET = {
  cursor: 'cursor-secret-3e9b0c2d7a15f4e8',
  apiKeyValue: 'api-key-value-c47d20e91b',
  authorization: 'Bearer eyJhbGciOiJub25lIn0.jwt-token-a51c',
  otherHeader: 'other-header-value-0d6f2b',
  itemName: 'item-name-value-5b71e0',
  itemCost: 'item-cost-value-e93a4c',
  filterValue: 'filter-value-2ad90f',
  bodyValue: 'body-value-7c13e5',
};

const lines: string[] = [];
const parsed = (from = 0) => lines.slice(from).map((l) => JSON.parse(l) as Record<string, unknown>);
let h: Harness;
let failing: Runtime; // the same tables, but reads cannot be audited: every read fails with a 500
let failingDb: DynamoDBClient;

beforeAll(async () => {
  const log = jsonLogger('info', (l) => lines.push(l));
  h = await startHarness({
    app,
    dataTable: dataTableOf(app),
    env: { CURSOR_SECRET: SECRET.cursor },
    seed: {
      items: [{ id: 'p1', type: 'dog', price: 10, status: 'available', name: SECRET.itemName, cost: SECRET.itemCost }],
      authRecords: [
        { id: 'key-id-admin', type: 'API_KEY', permitted_endpoints: [{ method: '*', endpoint: '.*' }] },
        { id: 'key-id-reader', type: 'API_KEY', permitted_endpoints: [{ method: 'GET', endpoint: '/items' }] },
      ],
    },
    overrides: { log },
  });
  failingDb = localDb();
  failing = await createRuntime(app, { ...h.config, AUDIT_TABLE: uniqueName('missing-audit') }, { db: failingDb, log });
});
afterAll(async () => {
  await h?.close();
  failingDb?.destroy();
});

const headers = {
  'x-api-key': SECRET.apiKeyValue, // API Gateway checks the key's value; the Lambda gets its id
  Authorization: SECRET.authorization,
  'X-Other': SECRET.otherHeader,
};
const send = (verb: Verb, spec: EventSpec, rt: Runtime = h.runtime) =>
  handleEvent(rt, verb, restEvent({ apiKeyId: 'key-id-admin', headers, ...spec }));

describe('one line per request', () => {
  it('records a read: ids, verb, route, caller, status, duration, counts, capacity and the plan', async () => {
    // Prepare
    const from = lines.length;
    // Act
    const res = await send('list', { route: '/items', query: [['status', 'available']], requestId: 'req-list-1' });
    // Assess
    expect(res.statusCode).toBe(200);
    const written = parsed(from);
    expect(written).toHaveLength(1);
    expect(written[0]).toEqual({
      level: 'info',
      time: expect.any(String),
      msg: 'request',
      requestId: 'req-list-1',
      verb: 'list',
      route: 'GET /items',
      caller: 'api_key:key-id-admin',
      status: 200,
      ms: expect.any(Number),
      count: 1,
      items_read: 1, // the item; the caller's auth record is counted in auth_calls
      dynamodb_calls: 1, // the Query; the audit write is not a read
      auth_calls: 1, // the auth BatchGetItem (the harness disables the auth cache)
      consumed_capacity: expect.any(Number),
      plan: { operation: 'Query', index: 'status-index', keyCondition: ['status eq'] },
      conditions: ['status:eq'],
    });
    expect(written[0]!.consumed_capacity).toBeGreaterThan(0);
  });

  it('records a single-item read with its GetItem plan', async () => {
    const from = lines.length;
    await send('get', { route: '/item/{id}', params: { id: 'p1' }, requestId: 'req-get-1' });
    expect(parsed(from)).toEqual([
      expect.objectContaining({
        requestId: 'req-get-1',
        verb: 'get',
        route: 'GET /item/{id}',
        status: 200,
        items_read: 1,
        dynamodb_calls: 1,
        auth_calls: 1,
        plan: { operation: 'GetItem' },
      }),
    ]);
  });

  it('records a write without its body', async () => {
    const from = lines.length;
    const body = JSON.stringify({ type: 'cat', name: SECRET.bodyValue, price: 4, status: 'available' });
    const res = await send('create', { method: 'POST', route: '/item', body, requestId: 'req-create-1' });
    expect(res.statusCode).toBe(201);
    expect(parsed(from)).toEqual([
      expect.objectContaining({ level: 'info', requestId: 'req-create-1', verb: 'create', status: 201, count: 1 }),
    ]);
  });

  it('records a failure as an error line and the request line with its code', async () => {
    // Act
    const from = lines.length;
    const res = await send('list', { route: '/items', requestId: 'req-500-1' }, failing);
    // Assess
    expect(res.statusCode).toBe(500);
    const written = parsed(from);
    expect(written.map((l) => `${l.level} ${l.msg}`)).toEqual(['error request failed', 'info request']);
    expect(written[0]).toMatchObject({
      requestId: 'req-500-1',
      code: 'INTERNAL',
      error: { name: 'ResourceNotFoundException' },
    });
    expect(written[1]).toMatchObject({ requestId: 'req-500-1', verb: 'list', status: 500, code: 'INTERNAL' });
  });
});

describe('denied requests', () => {
  it.each<{ status: number; verb: Verb; spec: EventSpec; caller: string; route: string }>([
    {
      status: 401,
      verb: 'list',
      spec: { route: '/items', apiKeyId: 'key-id-unknown' },
      caller: 'api_key:key-id-unknown',
      route: 'GET /items',
    },
    {
      status: 401,
      verb: 'list',
      spec: { route: '/items', apiKeyId: '' },
      caller: 'anonymous',
      route: 'GET /items',
    },
    {
      status: 403,
      verb: 'update',
      spec: { method: 'PATCH', route: '/item/{id}', params: { id: 'p1' }, apiKeyId: 'key-id-reader', body: '{}' },
      caller: 'api_key:key-id-reader',
      route: 'PATCH /item/{id}',
    },
  ])('logs a $status at warn, with the caller $caller and the route', async ({ status, verb, spec, caller, route }) => {
    // Prepare
    const from = lines.length;
    // Act
    const res = await send(verb, { ...spec, requestId: `req-${status}` });
    // Assess
    expect(res.statusCode).toBe(status);
    expect(parsed(from)).toEqual([
      expect.objectContaining({
        level: 'warn',
        msg: 'request denied',
        requestId: `req-${status}`,
        caller,
        route,
        status,
      }),
    ]);
  });
});

describe('LOG_LEVEL', () => {
  /** A runtime that logs the way a handler does (to stdout, at the configured level), on the harness tables. */
  async function stdoutRun(level: Config['LOG_LEVEL'], spec: EventSpec): Promise<Record<string, unknown>[]> {
    const client = localDb();
    const written: string[] = [];
    const rt = await createRuntime(app, { ...h.config, LOG_LEVEL: level }, { db: client });
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    try {
      await send(spec.apiKeyId === 'key-id-reader' ? 'create' : 'list', spec, rt);
    } finally {
      write.mockRestore();
      client.destroy();
    }
    return written.map((l) => JSON.parse(l) as Record<string, unknown>);
  }
  const ok: EventSpec = { route: '/items' };
  const denied: EventSpec = { method: 'POST', route: '/item', apiKeyId: 'key-id-reader', body: '{}' };

  it.each<{ level: Config['LOG_LEVEL']; spec: EventSpec; want: string[] }>([
    { level: 'debug', spec: ok, want: ['info request'] },
    { level: 'info', spec: ok, want: ['info request'] },
    { level: 'warn', spec: ok, want: [] },
    { level: 'warn', spec: denied, want: ['warn request denied'] },
    { level: 'error', spec: denied, want: [] },
    { level: 'silent', spec: denied, want: [] },
    { level: 'silent', spec: ok, want: [] },
  ])('at $level writes $want to stdout', async ({ level, spec, want }) => {
    const written = await stdoutRun(level, spec);
    expect(written.map((l) => `${l.level} ${l.msg}`)).toEqual(want);
  });

  it('defaults to info', () => {
    expect(h.config.LOG_LEVEL).toBe('info');
  });
});

describe('what a line never holds', () => {
  it('has no item value, body, filter value, header value, Authorization or CURSOR_SECRET', async () => {
    // Act: reads, writes, a failure and denials, all from callers sending the secret headers
    await send('list', { route: '/items', query: [['name', SECRET.filterValue]] });
    await send('search', {
      method: 'POST',
      route: '/search/{search_key}',
      params: { search_key: 'name' },
      body: JSON.stringify([SECRET.filterValue, SECRET.itemName]),
    });
    await send('get', { route: '/item/{id}', params: { id: 'p1' } });
    await send('update', {
      method: 'PATCH',
      route: '/item/{id}',
      params: { id: 'p1' },
      body: JSON.stringify({ cost: SECRET.bodyValue }),
    });
    await send('audit', { route: '/audit/{item}', params: { item: 'p1' } });
    await send('history', { route: '/history/{item}', params: { item: 'p1' } });
    await send('get', { route: '/item/{id}', params: { id: 'p1' } }, failing);
    await send('list', { route: '/items', query: [['cost', SECRET.filterValue]] }, failing);
    await send('update', { method: 'PATCH', route: '/item/{id}', params: { id: 'p1' }, apiKeyId: 'key-id-reader' });
    await send('list', { route: '/items', apiKeyId: 'key-id-unknown' });
    await send('list', { route: '/items', query: [['price__between', SECRET.filterValue]] });
    // Assess
    const all = lines.join('');
    expect(parsed().length).toBeGreaterThanOrEqual(11);
    for (const value of Object.values(SECRET)) expect(all).not.toContain(value);
  });
});
