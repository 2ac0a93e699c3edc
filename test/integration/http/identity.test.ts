import { request } from 'node:http';
import type { Runtime } from '../../../src/http/runtime';
import { httpEvent, restEvent } from '../../factories/events';
import { apiKey, expectError, get, invoke, oidcGroup, runtimeWith, userRecord } from '../../factories/http';
import { as, type Harness, startHarness } from '../../support/harness';

// docs/reference/identity.md#sources-in-order-of-precedence and "Roles", through the local server and through the Lambda code path with hand-built
// REST (v1) and HTTP API (v2) events.

const items = [get('/items')];
let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    seed: {
      items: [{ id: 'a' }],
      authRecords: [
        apiKey('key-1', { username: 'svc', email: 'svc@example.com', name: 'Service', permitted_endpoints: items }),
        userRecord('alice', { name: 'Alice Record', permitted_endpoints: items }),
        oidcGroup('staff', { permitted_endpoints: items }),
        oidcGroup('vets', { permitted_endpoints: items }),
        apiKey('bob', { permitted_endpoints: items }),
        userRecord('carol', { permitted_endpoints: items }),
        { id: 'untyped', permitted_endpoints: items },
        { id: 'typo', type: 'api_key', permitted_endpoints: items },
      ],
    },
  });
});
afterAll(() => h.close());

/** GET /user: who the API thinks the caller is. */
const whoAmI = async (headers: Record<string, string>) => h.request('GET', '/user', { headers });
const userEvent = { route: '/user' };

describe('without a role', () => {
  it.each([
    { who: 'no identity at all', headers: {} },
    { who: 'an unknown user', headers: as.user('nobody') },
    { who: 'an unknown API key id', headers: as.key('no-such-key') },
    { who: 'an unknown user with unknown groups', headers: as.user('nobody', ['nope']) },
  ])('answers 401 UNAUTHENTICATED to $who', async ({ headers }) => {
    // Act
    const res = await h.request('GET', '/items', { headers });
    // Assess
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'Unauthenticated', code: 'UNAUTHENTICATED' });
  });

  it.each(['/user', '/items'])('answers 401 on %s, which no caller without a role may use', async (path) => {
    expectError(await h.request('GET', path), 401, 'UNAUTHENTICATED');
  });

  it('answers 401 on /user/has-permission without a role', async () => {
    const res = await h.request('POST', '/user/has-permission', { body: { method: 'GET', path: '/items' } });
    expectError(res, 401, 'UNAUTHENTICATED');
  });
});

describe('records apply only through their own type (docs/reference/permissions.md#records-apply-only-to-their-own-type)', () => {
  it.each([
    { who: 'a user named like an OIDC_GROUP record', headers: as.user('vets') },
    { who: 'a user named like an API_KEY record', headers: as.user('bob') },
    { who: 'an API key id named like a USERNAME record', headers: as.key('carol') },
    { who: 'an API key id named like an OIDC_GROUP record', headers: as.key('staff') },
    { who: 'a group claim named like a USERNAME record', headers: as.user('nobody', ['alice']) },
    { who: 'a group claim named like an API_KEY record', headers: as.user('nobody', ['key-1']) },
    { who: 'a user whose record has no type', headers: as.user('untyped') },
    { who: 'an API key whose record has no type', headers: as.key('untyped') },
    { who: 'an API key whose record type is lower-case', headers: as.key('typo') },
  ])('answers 401 to $who', async ({ headers }) => {
    expectError(await h.request('GET', '/items', { headers }), 401, 'UNAUTHENTICATED');
  });

  it('gives a user without a record the roles of their OIDC groups', async () => {
    // Act
    const res = await whoAmI(as.user('nobody', ['vets', 'unknown-group']));
    // Assess
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: 'nobody', source: 'oidc', groups: ['vets', 'unknown-group'] });
    expect((res.body as { roles: Array<{ id: string; type: string }> }).roles).toEqual([
      expect.objectContaining({ id: 'vets', type: 'OIDC_GROUP' }),
    ]);
  });

  it('gives a user their own record and each group record as separate roles', async () => {
    const res = await whoAmI(as.user('alice', ['staff', 'vets']));
    expect((res.body as { roles: Array<{ id: string; type: string }> }).roles.map((r) => [r.id, r.type])).toEqual([
      ['alice', 'USERNAME'],
      ['staff', 'OIDC_GROUP'],
      ['vets', 'OIDC_GROUP'],
    ]);
  });
});

