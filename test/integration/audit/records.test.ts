import { as, type Harness, startHarness } from '../../support/harness';
import { type Row, scanAudit } from '../write/support';

// The audit records themselves (docs/reference/audit.md#the-audit-record): their fields, TTLs, what is audited and what is not.

jest.setTimeout(30_000);

// Clocks run in the future: DynamoDB Local, like DynamoDB, deletes records whose expire_time has passed.
const now = Date.parse('2035-05-05T05:05:05.123Z');
const readTtlDays = 7;
// A counter as the nonce: audit ids stay unique at a fixed clock, and a created item's first version is now × 1000.
let nonces = 0;
const nonce = () => (nonces++).toString(16).padStart(16, '0');
const created = now * 1000;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    overrides: { now: () => now, nonce },
    env: { AUDIT_READ_TTL_DAYS: String(readTtlDays) },
    seed: {
      items: [{ id: 'seeded', team: 'a', n: 1 }],
      authRecords: [
        {
          id: 'admin-key',
          type: 'API_KEY',
          name: 'Admin',
          username: 'root',
          email: 'root@example.com',
          permitted_endpoints: [{ method: '*', endpoint: '.*' }],
        },
        { id: 'reader', type: 'API_KEY', permitted_endpoints: [{ method: 'GET', endpoint: '/item/[^/]+' }] },
      ],
    },
  });
});
afterAll(() => h.close());

const admin = { ...as.key('admin-key'), 'user-agent': 'records-test/1.0' };

/** The records written by `act`. */
async function recordsOf(act: () => Promise<unknown>): Promise<Row[]> {
  const before = new Set((await scanAudit(h)).map((r) => r.id));
  await act();
  return (await scanAudit(h)).filter((r) => !before.has(r.id));
}

const common = {
  id: expect.stringMatching(/^2035-05-05T05:05:05\.123Z#.+$/),
  time: '2035-05-05T05:05:05.123Z',
  day_shard: expect.stringMatching(/^2035-05-05#[0-3]$/),
  user: {
    id: 'admin-key',
    name: 'Admin',
    username: 'root',
    email: 'root@example.com',
    api_key_id: 'admin-key',
    source_ip: expect.any(String),
    user_agent: 'records-test/1.0',
  },
};
const readExpiry = Math.floor(now / 1000) + readTtlDays * 86_400;

it('records a read about one item with its resource, its key and the read TTL', async () => {
  const records = await recordsOf(() => h.request('GET', '/item/seeded?', { headers: admin }));
  expect(records).toEqual([
    {
      ...common,
      action: 'GET',
      method: 'GET',
      path: '/item/seeded',
      path_params: { id: 'seeded' },
      query_params: {},
      resource: { id: 'seeded' },
      resource_key: 'seeded',
      expire_time: readExpiry,
    },
  ]);
});

it('records a list without resource_key, keeping every value of a repeated query parameter', async () => {
  const records = await recordsOf(() => h.request('GET', '/items?team=a&team=b&n__gt=0', { headers: admin }));
  expect(records).toEqual([
    {
      ...common,
      action: 'LIST',
      method: 'GET',
      path: '/items',
      path_params: {},
      query_params: { team: ['a', 'b'], n__gt: '0' },
      expire_time: readExpiry,
    },
  ]);
});

it('records a search with its body', async () => {
  const records = await recordsOf(() => h.request('POST', '/search/team', { headers: admin, body: ['a', 'z'] }));
  expect(records).toEqual([
    expect.objectContaining({ action: 'SEARCH', body: ['a', 'z'], path_params: { search_key: 'team' } }),
  ]);
  expect(records[0]).not.toHaveProperty('resource_key');
});

describe('change records', () => {
  it('CREATE carries the post-image, the time-based first version, history_key, changed and the body, and never expires', async () => {
    const records = await recordsOf(() =>
      h.request('POST', '/item', { headers: admin, body: { id: 'c-1', team: 'a', tags: ['x'] } }),
    );
    expect(records).toEqual([
      {
        ...common,
        action: 'CREATE',
        method: 'POST',
        path: '/item',
        path_params: {},
        query_params: {},
        body: { id: 'c-1', team: 'a', tags: ['x'] },
        resource: { id: 'c-1' },
        resource_key: 'c-1',
        history_key: 'c-1',
        version: created,
        item: { id: 'c-1', team: 'a', tags: ['x'] },
        changed: ['id', 'team', 'tags'],
      },
    ]);
  });

  it('UPDATE carries the whole post-image and only the changed fields', async () => {
    const records = await recordsOf(() =>
      h.request('PATCH', '/item/c-1', { headers: admin, body: { team: 'a', n: 2, tags: null } }),
    );
    expect(records).toEqual([
      expect.objectContaining({
        action: 'UPDATE',
        method: 'PATCH',
        body: { team: 'a', n: 2, tags: null },
        version: created + 1,
        history_key: 'c-1',
        item: { id: 'c-1', team: 'a', n: 2 },
        changed: ['n', 'tags'],
      }),
    ]);
    expect(records[0]).not.toHaveProperty('expire_time');
  });

  it('an update of an item written by others (no _version) starts its history at version 1', async () => {
    const records = await recordsOf(() => h.request('PATCH', '/item/seeded', { headers: admin, body: { n: 2 } }));
    expect(records).toEqual([expect.objectContaining({ action: 'UPDATE', version: 1, history_key: 'seeded' })]);
  });

  it('DELETE carries item null and the version after the last', async () => {
    const records = await recordsOf(() => h.request('DELETE', '/item/c-1', { headers: admin }));
    expect(records).toEqual([
      expect.objectContaining({
        action: 'DELETE',
        method: 'DELETE',
        version: created + 2,
        history_key: 'c-1',
        item: null,
      }),
    ]);
    expect(records[0]).not.toHaveProperty('body');
  });
});

describe('what is not audited', () => {
  it.each([
    { what: 'GET /user', method: 'GET', path: '/user', headers: admin },
    {
      what: 'POST /user/has-permission',
      method: 'POST',
      path: '/user/has-permission',
      headers: admin,
      body: { method: 'GET', path: '/items' },
    },
    { what: 'OPTIONS', method: 'OPTIONS', path: '/items', headers: admin },
    { what: 'a 401', method: 'GET', path: '/item/seeded', headers: {} },
    { what: 'a 403', method: 'DELETE', path: '/item/seeded', headers: as.key('reader') },
    { what: 'a 404', method: 'GET', path: '/item/absent', headers: admin },
    { what: 'a 400', method: 'GET', path: '/items?n__bogus=1', headers: admin },
    { what: 'a failed write', method: 'POST', path: '/item', headers: admin, body: { id: 'seeded' } },
  ])('$what', async ({ method, path, headers, body }) => {
    const records = await recordsOf(async () => {
      const res = await h.request(method, path, { headers, ...(body ? { body } : {}) });
      expect(res.status).not.toBe(500);
    });
    expect(records).toEqual([]);
  });
});
