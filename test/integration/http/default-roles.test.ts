// biome-ignore-all lint/suspicious/noTemplateCurlyInString: auth records name the caller with the literal text ${user.id}
import type { Config } from '../../../src/config';
import { routesFor } from '../../../src/core/routes';
import { type LocalServer, startServer } from '../../../src/local/server';
import {
  apiKey,
  auditRecords,
  expectError,
  get,
  idsOf,
  memoryLogger,
  oidcGroup,
  recordingDb,
  runtimeWith,
  userRecord,
} from '../../factories/http';
import { as, type Harness, type Reply, startHarness } from '../../support/harness';

// docs/reference/permissions.md#roles: DEFAULT_ROLE (every caller with an identity also gets it) and ANONYMOUS_ROLE (the one role of
// a request without an identity), both records of type ROLE that no identity lookup finds. Through the local server.

const reads = [get('/items|/item/[^/]+')];
const role = (id: string, fields: Record<string, unknown> = {}) => ({ id, type: 'ROLE', ...fields });
const isPublic = [{ field: 'is_public', value: true }];

let h: Harness;
const servers: LocalServer[] = [];
beforeAll(async () => {
  h = await startHarness({
    env: { DEFAULT_ROLE: 'signed-in', ANONYMOUS_ROLE: 'public' },
    seed: {
      items: [
        { id: 'pub-1', is_public: true, owner: 'ann', cost: 5 },
        { id: 'pub-2', is_public: true, owner: 'bob', cost: 7 },
        { id: 'ann-1', is_public: false, owner: 'ann', cost: 9 },
        { id: 'bob-1', is_public: false, owner: 'bob' },
        { id: 'nobody-1', is_public: false },
      ],
      authRecords: [
        role('public', { permitted_endpoints: reads, read_filters: isPublic, groups: ['hide-cost'] }),
        role('signed-in', { permitted_endpoints: reads, read_filters: isPublic }),
        // Named by no setting, and would see every row: no identity may ever get it.
        role('hidden-role', { permitted_endpoints: [get('.*')] }),
        role('by-owner', { permitted_endpoints: reads, read_filters: [{ field: 'owner', value: '${user.id}' }] }),
        userRecord('ann', {
          permitted_endpoints: [...reads, { method: 'PATCH', endpoint: '/item/[^/]+' }],
          read_filters: [{ field: 'owner', value: '${user.id}' }],
        }),
        apiKey('auditor', { permitted_endpoints: [get('/audit')] }),
        oidcGroup('staff', { permitted_endpoints: reads, read_filters: [{ field: 'owner', value: 'bob' }] }),
      ],
      groups: [{ group_id: 'hide-cost', exclude_fields: ['cost'] }],
    },
  });
});
afterAll(async () => {
  for (const s of servers) await s.close();
  await h.close();
});

/** Another server over the same tables with other settings, as another deployment of the same records would be. */
async function serverWith(
  config: Partial<Config>,
  opts: Parameters<typeof runtimeWith>[2] = {},
): Promise<(method: string, path: string, headers?: Record<string, string>) => Promise<Reply>> {
  const runtime = await runtimeWith(h, config, opts);
  const server = await startServer({ runtime, routes: routesFor({}), host: '127.0.0.1', port: 0 });
  servers.push(server);
  return async (method, path, headers = {}) => {
    const res = await fetch(`${server.url}${path}`, { method, headers });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined, text };
  };
}

const rolesOf = (res: Reply) => (res.body as { roles: Array<{ id: string; type: string }> }).roles;

