// OWASP API2:2023 Broken Authentication. Scoutr's defence: it authenticates no one itself; it takes the identity
// API Gateway vouches for (JWT authorizer claims, a custom authorizer's principalId, the usage-plan API key id), or
// a bearer token it verifies against OIDC_JWKS_URL. Identity headers (Oidc-Claim-*) count only with
// TRUST_OIDC_HEADERS=true, which is off unless set, so on the deployed Lambda path a client cannot name itself; the
// Lambda path never reads `x-api-key`; a trusted header sent twice is 401, never merged; an identity without an auth
// record of its own type (an unknown API key, a user named like a group) has no role and is 401 (docs/reference/permissions.md#roles).
import { request } from 'node:http';
import { loadConfig } from '../../src/config';
import { lambdaHandler } from '../../src/http/lambda';
import { httpEvent, restEvent, shapes } from '../factories/events';
import type { Answer } from '../factories/http';
import { apiKey, expectError, memoryLogger, oidcGroup, userRecord } from '../factories/http';
import { as, type Harness, startHarness } from '../support/harness';
import { type JwksServer, type SigningKey, signingKey, startJwksServer } from '../support/jwks';

const everything = [{ method: '*', endpoint: '.*' }];
const listOnly = [{ method: 'GET', endpoint: '/items' }];
const seed = {
  items: [{ id: 'a', secret: 'only admins' }],
  authRecords: [
    userRecord('admin', { permitted_endpoints: everything }),
    oidcGroup('admins', { permitted_endpoints: everything }),
    apiKey('low-key', { permitted_endpoints: listOnly, exclude_fields: ['secret'] }),
    // a record of type USERNAME is not an API key, whatever its id
    userRecord('user-not-key', { permitted_endpoints: everything }),
  ],
};

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ seed });
});
afterAll(() => h.close());

/** The environment a deployment would have: only the required variables, nothing about header trust. */
const deployedEnv = (extra: Record<string, string> = {}) => ({
  DATA_TABLE: h.tables.data,
  AUTH_TABLE: h.tables.auth,
  GROUP_TABLE: h.tables.groups,
  DYNAMODB_ENDPOINT: process.env.DYNAMODB_ENDPOINT,
  CURSOR_SECRET: 'deployed-cursor-secret-0123456789',
  AUTH_CACHE_SECONDS: '0',
  LOG_LEVEL: 'silent',
  ...extra,
});

/** The deployed Lambda handler of one verb, built by loadConfig exactly as the generated Lambda entries build it. */
function deployed(verb: 'list' | 'user' | 'get', extra: Record<string, string> = {}) {
  const handler = lambdaHandler(verb, {}, loadConfig(deployedEnv(extra)), { db: h.db, log: memoryLogger() });
  return async (event: Parameters<typeof handler>[0]): Promise<Answer> => {
    const result = await handler(event);
    return {
      status: result.statusCode,
      headers: result.headers,
      body: result.body ? JSON.parse(result.body) : undefined,
      text: result.body,
    };
  };
}

describe('header trust is off by default when deployed', () => {
  it('parses a deployment without TRUST_OIDC_HEADERS as not trusting headers', () => {
    expect(loadConfig(deployedEnv()).TRUST_OIDC_HEADERS).toBe(false);
  });

  it.each(['TRUE', '1', 'yes', 'on'])('refuses TRUST_OIDC_HEADERS=%s rather than reading it as true', (value) => {
    expect(() => loadConfig(deployedEnv({ TRUST_OIDC_HEADERS: value }))).toThrow(/TRUST_OIDC_HEADERS/);
  });

  describe.each(shapes)('$shape events', ({ event }) => {
    it('answers forged Oidc-Claim-Sub and group headers 401 on a default deployment', async () => {
      const list = deployed('list');
      const forged = event({ headers: { 'Oidc-Claim-Sub': 'admin', 'Oidc-Claim-Groups': 'admins' } });
      expectError(await list(forged), 401, 'UNAUTHENTICATED');
    });

    it('trusts the same headers only once TRUST_OIDC_HEADERS=true (the control)', async () => {
      const list = deployed('list', { TRUST_OIDC_HEADERS: 'true' });
      expect((await list(event({ headers: { 'Oidc-Claim-Sub': 'admin' } }))).status).toBe(200);
    });

    it('never reads an x-api-key header on the Lambda path', async () => {
      expectError(await deployed('list')(event({ headers: { 'x-api-key': 'low-key' } })), 401, 'UNAUTHENTICATED');
    });
  });

  it('keeps the API key identity when forged headers ride along a REST request', async () => {
    // Prepare
    const whoAmI = deployed('user');
    const get = deployed('get');
    const headers = { 'Oidc-Claim-Sub': 'admin', 'Oidc-Claim-Groups': 'admins' };
    // Act
    const me = await whoAmI(restEvent({ route: '/user', headers, apiKeyId: 'low-key' }));
    const item = await get(restEvent({ route: '/item/{id}', params: { id: 'a' }, headers, apiKeyId: 'low-key' }));
    // Assess
    expect(me.body).toMatchObject({ id: 'low-key', source: 'api_key', groups: [] });
    expectError(item, 403, 'FORBIDDEN');
  });
});

