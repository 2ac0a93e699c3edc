// OWASP API7:2023 Server Side Request Forgery. Does not apply to Scoutr by design: no URL is ever fetched from client
// input. Its only outbound calls are to DynamoDB (DYNAMODB_ENDPOINT or the region's endpoint) and, with in-process JWT
// verification, to the configured OIDC_JWKS_URL (https only, http only on loopback: src/config.ts). These tests pin
// that: a token's `jku`, `x5u` or embedded `jwk` header is never followed or trusted, URLs in bodies, queries and
// headers are data, and the next-page link is relative, never built from the client's Host (docs/reference/pagination.md#limit-and-next-links).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { apiKey, expectError } from '../factories/http';
import { as, type Harness, startHarness } from '../support/harness';
import { type JwksServer, type SigningKey, signingKey, startJwksServer } from '../support/jwks';

const AUDIENCE = 'scoutr-ssrf';
let idp: JwksServer;
let attacker: JwksServer;
let idpKey: SigningKey;
let attackerKey: SigningKey;
/** A loopback server that counts every request it receives: the target a forged URL would point at. */
let canary: { server: Server; url: string; hits: string[] };
let h: Harness;

beforeAll(async () => {
  idpKey = await signingKey('idp-1');
  attackerKey = await signingKey('idp-1'); // same kid as the real key: only where it is fetched from differs
  idp = await startJwksServer([idpKey]);
  attacker = await startJwksServer([attackerKey]);
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  canary = { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits };
  h = await startHarness({
    seed: {
      items: [{ id: 'a' }, { id: 'b' }, { id: 'c' }],
      authRecords: [
        { id: 'alice', type: 'USERNAME', permitted_endpoints: [{ method: '*', endpoint: '.*' }] },
        apiKey('k', { permitted_endpoints: [{ method: '*', endpoint: '.*' }] }),
      ],
    },
    env: {
      OIDC_JWKS_URL: idp.url,
      OIDC_ISSUER: idp.issuer,
      OIDC_AUDIENCE: AUDIENCE,
      TRUST_OIDC_HEADERS: 'false',
    },
  });
});
afterAll(async () => {
  await h.close();
  await idp.close();
  await attacker.close();
  await new Promise<void>((resolve) => {
    canary.server.close(() => resolve());
    canary.server.closeAllConnections();
  });
});

const seconds = () => Math.floor(Date.now() / 1000);
const claims = () => ({ iss: idp.issuer, aud: AUDIENCE, sub: 'alice', exp: seconds() + 300 });
const bearer = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });

describe('JWT headers that name a key location are not followed', () => {
  it('accepts a token signed by the configured key set (the control)', async () => {
    expect((await h.request('GET', '/items', bearer(await idpKey.sign(claims())))).status).toBe(200);
  });

  it.each([
    ['jku', () => ({ jku: attacker.url })],
    ['x5u', () => ({ x5u: attacker.url })],
    ['jku to the canary', () => ({ jku: `${canary.url}/jwks` })],
    ['an embedded jwk', () => ({ jwk: attackerKey.jwk })],
  ])('refuses a token signed by a key found through %s, fetching nothing from it', async (_, header) => {
    // Prepare
    const attackerFetches = attacker.fetches;
    const canaryHits = canary.hits.length;
    const token = await attackerKey.sign(claims(), header());
    // Act
    const res = await h.request('GET', '/items', bearer(token));
    // Assess
    expectError(res, 401, 'UNAUTHENTICATED');
    expect(attacker.fetches).toBe(attackerFetches);
    expect(canary.hits.length).toBe(canaryHits);
  });
});

describe('URLs from the client are data', () => {
  it('stores and answers a body full of URLs without fetching any', async () => {
    const body = { id: 'u1', url: `${canary.url}/body`, image: { href: `${canary.url}/img` }, $ref: `${canary.url}/r` };
    const res = await h.request('POST', '/item', { headers: as.key('k'), body });
    expect(res.status).toBe(201);
    expect(res.body).toEqual(body);
    expect(canary.hits).toEqual([]);
  });

  it('neither fetches nor echoes a URL sent in headers or the query', async () => {
    const headers = {
      ...as.key('k'),
      'X-Forwarded-Host': new URL(canary.url).host,
      Forwarded: `host=${new URL(canary.url).host}`,
      Referer: `${canary.url}/ref`,
      Origin: canary.url,
    };
    const res = await h.request('GET', `/items?_limit=1&url=${encodeURIComponent(`${canary.url}/q`)}`, { headers });
    expect(res.status).toBe(200);
    expect(canary.hits).toEqual([]);
  });

  it('builds the next link relative, never from the Host or forwarding headers', async () => {
    const headers = { ...as.key('k'), 'X-Forwarded-Host': 'evil.example', 'X-Forwarded-Proto': 'https' };
    const res = await h.request('GET', '/items?_limit=1', { headers });
    const link = res.headers.get('link') ?? '';
    expect(link).toMatch(/^<\/items\?_limit=1&_cursor=[A-Za-z0-9_-]+>; rel="next"$/);
    expect(link).not.toMatch(/evil|127\.0\.0\.1|http/);
  });
});