describe('a request without an identity, with ANONYMOUS_ROLE', () => {
  it("reads what the role's endpoints permit, narrowed by its read filters, without its groups' hidden fields", async () => {
    // Act
    const res = await h.request('GET', '/items');
    // Assess
    expect(res.status).toBe(200);
    expect(res.body).toEqual(
      expect.arrayContaining([
        { id: 'pub-1', is_public: true, owner: 'ann' },
        { id: 'pub-2', is_public: true, owner: 'bob' },
      ]),
    );
    expect(idsOf(res.body)).toEqual(['pub-1', 'pub-2']);
  });

  it('gets a public item, and 404 for one outside the read filters', async () => {
    expect((await h.request('GET', '/item/pub-2')).body).toEqual({ id: 'pub-2', is_public: true, owner: 'bob' });
    expectError(await h.request('GET', '/item/ann-1'), 404, 'NOT_FOUND');
  });

  it.each([
    { what: 'a create', method: 'POST', path: '/item', body: { id: 'new', is_public: true } },
    { what: 'an update', method: 'PATCH', path: '/item/pub-1', body: { cost: 1 } },
    { what: 'a delete', method: 'DELETE', path: '/item/pub-1', body: undefined },
    { what: 'a read of /audit', method: 'GET', path: '/audit', body: undefined },
  ])('answers $what its role does not permit 401, not 403: signing in may help', async ({ method, path, body }) => {
    // Act
    const res = await h.request(method, path, { body });
    // Assess
    expectError(res, 401, 'UNAUTHENTICATED');
  });

  it('says who it is on /user: no id, source anonymous, the one ROLE', async () => {
    // Act
    const res = await h.request('GET', '/user');
    // Assess
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: null, source: 'anonymous', username: null, groups: [], api_key_id: null });
    expect(rolesOf(res)).toEqual([
      expect.objectContaining({
        id: 'public',
        type: 'ROLE',
        groups: ['hide-cost'],
        exclude_fields: ['cost'],
        filters: expect.objectContaining({ read: { field: 'is_public', op: 'eq', value: true } }),
      }),
    ]);
  });

  it.each([
    { method: 'GET', path: '/items', allowed: true, reason: "role 'public' permits GET /items|/item/[^/]+" },
    {
      method: 'DELETE',
      path: '/item/pub-1',
      allowed: false,
      reason: "no rule of role 'public' matches DELETE /item/pub-1",
    },
  ])('answers /user/has-permission for $method $path', async ({ method, path, allowed, reason }) => {
    const res = await h.request('POST', '/user/has-permission', { body: { method, path } });
    expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: { allowed, reason } });
  });

  it('is audited as anonymous: no user id, the source address and user agent', async () => {
    // Act
    const res = await h.request('GET', '/item/pub-1', { headers: { 'User-Agent': 'anon-test/1' } });
    // Assess
    expect(res.status).toBe(200);
    const records = (await auditRecords(h)).filter((r) => r.path === '/item/pub-1' && r.action === 'GET');
    const mine = records.filter((r) => (r.user as { user_agent?: string }).user_agent === 'anon-test/1');
    expect(mine).toEqual([
      expect.objectContaining({
        user: { anonymous: true, source_ip: expect.any(String), user_agent: 'anon-test/1' },
      }),
    ]);
  });

  it('lets /audit find anonymous calls by user.anonymous', async () => {
    // Prepare
    await h.request('GET', '/items', { headers: { 'User-Agent': 'anon-list/1' } });
    await h.request('GET', '/items', { headers: as.user('ann') });
    // Act
    const since = new Date(Date.now() - 3_600_000).toISOString(); // an hour back, not /audit's default 366 days
    const query = `user.anonymous=true&action=LIST&time__gte=${since}`;
    const res = await h.request('GET', `/audit?${query}`, { headers: as.key('auditor') });
    // Assess
    expect(res.status).toBe(200);
    const users = (res.body as Array<{ user: Record<string, unknown> }>).map((r) => r.user);
    expect(users.length).toBeGreaterThan(0);
    expect(users.every((u) => u.anonymous === true && !('id' in u))).toBe(true);
    expect(users.map((u) => u.user_agent)).toContain('anon-list/1');
  });
});

describe('a request without an identity, without ANONYMOUS_ROLE', () => {
  it.each([
    { method: 'GET', path: '/items' },
    { method: 'GET', path: '/user' },
    { method: 'DELETE', path: '/item/pub-1' },
  ])('answers $method $path 401 UNAUTHENTICATED', async ({ method, path }) => {
    // Prepare
    const call = await serverWith({ ANONYMOUS_ROLE: undefined });
    // Act & Assess
    expectError(await call(method, path), 401, 'UNAUTHENTICATED');
  });
});

describe('a caller with an identity, with DEFAULT_ROLE', () => {
  it('sees the rows of their own record OR those of the default role: their own and the public ones', async () => {
    // Act
    const res = await h.request('GET', '/items', { headers: as.user('ann') });
    // Assess
    expect(res.status).toBe(200);
    expect(idsOf(res.body)).toEqual(['ann-1', 'pub-1', 'pub-2']);
    expect(res.body).toContainEqual({ id: 'ann-1', is_public: false, owner: 'ann', cost: 9 });
  });

  it('gets the default role after the roles of their record and groups, on /user', async () => {
    // Act
    const res = await h.request('GET', '/user', { headers: as.user('ann', ['staff']) });
    // Assess
    expect(res.body).toMatchObject({ id: 'ann', source: 'oidc' });
    expect(rolesOf(res).map((r) => [r.id, r.type])).toEqual([
      ['ann', 'USERNAME'],
      ['staff', 'OIDC_GROUP'],
      ['signed-in', 'ROLE'],
    ]);
  });

  it('gives a signed-in user with no record of their own the default role alone', async () => {
    // Act
    const res = await h.request('GET', '/items', { headers: as.user('zed') });
    const who = await h.request('GET', '/user', { headers: as.user('zed') });
    // Assess
    expect(idsOf(res.body)).toEqual(['pub-1', 'pub-2']);
    expect(rolesOf(who).map((r) => r.id)).toEqual(['signed-in']);
  });

  it('answers an endpoint no role of theirs permits 403, as before', async () => {
    expectError(await h.request('DELETE', '/item/pub-1', { headers: as.user('ann') }), 403, 'FORBIDDEN');
  });

  it("reads the default role in the same BatchGetItem as the caller's records: one auth call", async () => {
    // Prepare
    const recorded = recordingDb();
    const call = await serverWith({}, { db: recorded.db });
    // Act
    const res = await call('GET', '/user', as.user('ann', ['staff']));
    // Assess
    expect(rolesOf(res)).toHaveLength(3);
    expect(recorded.sent.filter((c) => c.tables.includes(h.tables.auth))).toEqual([
      { command: 'BatchGetItemCommand', tables: [h.tables.auth] },
    ]);
    recorded.db.destroy();
  });
});