// Each case sends the same value twice, so that a repeat merged, deduplicated or read once would let admin in.
describe('a trusted header sent twice is 401, never merged', () => {
  it.each<{ what: string; headers: Record<string, string | string[]> }>([
    { what: 'the user header twice', headers: { 'Oidc-Claim-Sub': ['admin', 'admin'] } },
    { what: 'the user header in two letter cases', headers: { 'Oidc-Claim-Sub': 'admin', 'oidc-claim-sub': 'admin' } },
    {
      what: 'the groups header twice',
      headers: { 'Oidc-Claim-Sub': 'nobody', 'Oidc-Claim-Groups': ['admins', 'admins'] },
    },
    { what: 'the email header twice', headers: { 'Oidc-Claim-Sub': 'admin', 'Oidc-Claim-Mail': ['a@x', 'b@x'] } },
  ])('answers a REST event with $what 401', async ({ headers }) => {
    const list = deployed('list', { TRUST_OIDC_HEADERS: 'true' });
    expectError(await list(restEvent({ headers })), 401, 'UNAUTHENTICATED');
  });

  it('does not make an HTTP API caller out of either of two joined user header values', async () => {
    // HTTP APIs join a repeated header with commas: "nobody,admin" names neither nobody nor admin
    const list = deployed('list', { TRUST_OIDC_HEADERS: 'true' });
    expectError(await list(httpEvent({ headers: { 'Oidc-Claim-Sub': ['nobody', 'admin'] } })), 401, 'UNAUTHENTICATED');
  });

  /** GET /items from the local server with these raw header lines: fetch would join a repeat into one line. */
  const rawGet = (lines: string[]) => {
    const url = new URL('/items', h.url);
    return new Promise<{ status: number; body: unknown }>((resolve, reject) => {
      const req = request(url, { method: 'GET', headers: ['Host', url.host, ...lines] }); // raw headers need a Host
      req.on('response', (r) => {
        let text = '';
        r.on('data', (c: Buffer) => {
          text += c.toString();
        });
        r.on('end', () => resolve({ status: r.statusCode ?? 0, body: JSON.parse(text) }));
      });
      req.on('error', reject);
      req.end();
    });
  };

  it.each([
    ['Oidc-Claim-Sub', 'admin'],
    ['x-api-key', 'low-key'], // locally the API key id; two name no key, and no identity is 401
  ])('answers two raw %s lines to the local server 401, and one line 200', async (name, value) => {
    expectError(await rawGet([name, value, name, value]), 401, 'UNAUTHENTICATED');
    expect((await rawGet([name, value])).status).toBe(200);
  });
});

describe('an identity without a record of its own type has no role', () => {
  it.each([
    { what: 'an unknown API key', headers: as.key('no-such-key') },
    { what: 'an API key named like a USERNAME record', headers: as.key('user-not-key') },
    { what: 'a user named like an OIDC group', headers: as.user('admins') },
    { what: 'an empty user header', headers: { 'Oidc-Claim-Sub': '' } },
    { what: 'no identity at all', headers: {} },
  ])('answers $what 401 UNAUTHENTICATED', async ({ headers }) => {
    expectError(await h.request('GET', '/items', { headers }), 401, 'UNAUTHENTICATED');
    expectError(await h.request('GET', '/user', { headers }), 401, 'UNAUTHENTICATED');
  });

  it('answers an unknown API key id on the Lambda path 401', async () => {
    expectError(await deployed('list')(restEvent({ apiKeyId: 'no-such-key' })), 401, 'UNAUTHENTICATED');
  });

  it('serves the known API key (the control)', async () => {
    expect((await h.request('GET', '/items', { headers: as.key('low-key') })).status).toBe(200);
  });
});

describe('with in-process JWT verification (OIDC_JWKS_URL)', () => {
  let idp: JwksServer;
  let key: SigningKey;
  const AUDIENCE = 'scoutr-security';
  beforeAll(async () => {
    key = await signingKey('k1');
    idp = await startJwksServer([key]);
  });
  afterAll(() => idp.close());
  const verifying = (verb: 'list' | 'user') =>
    deployed(verb, { OIDC_JWKS_URL: idp.url, OIDC_ISSUER: idp.issuer, OIDC_AUDIENCE: AUDIENCE });
  const seconds = () => Math.floor(Date.now() / 1000);

  it('ignores authorizer claims in the event, which Scoutr cannot check', async () => {
    const list = verifying('list');
    expectError(await list(restEvent({ claims: { sub: 'admin' } })), 401, 'UNAUTHENTICATED');
    expectError(await list(httpEvent({ claims: { sub: 'admin' } })), 401, 'UNAUTHENTICATED');
  });

  it('answers an unsigned (alg none) token and tokens signed by keys not in the key set 401', async () => {
    // Prepare
    const claims = { iss: idp.issuer, aud: AUDIENCE, sub: 'admin', exp: seconds() + 300 };
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
    const stranger = await (await signingKey('k1')).sign(claims); // same kid, another private key
    const unknownKid = await (await signingKey('k2')).sign(claims);
    const list = verifying('list');
    const bearer = (token: string) => restEvent({ headers: { Authorization: `Bearer ${token}` } });
    // Act / Assess
    for (const token of [unsigned, stranger, unknownKid]) {
      expectError(await list(bearer(token)), 401, 'UNAUTHENTICATED');
    }
    expect((await list(bearer(await key.sign(claims)))).status).toBe(200); // the control: the published key
  });
});
