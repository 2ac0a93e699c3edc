import type { JWTPayload } from 'jose';
import { createRuntime } from '../../../src/http/runtime';
import { httpEvent, restEvent, shapes } from '../../factories/events';
import {
  apiKey,
  auditRecords,
  expectError,
  get,
  invoke,
  memoryLogger,
  oidcGroup,
  userRecord,
} from '../../factories/http';
import { as, type Harness, startHarness } from '../../support/harness';
import { type JwksServer, type SigningKey, signingKey, startJwksServer } from '../../support/jwks';

// In-process JWT verification (docs/reference/identity.md#verified-bearer-tokens), through the local server and the Lambda code path,
// against a key set served on loopback by the test.

const AUDIENCE = 'scoutr-web';
const items = [get('/items'), get('/item/[^/]+')];
const seed = {
  items: [{ id: 'a' }],
  authRecords: [
    userRecord('alice', { permitted_endpoints: items }),
    oidcGroup('vets', { permitted_endpoints: items }),
    apiKey('key-1', { permitted_endpoints: items }),
  ],
};
const seconds = () => Math.floor(Date.now() / 1000);
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
// jose's refetch cooldown, shortened so that rotation takes a moment instead of 30 seconds
const COOLDOWN_MS = 300;
const pastCooldown = () => new Promise((r) => setTimeout(r, COOLDOWN_MS + 50));
const UNAUTHENTICATED = { error: 'Invalid bearer token', code: 'UNAUTHENTICATED' };

/** A harness that verifies tokens against `idp`; OIDC headers are not trusted unless `env` says so. */
const verifyingHarness = (idp: JwksServer, env: Record<string, string> = {}, log = memoryLogger()) =>
  startHarness({
    seed,
    env: {
      OIDC_JWKS_URL: idp.url,
      OIDC_ISSUER: idp.issuer,
      OIDC_AUDIENCE: AUDIENCE,
      OIDC_CLOCK_SKEW_SECONDS: '60',
      TRUST_OIDC_HEADERS: 'false',
      ...env,
    },
    overrides: { log, jwks: { cooldownMs: COOLDOWN_MS } },
  });

