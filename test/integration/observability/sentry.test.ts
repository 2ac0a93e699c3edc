import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as Sentry from '@sentry/node';
import app from '../../../example/petstore/scoutr.config';
import type { Config } from '../../../src/config';
import type { Verb } from '../../../src/core/routes';
import type * as LambdaModule from '../../../src/http/lambda';
import { handleEvent } from '../../../src/http/lambda';
import type * as RuntimeModule from '../../../src/http/runtime';
import { createReporter, type Reporter } from '../../../src/http/sentry';
import { type EventSpec, restEvent } from '../../factories/events';
import { localDb, uniqueName } from '../../support/db';
import { type Harness, startHarness } from '../../support/harness';

// A Runtime on DynamoDB Local whose reads cannot be audited (AUDIT_TABLE names a table that does not exist), so a
// read fails unexpectedly after it has read items: the 500 goes to Sentry through an in-memory transport.

const DSN = 'https://public@o0.ingest.sentry.io/1';
// Values that must never reach Sentry. Each is distinctive, so a plain substring search finds any copy.
const SECRET = {
  cursor: 'cursor-secret-5f2d9a7e41c3b8d0',
  apiKeyValue: 'api-key-value-0b8e6c2f9a41',
  authorization: 'Bearer eyJhbGciOiJub25lIn0.jwt-token-4d1e',
  itemName: 'item-name-value-93ac1f',
  itemCost: 'item-cost-value-27be44',
  filterValue: 'filter-value-6c0de1',
  bodyValue: 'body-value-81f3aa',
};

const sent: string[] = [];
const transport = (options: Parameters<typeof Sentry.createTransport>[0]) =>
  Sentry.createTransport(options, async (request) => {
    sent.push(typeof request.body === 'string' ? request.body : Buffer.from(request.body).toString('utf8'));
    return { statusCode: 200 };
  });
/** The event items of the envelopes sent since `from`. */
const eventsSince = (from: number) =>
  sent.slice(from).flatMap((body) => {
    const lines = body.split('\n');
    const out: Record<string, unknown>[] = [];
    for (let i = 1; i + 1 < lines.length; i += 2) {
      if ((JSON.parse(lines[i]!) as { type: string }).type === 'event') out.push(JSON.parse(lines[i + 1]!));
    }
    return out;
  });
type Crumb = { category: string; message: string; data?: Record<string, unknown> };
const crumbs = (event: Record<string, unknown>) =>
  ((event.breadcrumbs ?? []) as Crumb[]).map((b) => `${b.category}: ${b.message}`);

let h: Harness;
let db: DynamoDBClient;
let reporter: Reporter;
beforeAll(async () => {
  reporter = await createReporter(DSN, { transport, environment: 'it' });
  db = localDb(); // the runtime's own client: the breadcrumb middleware is added to it
  h = await startHarness({
    app,
    audit: false,
    env: { AUDIT_TABLE: uniqueName('missing-audit'), SENTRY_DSN: DSN, CURSOR_SECRET: SECRET.cursor },
    seed: {
      items: [{ id: 'p1', type: 'dog', name: SECRET.itemName, cost: SECRET.itemCost, status: 'available' }],
      authRecords: [
        { id: 'key-id-admin', type: 'API_KEY', permitted_endpoints: [{ method: '*', endpoint: '.*' }] },
        { id: 'key-id-reader', type: 'API_KEY', permitted_endpoints: [{ method: 'GET', endpoint: '/items' }] },
      ],
    },
    overrides: { reporter, db },
  });
});
afterAll(async () => {
  await h?.close();
  db?.destroy();
  await Sentry.close();
});

const headers = {
  'x-api-key': SECRET.apiKeyValue, // API Gateway checks the key's value; the Lambda sees its id
  Authorization: SECRET.authorization,
  'User-Agent': 'jest',
};
const send = (verb: Verb, spec: EventSpec) =>
  handleEvent(h.runtime, verb, restEvent({ apiKeyId: 'key-id-admin', headers, ...spec }));

