import type { JsonOut } from '../../../src/core/json';
import { routesFor } from '../../../src/core/routes';
import { startServer } from '../../../src/local/server';
import { restEvent } from '../../factories/events';
import {
  apiKey,
  auditRecords,
  expectError,
  get,
  invoke,
  memoryLogger,
  post,
  runtimeWith,
  userRecord,
} from '../../factories/http';
import { as, type Harness, startHarness } from '../../support/harness';

// docs/reference/audit.md#the-audit-record for reads: one audit record per successful read, written before the answer; none for failures,
// /user, /user/has-permission or OPTIONS; a read whose record cannot be written fails with a bare 500.

const NOW = Date.parse('2026-05-04T10:20:30.123Z');
const TTL_DAYS = 7;
const reads = [get('/items(/[^/]+/[^/]+)?'), get('/item/[^/]+'), post('/search/[^/]+')];
let nonce = 0;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    env: { AUDIT_READ_TTL_DAYS: String(TTL_DAYS) },
    overrides: { now: () => NOW, nonce: () => `n${++nonce}` },
    seed: {
      items: [{ id: 'a1', status: 'Active' }, { id: 'a2' }],
      authRecords: [
        apiKey('svc-key', { username: 'svc', email: 'svc@example.com', name: 'Service', permitted_endpoints: reads }),
        userRecord('alice', { permitted_endpoints: reads }),
      ],
    },
  });
});
afterAll(() => h.close());

type AuditRecord = { [key: string]: JsonOut };

/** Runs `act` and answers the audit records it added. */
async function added(act: () => Promise<unknown>): Promise<AuditRecord[]> {
  const before = new Set((await auditRecords(h)).map((r) => r.id));
  await act();
  return (await auditRecords(h)).filter((r) => !before.has(r.id));
}

const expireTime = Math.floor(NOW / 1000) + TTL_DAYS * 86_400;