describe('with a key set on loopback', () => {
  let idp: JwksServer;
  let key: SigningKey;
  let h: Harness;
  const log = memoryLogger();
  /** A token of `key` for alice, valid for five minutes, with `claims` on top. */
  let token: (claims?: JWTPayload, header?: Record<string, unknown>, by?: SigningKey) => Promise<string>;

  beforeAll(async () => {
    key = await signingKey('k1', 'ES256');
    idp = await startJwksServer([key]);
    h = await verifyingHarness(idp, {}, log);
    token = (claims = {}, header = {}, by = key) =>
      by.sign({ iss: idp.issuer, aud: AUDIENCE, sub: 'alice', exp: seconds() + 300, ...claims }, header);
  });
  afterAll(async () => {
    await h.close();
    await idp.close();
  });

  it('answers 200 to a valid token, as the user its claims name', async () => {
    // Prepare
    const jwt = await token({
      'cognito:username': 'alice.l',
      email: 'alice@example.com',
      email_verified: true,
      name: 'Alice Liddell',
      'cognito:groups': ['vets'],
    });
    // Act
    const user = await h.request('GET', '/user', { headers: bearer(jwt) });
    const list = await h.request('GET', '/items', { headers: bearer(jwt) });
    // Assess
    expect(user.status).toBe(200);
    expect(user.body).toMatchObject({
      id: 'alice',
      source: 'jwt',
      username: 'alice.l',
      email: 'alice@example.com',
      name: 'Alice Liddell',
      groups: ['vets'],
    });
    expect((user.body as { roles: Array<{ id: string }> }).roles.map((r) => r.id)).toEqual(['alice', 'vets']);
    expect(list.status).toBe(200);
    expect(list.body).toEqual([{ id: 'a' }]);
  });

  it('accepts a token expired less than OIDC_CLOCK_SKEW_SECONDS ago', async () => {
    const res = await h.request('GET', '/items', { headers: bearer(await token({ exp: seconds() - 30 })) });
    expect(res.status).toBe(200);
  });

  it('accepts a token of the second default algorithm (RS256) once its key is published', async () => {
    // Prepare: a second key in the set, which this container has not fetched yet
    const rsa = await signingKey('k-rsa', 'RS256');
    idp.publish([key, rsa]);
    await pastCooldown();
    try {
      // Act
      const res = await h.request('GET', '/items', { headers: bearer(await token({}, {}, rsa)) });
      // Assess
      expect(res.status).toBe(200);
    } finally {
      idp.publish([key]);
    }
  });

  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  it.each<{ what: string; make: () => Promise<string> }>([
    { what: 'an expired token', make: () => token({ exp: seconds() - 120 }) },
    { what: 'a token not yet valid (nbf)', make: () => token({ nbf: seconds() + 120 }) },
    { what: 'a token of another issuer', make: () => token({ iss: 'https://elsewhere.example.com/' }) },
    { what: 'a token for another audience', make: () => token({ aud: 'another-app' }) },
    { what: 'a token without exp', make: () => token({ exp: undefined }) },
    { what: 'a token without the user claim', make: () => token({ sub: undefined }) },
    {
      what: 'an unsigned token (alg none)',
      make: async () =>
        `${part({ alg: 'none', kid: 'k1' })}.${part({ iss: idp.issuer, aud: AUDIENCE, sub: 'alice', exp: seconds() + 300 })}.`,
    },
    {
      what: 'a token whose kid the key set does not hold',
      make: async () =>
        (await signingKey('unknown-kid', 'ES256')).sign({
          iss: idp.issuer,
          aud: AUDIENCE,
          sub: 'alice',
          exp: seconds() + 300,
        }),
    },
    {
      what: 'a token signed by another key under a known kid',
      make: async () =>
        (await signingKey('k1', 'ES256')).sign({ iss: idp.issuer, aud: AUDIENCE, sub: 'alice', exp: seconds() + 300 }),
    },
    { what: 'a token that is not a JWT', make: async () => 'not-a-jwt' },
  ])('answers 401 to $what, saying nothing about why', async ({ make }) => {
    // Act
    const res = await h.request('GET', '/items', { headers: bearer(await make()) });
    // Assess
    expect(res.status).toBe(401);
    expect(res.body).toEqual(UNAUTHENTICATED);
  });

  it('does not fall back to the API key when the token is refused', async () => {
    const jwt = await token({ exp: seconds() - 120 });
    const res = await h.request('GET', '/items', { headers: { ...bearer(jwt), ...as.key('key-1') } });
    expect(res.body).toEqual(UNAUTHENTICATED);
  });

  it('still serves an API key caller who sends no token', async () => {
    const res = await h.request('GET', '/items', { headers: as.key('key-1') });
    expect(res.status).toBe(200);
  });

  it('ignores OIDC headers, which the local server no longer trusts once asked to verify tokens', async () => {
    expectError(await h.request('GET', '/items', { headers: as.user('alice') }), 401, 'UNAUTHENTICATED');
  });

  it('logs why a token was refused, and never the token', async () => {
    // Prepare
    const jwt = await token({ exp: seconds() - 120 });
    log.lines.length = 0;
    // Act
    await h.request('GET', '/items', { headers: bearer(jwt) });
    // Assess
    const denied = log.lines.find((l) => l.msg === 'request denied');
    expect(denied?.fields).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', token_error: 'ERR_JWT_EXPIRED' });
    expect(JSON.stringify(log.lines)).not.toContain(jwt.split('.')[1]);
  });

  it('refetches the key set for an unknown kid at most once per cooldown', async () => {
    // Prepare
    await pastCooldown();
    const stranger = await signingKey('k-stranger', 'ES256');
    const jwt = await stranger.sign({ iss: idp.issuer, aud: AUDIENCE, sub: 'alice', exp: seconds() + 300 });
    const before = idp.fetches;
    const started = Date.now();
    // Act
    for (let i = 0; i < 5; i++) expect((await h.request('GET', '/items', { headers: bearer(jwt) })).status).toBe(401);
    // Assess: one refetch, plus one per cooldown that passed on a slow machine
    expect(idp.fetches - before).toBeGreaterThanOrEqual(1);
    expect(idp.fetches - before).toBeLessThanOrEqual(1 + Math.floor((Date.now() - started) / COOLDOWN_MS));
  });

  describe.each(shapes)('through the Lambda code path, $shape event', ({ event }) => {
    it('takes the caller from a valid token in the Authorization header', async () => {
      const res = await invoke(h.runtime, 'user', event({ route: '/user', headers: bearer(await token()) }));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: 'alice', source: 'jwt' });
    });

    it('ignores unverified claims in the requestContext: without a token the caller is anonymous', async () => {
      // Prepare: what an authorizer would have put there, or anyone who invokes the function directly
      const forged = event({ route: '/items', claims: { sub: 'alice', 'cognito:groups': 'vets' } });
      // Act & Assess
      expectError(await invoke(h.runtime, 'list', forged), 401, 'UNAUTHENTICATED');
    });

    it('takes the verified token, not the requestContext claims, when both are there', async () => {
      const both = event({ route: '/user', claims: { sub: 'mallory' }, headers: bearer(await token()) });
      expect((await invoke(h.runtime, 'user', both)).body).toMatchObject({ id: 'alice' });
    });

    it('answers 401 to two Authorization headers whose names differ only in case, each with a valid token', async () => {
      // Prepare: REST keeps both names apart, HTTP APIs join them into one header; either way two tokens
      const twice = { Authorization: `Bearer ${await token()}`, authorization: `Bearer ${await token()}` };
      log.lines.length = 0;
      // Act
      const res = await invoke(h.runtime, 'user', event({ route: '/user', headers: twice }));
      // Assess: refused, and the log line still names the route
      expectError(res, 401, 'UNAUTHENTICATED');
      const denied = log.lines.find((l) => l.msg === 'request denied');
      expect(denied?.fields).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', route: 'GET', caller: 'unknown' });
    });

    it('reads the event headers once for the token, the request and CORS', async () => {
      // Prepare: count every read of the event's header fields
      const reads = new Map<PropertyKey, number>();
      const counted = new Proxy(event({ route: '/user', headers: { ...bearer(await token()), Origin: 'https://a' } }), {
        get(target, name, receiver) {
          if (name === 'headers' || name === 'multiValueHeaders') reads.set(name, (reads.get(name) ?? 0) + 1);
          return Reflect.get(target, name, receiver);
        },
      });
      // Act
      const res = await invoke(h.runtime, 'user', counted);
      // Assess
      expect(res.body).toMatchObject({ id: 'alice' });
      expect(Math.max(...reads.values())).toBe(1);
    });
  });

  it('ignores a REST custom authorizer principal as well', async () => {
    const res = await invoke(h.runtime, 'list', restEvent({ authorizer: { principalId: 'alice' } }));
    expectError(res, 401, 'UNAUTHENTICATED');
  });

  it('answers 500, not 401, when the key set cannot be fetched: the token may be fine', async () => {
    // Prepare: a container of its own (an empty key cache) whose identity provider fails
    const down = await startJwksServer([key]);
    down.failWith(503);
    const log500 = memoryLogger();
    const rt = await createRuntime(
      h.runtime.deps.app,
      { ...h.config, OIDC_JWKS_URL: down.url, OIDC_ISSUER: down.issuer },
      { db: h.db, log: log500 },
    );
    try {
      const jwt = await key.sign({ iss: down.issuer, aud: AUDIENCE, sub: 'alice', exp: seconds() + 300 });
      // Act
      const res = await invoke(rt, 'list', httpEvent({ headers: bearer(jwt) }));
      // Assess
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ error: 'Internal error', code: 'INTERNAL' });
      expect(log500.lines.some((l) => l.level === 'error' && l.msg === 'request failed')).toBe(true);
    } finally {
      await down.close();
    }
  });
});