describe('identity sources through the local server', () => {
  it('names an API key caller from its record', async () => {
    // Act
    const res = await whoAmI(as.key('key-1'));
    // Assess
    expect(res.body).toMatchObject({
      id: 'key-1',
      source: 'api_key',
      username: 'svc',
      email: 'svc@example.com',
      name: 'Service',
      groups: [],
      api_key_id: 'key-1',
    });
  });

  it('prefers trusted OIDC headers to the API key, recording the key id only', async () => {
    // Act
    const res = await whoAmI({ ...as.key('key-1'), ...as.user('alice') });
    // Assess
    expect(res.body).toMatchObject({ id: 'alice', source: 'oidc', username: 'alice', api_key_id: 'key-1' });
    expect((res.body as { roles: Array<{ id: string }> }).roles.map((r) => r.id)).toEqual(['alice']);
  });

  it('reads the OIDC name, email and groups headers', async () => {
    // Act
    const res = await whoAmI({
      ...as.user('alice', ['staff']),
      'Oidc-Claim-Name': 'Alice Liddell',
      'Oidc-Claim-Mail': 'alice@example.com',
    });
    // Assess
    expect(res.body).toMatchObject({
      id: 'alice',
      name: 'Alice Liddell',
      email: 'alice@example.com',
      groups: ['staff'],
    });
  });

  it('answers 401 when a trusted OIDC header arrives twice', async () => {
    // Prepare: fetch would join the two values into one header line, so write them raw (raw headers need a Host).
    const url = new URL('/items', h.url);
    const headers = ['Host', url.host, 'Oidc-Claim-Sub', 'alice', 'Oidc-Claim-Sub', 'carol'];
    // Act
    const res = await new Promise<{ status: number; body: unknown }>((resolve, reject) => {
      const req = request(url, { method: 'GET', headers });
      req.on('response', (r) => {
        let text = '';
        r.on('data', (c: Buffer) => {
          text += c.toString();
        });
        r.on('end', () => resolve({ status: r.statusCode ?? 0, body: text ? JSON.parse(text) : text }));
      });
      req.on('error', reject);
      req.end();
    });
    // Assess
    expectError(res, 401, 'UNAUTHENTICATED');
  });
});

describe('identity sources through the Lambda code path', () => {
  it('takes a REST JWT caller from the Cognito claims, with groups and a verified email', async () => {
    // Prepare
    const claims = {
      sub: 'alice',
      'cognito:username': 'alice.l',
      email: 'alice@example.com',
      email_verified: 'true',
      name: 'Alice L',
      'cognito:groups': 'staff,vets',
    };
    // Act
    const res = await invoke(h.runtime, 'user', restEvent({ ...userEvent, claims, apiKeyId: 'key-1' }));
    // Assess
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: 'alice',
      source: 'jwt',
      username: 'alice.l',
      email: 'alice@example.com',
      name: 'Alice L',
      groups: ['staff', 'vets'],
      api_key_id: 'key-1',
    });
    expect((res.body as { roles: unknown[] }).roles).toHaveLength(3);
  });

  it.each([
    { shape: 'REST (Cognito authorizer claims)', make: restEvent },
    { shape: 'HTTP API (JWT authorizer claims)', make: httpEvent },
  ])('never takes a username from preferred_username in $shape claims', async ({ make }) => {
    // Prepare: a claim the user chose; no cognito:username
    const claims = { sub: 'alice', preferred_username: 'mallory' };
    // Act
    const res = await invoke(h.runtime, 'user', make({ ...userEvent, claims }));
    // Assess
    expect(res.body).toMatchObject({ id: 'alice', source: 'jwt', username: 'alice' });
  });

  it('takes the username from the claims JWT_USERNAME_CLAIM names, in order, in authorizer claims', async () => {
    // Prepare
    const rt = await runtimeWith(h, { JWT_USERNAME_CLAIM: ['custom:handle', 'cognito:username'] });
    const user = async (claims: Record<string, unknown>) =>
      (await invoke(rt, 'user', restEvent({ ...userEvent, claims }))).body;
    // Act & Assess
    expect(await user({ sub: 'alice', 'custom:handle': 'al', 'cognito:username': 'alice.l' })).toMatchObject({
      username: 'al',
    });
    expect(await user({ sub: 'alice', 'cognito:username': 'alice.l' })).toMatchObject({ username: 'alice.l' });
    expect(await user({ sub: 'alice', preferred_username: 'mallory' })).toMatchObject({ username: 'alice' });
  });

  it('leaves out a JWT email that is not verified', async () => {
    const claims = { sub: 'alice', email: 'alice@example.com', email_verified: false };
    const res = await invoke(h.runtime, 'user', restEvent({ ...userEvent, claims }));
    expect(res.body).toMatchObject({ id: 'alice', email: null });
  });

  it.each([
    { form: 'the `[a b]` string HTTP APIs produce', groups: '[staff vets]' },
    { form: 'a JSON array', groups: ['staff', 'vets'] },
    { form: 'a comma-separated string', groups: 'staff,vets' },
  ])('gives an HTTP API JWT caller the roles of the groups claim as $form', async ({ groups }) => {
    // Act
    const res = await invoke(h.runtime, 'list', httpEvent({ claims: { sub: 'zed', 'cognito:groups': groups } }));
    // Assess
    expect(res.status).toBe(200);
    expect(res.body).toEqual([{ id: 'a' }]);
  });

  it('takes a REST custom authorizer caller from principalId and its context', async () => {
    // Prepare
    const authorizer = { principalId: 'alice', username: 'al', email: 'al@example.com', name: 'Al', groups: 'vets' };
    // Act
    const res = await invoke(h.runtime, 'user', restEvent({ ...userEvent, authorizer }));
    // Assess
    expect(res.body).toMatchObject({
      id: 'alice',
      source: 'authorizer',
      username: 'al',
      email: 'al@example.com',
      name: 'Al',
      groups: ['vets'],
    });
  });

  it.each([
    { over: 'OIDC headers', spec: { claims: { sub: 'zed' }, headers: { 'Oidc-Claim-Sub': 'alice' } } },
    { over: 'an API key', spec: { claims: { sub: 'zed' }, apiKeyId: 'key-1' } },
    { over: 'a custom authorizer', spec: { claims: { sub: 'zed' } } },
  ])('lets the JWT identity win over $over, even when only the other would have a role', async ({ spec }) => {
    // Act: zed has no record, alice and key-1 do
    const res = await invoke(h.runtime, 'list', restEvent(spec));
    // Assess
    expectError(res, 401, 'UNAUTHENTICATED');
  });

  it('lets a custom authorizer win over OIDC headers and the API key', async () => {
    // Prepare
    const spec = { authorizer: { principalId: 'zed' }, headers: { 'Oidc-Claim-Sub': 'alice' }, apiKeyId: 'key-1' };
    // Act & Assess
    expectError(await invoke(h.runtime, 'list', restEvent(spec)), 401, 'UNAUTHENTICATED');
  });

  it.each(['OIDC-CLAIM-SUB', 'oidc-claim-sub', 'Oidc-Claim-Sub'])(
    'matches the trusted header %s case-insensitively',
    async (name) => {
      const res = await invoke(h.runtime, 'list', restEvent({ headers: { [name]: 'alice' } }));
      expect(res.status).toBe(200);
    },
  );

  it('answers 401 when a REST event carries a trusted header twice', async () => {
    const event = restEvent({ headers: { 'Oidc-Claim-Groups': ['vets', 'staff'], 'Oidc-Claim-Sub': 'alice' } });
    expectError(await invoke(h.runtime, 'list', event), 401, 'UNAUTHENTICATED');
  });

  it('uses the REST API key id only when nothing else identifies the caller', async () => {
    const res = await invoke(h.runtime, 'user', restEvent({ ...userEvent, apiKeyId: 'key-1' }));
    expect(res.body).toMatchObject({ id: 'key-1', source: 'api_key' });
  });

  it.each([
    { shape: 'REST v1', event: restEvent({ headers: { 'x-api-key': 'key-1' } }) },
    { shape: 'HTTP API v2', event: httpEvent({ headers: { 'x-api-key': 'key-1' } }) },
  ])('never reads an x-api-key header on the Lambda path ($shape)', async ({ event }) => {
    expectError(await invoke(h.runtime, 'list', event), 401, 'UNAUTHENTICATED');
  });
});