describe('an unexpected failure', () => {
  it('is answered 500 without detail and reported once, tagged with the request id', async () => {
    // Prepare
    const from = sent.length;
    // Act
    const res = await send('list', {
      route: '/items',
      query: [['name', SECRET.filterValue]],
      requestId: 'req-500-list',
    });
    // Assess
    expect(res.statusCode).toBe(500);
    expect(JSON.parse(res.body)).toEqual({ error: 'Internal error', code: 'INTERNAL' });
    const events = eventsSince(from);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      tags: { request_id: 'req-500-list' },
      exception: { values: [{ type: 'ResourceNotFoundException' }] },
    });
  });

  it('carries the breadcrumbs of its request: identity, permissions, query and each DynamoDB command', async () => {
    // Prepare
    const from = sent.length;
    // Act
    await send('get', { route: '/item/{id}', params: { id: 'p1' }, requestId: 'req-500-get' });
    // Assess
    const [event] = eventsSince(from);
    // In order, each once, and only this request's: not the cold start's DescribeTable, which ran outside it.
    expect(crumbs(event!)).toEqual([
      'auth: identity resolved',
      'dynamodb: BatchGetItemCommand',
      'auth: permissions merged',
      'query: query compiled',
      'dynamodb: GetItemCommand',
      'dynamodb: PutItemCommand',
    ]);
  });

  it('has a query compiled breadcrumb for reads with a query, with counts and not values', async () => {
    // Prepare
    const from = sent.length;
    // Act
    await send('list', { route: '/items', query: [['name', SECRET.filterValue]], requestId: 'req-500-q' });
    // Assess
    const [event] = eventsSince(from);
    expect(crumbs(event!)).toEqual(
      expect.arrayContaining([
        'auth: identity resolved',
        'auth: permissions merged',
        'query: query compiled',
        'dynamodb: ScanCommand',
        'dynamodb: PutItemCommand',
      ]),
    );
    const compiled = (event!.breadcrumbs as Crumb[]).find((b) => b.message === 'query compiled');
    expect(compiled!.data).toEqual({ conditions: 1 });
  });

  it('keeps an earlier request out of the report', async () => {
    // Prepare: a successful request first, with breadcrumbs of its own
    expect((await send('user', { route: '/user', requestId: 'req-200-user' })).statusCode).toBe(200);
    const from = sent.length;
    // Act
    await send('get', { route: '/item/{id}', params: { id: 'p1' }, requestId: 'req-500-after' });
    // Assess
    const [event] = eventsSince(from);
    expect(crumbs(event!).filter((c) => c === 'auth: identity resolved')).toHaveLength(1);
  });

  it('sends no item value, body, filter value, API key value, Authorization header or CURSOR_SECRET', async () => {
    // Prepare
    const from = sent.length;
    // Act: a failed read, a failed create with a body and a failed read with a filter, from one caller
    await send('get', { route: '/item/{id}', params: { id: 'p1' } });
    await send('create', {
      method: 'POST',
      route: '/item',
      body: JSON.stringify({ type: 'cat', name: SECRET.bodyValue, price: 4, status: 'available' }),
    });
    await send('list', { route: '/items', query: [['cost', SECRET.filterValue]] });
    // Assess
    const envelopes = sent.slice(from).join('\n');
    expect(eventsSince(from)).toHaveLength(3);
    for (const value of Object.values(SECRET)) expect(envelopes).not.toContain(value);
  });
});

describe('a failure that is the caller’s', () => {
  it.each<{ status: number; verb: Verb; spec: EventSpec }>([
    { status: 401, verb: 'list', spec: { route: '/items', apiKeyId: 'key-id-unknown' } },
    { status: 403, verb: 'create', spec: { method: 'POST', route: '/item', apiKeyId: 'key-id-reader', body: '{}' } },
    { status: 400, verb: 'list', spec: { route: '/items', query: [['price__between', 'not-a-range']] } },
    { status: 404, verb: 'get', spec: { route: '/item/{id}', params: { id: 'absent' } } },
  ])('$status is reported to nobody', async ({ status, verb, spec }) => {
    // Prepare
    const from = sent.length;
    // Act
    const res = await send(verb, spec);
    await reporter.flush();
    // Assess
    expect(res.statusCode).toBe(status);
    expect(eventsSince(from)).toEqual([]);
  });
});

describe('without SENTRY_DSN', () => {
  it('runs on the no-op reporter, never loads @sentry/node, and still answers the failure 500', async () => {
    // Prepare
    let loaded = 0;
    let status = 0;
    let noop = false;
    const config: Config = { ...h.config, SENTRY_DSN: undefined };
    // Act: a runtime built the way the handlers build it, inside a module registry that counts Sentry loads
    await jest.isolateModulesAsync(async () => {
      jest.doMock('@sentry/node', () => {
        loaded++;
        return jest.requireActual('@sentry/node');
      });
      const { createRuntime } = (await import('../../../src/http/runtime')) as typeof RuntimeModule;
      const lambda = (await import('../../../src/http/lambda')) as typeof LambdaModule;
      const { noReporter } = await import('../../../src/http/sentry');
      const client = localDb();
      try {
        const rt = await createRuntime(app, config, { db: client, log: h.runtime.deps.log });
        noop = rt.reporter === noReporter;
        status = (await lambda.handleEvent(rt, 'list', restEvent({ route: '/items', apiKeyId: 'key-id-admin' })))
          .statusCode;
      } finally {
        client.destroy();
      }
    });
    // Assess
    expect(noop).toBe(true);
    expect(status).toBe(500);
    expect(loaded).toBe(0);
  });
});