describe('key rotation', () => {
  let idp: JwksServer;
  let h: Harness;
  let oldKey: SigningKey;
  let newKey: SigningKey;
  const claims = () => ({ aud: AUDIENCE, sub: 'alice', exp: seconds() + 300 });

  beforeAll(async () => {
    oldKey = await signingKey('2026-01', 'RS256');
    newKey = await signingKey('2026-02', 'RS256');
    idp = await startJwksServer([oldKey]);
    h = await verifyingHarness(idp);
  });
  afterAll(async () => {
    await h.close();
    await idp.close();
  });

  it('accepts the new key after the key set is refetched, and refuses the removed one', async () => {
    // Prepare: the old key is in this container's cache
    const oldToken = await oldKey.sign({ iss: idp.issuer, ...claims() });
    expect((await h.request('GET', '/items', { headers: bearer(oldToken) })).status).toBe(200);
    const fetched = idp.fetches;
    // Act: the provider replaces its key; once the cooldown has passed, a token of the new key refetches the set
    idp.publish([newKey]);
    await pastCooldown();
    const fresh = await h.request('GET', '/items', {
      headers: bearer(await newKey.sign({ iss: idp.issuer, ...claims() })),
    });
    const refetches = idp.fetches - fetched;
    const stale = await h.request('GET', '/items', { headers: bearer(oldToken) });
    // Assess
    expect(fresh.status).toBe(200);
    expect(refetches).toBe(1);
    expect(stale.status).toBe(401);
    expect(stale.body).toEqual(UNAUTHENTICATED);
  });
});