describe('a successful read writes one record', () => {
  it('records a LIST with its path, query parameters, caller and expiry', async () => {
    // Act
    const records = await added(() =>
      h.request('GET', '/items?status=Active&qty=1&qty=2', {
        headers: { ...as.key('svc-key'), 'User-Agent': 'audit-test/1.0' },
      }),
    );
    // Assess
    expect(records).toEqual([
      {
        id: expect.stringMatching(/^2026-05-04T10:20:30\.123Z#n\d+$/),
        time: '2026-05-04T10:20:30.123Z',
        day_shard: expect.stringMatching(/^2026-05-04#[0-3]$/),
        action: 'LIST',
        method: 'GET',
        path: '/items',
        path_params: {},
        query_params: { status: 'Active', qty: ['1', '2'] },
        user: {
          id: 'svc-key',
          name: 'Service',
          username: 'svc',
          email: 'svc@example.com',
          api_key_id: 'svc-key',
          source_ip: expect.stringMatching(/127\.0\.0\.1$/),
          user_agent: 'audit-test/1.0',
        },
        expire_time: expireTime,
      },
    ]);
  });

  it('records a GET with the resource and its resource_key', async () => {
    // Act
    const records = await added(() => h.request('GET', '/item/a1', { headers: as.key('svc-key') }));
    // Assess
    expect(records).toEqual([
      expect.objectContaining({
        action: 'GET',
        path: '/item/a1',
        path_params: { id: 'a1' },
        query_params: {},
        resource: { id: 'a1' },
        resource_key: 'a1',
        expire_time: expireTime,
      }),
    ]);
  });

  it('records a path-filtered LIST with its path parameters and no resource_key', async () => {
    // Act
    const records = await added(() => h.request('GET', '/items/status/Active', { headers: as.key('svc-key') }));
    // Assess
    expect(records).toEqual([
      expect.objectContaining({
        action: 'LIST',
        path: '/items/status/Active',
        path_params: { search_key: 'status', search_value: 'Active' },
      }),
    ]);
    expect(records[0]).not.toHaveProperty('resource_key');
    expect(records[0]).not.toHaveProperty('resource');
  });

  it('records a SEARCH with its values as the body', async () => {
    const records = await added(() =>
      h.request('POST', '/search/status', { headers: as.key('svc-key'), body: ['Active', 3] }),
    );
    expect(records).toEqual([
      expect.objectContaining({ action: 'SEARCH', method: 'POST', path: '/search/status', body: ['Active', 3] }),
    ]);
  });

  it('records an OIDC user as the headers named them', async () => {
    // Act
    const records = await added(() =>
      h.request('GET', '/item/a2', {
        headers: { ...as.user('alice'), 'Oidc-Claim-Name': 'Alice L', 'Oidc-Claim-Mail': 'alice@example.com' },
      }),
    );
    // Assess
    expect(records[0]?.user).toEqual({
      id: 'alice',
      username: 'alice',
      name: 'Alice L',
      email: 'alice@example.com',
      source_ip: expect.stringMatching(/127\.0\.0\.1$/),
      user_agent: expect.any(String),
    });
  });

  it('records the API key id of a JWT caller and the source IP from the request context only', async () => {
    // Prepare
    const event = restEvent({
      route: '/item/{id}',
      params: { id: 'a1' },
      claims: { sub: 'alice' },
      apiKeyId: 'svc-key',
      sourceIp: '203.0.113.5',
      headers: { 'X-Forwarded-For': '10.9.8.7' },
    });
    // Act
    const records = await added(() => invoke(h.runtime, 'get', event));
    // Assess
    expect(records[0]?.user).toMatchObject({ id: 'alice', api_key_id: 'svc-key', source_ip: '203.0.113.5' });
  });

  it('writes two records for two identical reads in the same millisecond', async () => {
    // Act: the clock is fixed, so both calls share their time
    const records = await added(async () => {
      await h.request('GET', '/item/a1', { headers: as.key('svc-key') });
      await h.request('GET', '/item/a1', { headers: as.key('svc-key') });
    });
    // Assess
    expect(records).toHaveLength(2);
    expect(new Set(records.map((r) => r.id)).size).toBe(2);
    expect(new Set(records.map((r) => r.time)).size).toBe(1);
  });
});

describe('no record is written', () => {
  it.each([
    { what: '401', method: 'GET', path: '/items', headers: {}, status: 401 },
    { what: '403', method: 'GET', path: '/audit', headers: as.key('svc-key'), status: 403 },
    { what: '404', method: 'GET', path: '/item/no-such', headers: as.key('svc-key'), status: 404 },
    { what: '400', method: 'GET', path: '/items?qty__bogus=1', headers: as.key('svc-key'), status: 400 },
    { what: 'GET /user', method: 'GET', path: '/user', headers: as.key('svc-key'), status: 200 },
    { what: 'OPTIONS', method: 'OPTIONS', path: '/items', headers: {}, status: 204 },
  ])('for $what', async ({ method, path, headers, status }) => {
    // Act
    let got = 0;
    const records = await added(async () => {
      got = (await h.request(method, path, { headers })).status;
    });
    // Assess
    expect(got).toBe(status);
    expect(records).toEqual([]);
  });

  it('for /user/has-permission', async () => {
    const records = await added(() =>
      h.request('POST', '/user/has-permission', {
        headers: as.key('svc-key'),
        body: { method: 'GET', path: '/items' },
      }),
    );
    expect(records).toEqual([]);
  });

  it('when AUDIT_TABLE is not set, and the read is still served', async () => {
    // Prepare
    const rt = await runtimeWith(h, { AUDIT_TABLE: undefined });
    // Act
    let status = 0;
    const records = await added(async () => {
      status = (await invoke(rt, 'get', restEvent({ route: '/item/{id}', params: { id: 'a1' }, apiKeyId: 'svc-key' })))
        .status;
    });
    // Assess
    expect(status).toBe(200);
    expect(records).toEqual([]);
  });
});

describe('an unaudited read is not served', () => {
  it('answers 500 INTERNAL with no SDK text or table name when the audit table is missing', async () => {
    // Prepare: a server whose AUDIT_TABLE names a table that does not exist
    const log = memoryLogger();
    const rt = await runtimeWith(h, { AUDIT_TABLE: 'no-such-audit-table' }, { log });
    const server = await startServer({ runtime: rt, routes: routesFor({}), host: '127.0.0.1', port: 0 });
    try {
      // Act
      const list = await fetch(`${server.url}/items`, { headers: as.key('svc-key') });
      const one = await fetch(`${server.url}/item/a1`, { headers: as.key('svc-key') });
      const me = await fetch(`${server.url}/user`, { headers: as.key('svc-key') });
      // Assess
      for (const res of [list, one]) {
        expect(res.status).toBe(500);
        const text = await res.text();
        expect(JSON.parse(text)).toEqual({ error: 'Internal error', code: 'INTERNAL' });
        expect(text).not.toMatch(/no-such-audit-table|ResourceNotFound|non-existent|stack|\bat\b/i);
      }
      expect(me.status).toBe(200);
      expect(log.lines.filter((l) => l.level === 'error')).toHaveLength(2);
    } finally {
      await server.close();
    }
  });

  it('answers the same 500 through the Lambda code path', async () => {
    // Prepare
    const rt = await runtimeWith(h, { AUDIT_TABLE: 'no-such-audit-table' });
    // Act
    const res = await invoke(rt, 'list', restEvent({ apiKeyId: 'svc-key' }));
    // Assess
    expectError(res, 500, 'INTERNAL');
    expect(res.body).toEqual({ error: 'Internal error', code: 'INTERNAL' });
  });
});