describe('OIDC header settings', () => {
  let untrusting: Runtime;
  let renamed: Runtime;
  beforeAll(async () => {
    untrusting = await runtimeWith(h, { TRUST_OIDC_HEADERS: false });
    renamed = await runtimeWith(h, {
      OIDC_USER_HEADER: 'X-Remote-User',
      OIDC_NAME_HEADER: 'X-Given, X-Family',
      OIDC_EMAIL_HEADER: 'X-Email',
      OIDC_GROUPS_HEADER: 'X-Remote-Groups',
    });
  });

  it('ignores OIDC headers unless TRUST_OIDC_HEADERS is true', async () => {
    const res = await invoke(untrusting, 'list', restEvent({ headers: as.user('alice') }));
    expectError(res, 401, 'UNAUTHENTICATED');
  });

  it('falls back to the API key when OIDC headers are not trusted', async () => {
    const res = await invoke(
      untrusting,
      'user',
      restEvent({ ...userEvent, headers: as.user('alice'), apiKeyId: 'key-1' }),
    );
    expect(res.body).toMatchObject({ id: 'key-1', source: 'api_key' });
  });

  it('does not reject a repeated OIDC header it does not trust', async () => {
    const event = restEvent({ headers: { 'Oidc-Claim-Sub': ['a', 'b'] }, apiKeyId: 'key-1' });
    expect((await invoke(untrusting, 'list', event)).status).toBe(200);
  });

  it('reads the headers OIDC_USER_HEADER, OIDC_NAME_HEADER, OIDC_EMAIL_HEADER and OIDC_GROUPS_HEADER name', async () => {
    // Prepare
    const headers = {
      'x-remote-user': 'zed',
      'X-Given': 'Zed',
      'X-Family': 'Zimmer',
      'X-Email': 'zed@example.com',
      'X-Remote-Groups': 'staff',
      'Oidc-Claim-Sub': 'alice',
    };
    // Act
    const res = await invoke(renamed, 'user', restEvent({ ...userEvent, headers }));
    // Assess
    expect(res.body).toMatchObject({
      id: 'zed',
      source: 'oidc',
      name: 'Zed Zimmer',
      email: 'zed@example.com',
      groups: ['staff'],
    });
  });

  it('ignores the default header names once others are configured', async () => {
    expectError(await invoke(renamed, 'list', restEvent({ headers: as.user('alice') })), 401, 'UNAUTHENTICATED');
  });
});