// docs/reference/identity.md#what-each-source-gives: a JWT user's username is a claim that identifies the user (JWT_USERNAME_CLAIM, default
// cognito:username), else the user id; never preferred_username, which OIDC says is neither unique nor stable and
// which users may often edit. `${user.username}` row filters and the audit record see the same username.
describe('the username of a verified token', () => {
  let idp: JwksServer;
  let key: SigningKey;
  const byUsername = {
    permitted_endpoints: items,
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Scoutr placeholder, not a JS template
    read_filters: [{ field: 'owner', value: '${user.username}' }],
  };
  const owned = [
    { id: 'of-alice', owner: 'alice' },
    { id: 'of-alice-l', owner: 'alice.l' },
    { id: 'of-handle', owner: 'al-handle' },
    { id: 'of-mallory', owner: 'mallory' },
  ];
  const start = (env: Record<string, string> = {}) =>
    startHarness({
      seed: { items: owned, authRecords: [userRecord('alice', byUsername)] },
      env: {
        OIDC_JWKS_URL: idp.url,
        OIDC_ISSUER: idp.issuer,
        OIDC_AUDIENCE: AUDIENCE,
        TRUST_OIDC_HEADERS: 'false',
        ...env,
      },
    });
  const sign = (claims: JWTPayload) =>
    key.sign({ iss: idp.issuer, aud: AUDIENCE, sub: 'alice', exp: seconds() + 300, ...claims });
  const seen = async (h: Harness, claims: JWTPayload) => {
    const res = await h.request('GET', '/items', { headers: bearer(await sign(claims)) });
    expect(res.status).toBe(200);
    return (res.body as Array<{ id: string }>).map((i) => i.id);
  };
  beforeAll(async () => {
    key = await signingKey('k-user', 'ES256');
    idp = await startJwksServer([key]);
  });
  afterAll(() => idp.close());

  describe('by default', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await start();
    });
    afterAll(() => h.close());

    it('never takes preferred_username: a user who renames themselves sees only their own rows', async () => {
      // Act
      const ids = await seen(h, { preferred_username: 'mallory' });
      // Assess: the username is the user id, alice
      expect(ids).toEqual(['of-alice']);
      const user = await h.request('GET', '/user', { headers: bearer(await sign({ preferred_username: 'mallory' })) });
      expect(user.body).toMatchObject({ id: 'alice', username: 'alice' });
    });

    it('takes cognito:username when the token has it', async () => {
      expect(await seen(h, { 'cognito:username': 'alice.l', preferred_username: 'mallory' })).toEqual(['of-alice-l']);
    });

    it('writes the same username into the audit record', async () => {
      // Act
      await seen(h, { preferred_username: 'mallory' });
      // Assess
      const records = await auditRecords(h);
      expect(records.length).toBeGreaterThan(0);
      for (const r of records)
        expect(r.user).toMatchObject({ id: 'alice', username: expect.not.stringMatching(/mallory/) });
    });
  });

  describe('with JWT_USERNAME_CLAIM=custom:handle,cognito:username', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await start({ JWT_USERNAME_CLAIM: 'custom:handle,cognito:username' });
    });
    afterAll(() => h.close());

    it('takes the first claim of the list the token has, then the user id', async () => {
      expect(await seen(h, { 'custom:handle': 'al-handle', 'cognito:username': 'alice.l' })).toEqual(['of-handle']);
      expect(await seen(h, { 'cognito:username': 'alice.l' })).toEqual(['of-alice-l']);
      expect(await seen(h, { preferred_username: 'mallory' })).toEqual(['of-alice']);
    });
  });
});