describe('ROLE records are found by no identity lookup', () => {
  it.each([
    { who: 'an API key id', headers: as.key('hidden-role') },
    { who: 'a user id', headers: as.user('hidden-role') },
    { who: 'a group claim', headers: as.user('zed', ['hidden-role']) },
  ])('never gives $who equal to a ROLE record id that record, only the default role', async ({ headers }) => {
    // Act
    const res = await h.request('GET', '/items', { headers });
    const who = await h.request('GET', '/user', { headers });
    // Assess
    expect(idsOf(res.body)).toEqual(['pub-1', 'pub-2']);
    expect(rolesOf(who).map((r) => [r.id, r.type])).toEqual([['signed-in', 'ROLE']]);
  });

  it('answers 401 to an API key named like a ROLE record when there is no default role', async () => {
    // Prepare
    const call = await serverWith({ DEFAULT_ROLE: undefined });
    // Act & Assess
    expectError(await call('GET', '/items', as.key('hidden-role')), 401, 'UNAUTHENTICATED');
    expectError(await call('GET', '/items', as.key('public')), 401, 'UNAUTHENTICATED');
  });

  it('does not give an API key named like the anonymous role that role either', async () => {
    const call = await serverWith({ DEFAULT_ROLE: undefined });
    expectError(await call('GET', '/user', as.key('public')), 401, 'UNAUTHENTICATED');
  });
});

describe('${user.id} in the anonymous role', () => {
  it('matches nothing: an anonymous caller has no user id', async () => {
    // Prepare
    const call = await serverWith({ ANONYMOUS_ROLE: 'by-owner' });
    // Act
    const list = await call('GET', '/items');
    const one = await call('GET', '/item/nobody-1');
    const who = await call('GET', '/user');
    // Assess
    expect({ status: list.status, body: list.body }).toEqual({ status: 200, body: [] });
    expectError(one, 404, 'NOT_FOUND');
    expect(rolesOf(who)).toEqual([
      expect.objectContaining({ id: 'by-owner', filters: expect.objectContaining({ read: false }) }),
    ]);
  });
});

describe('a setting naming no ROLE record: 500 AUTH_CONFIG', () => {
  it.each([
    { setting: 'ANONYMOUS_ROLE', record: 'gone-role', why: 'a missing record', headers: {} },
    { setting: 'ANONYMOUS_ROLE', record: 'ann', why: 'a USERNAME record', headers: {} },
    { setting: 'DEFAULT_ROLE', record: 'gone-role', why: 'a missing record', headers: as.user('ann') },
    { setting: 'DEFAULT_ROLE', record: 'auditor', why: 'an API_KEY record', headers: as.key('auditor') },
    { setting: 'DEFAULT_ROLE', record: 'staff', why: 'an OIDC_GROUP record', headers: as.user('zed') },
  ])('answers $setting naming $why, naming the record in the log only', async ({ setting, record, headers }) => {
    // Prepare
    const log = memoryLogger();
    const call = await serverWith({ [setting]: record }, { log });
    // Act
    const res = await call('GET', '/items', headers);
    // Assess
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: 'Permission records are misconfigured', code: 'AUTH_CONFIG' });
    expect(res.text).not.toContain(record);
    expect(JSON.stringify(log.lines)).toContain(`${setting} names auth record ${record}`);
  });

  it('leaves a request the broken setting does not apply to alone', async () => {
    // Prepare: ANONYMOUS_ROLE is broken, but a signed-in caller gets DEFAULT_ROLE, not it
    const call = await serverWith({ ANONYMOUS_ROLE: 'gone-role' });
    // Act & Assess
    expect((await call('GET', '/items', as.user('ann'))).status).toBe(200);
  });
});
