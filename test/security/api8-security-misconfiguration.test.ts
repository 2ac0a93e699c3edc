// OWASP API8:2023 Security Misconfiguration. Scoutr's defence: safe defaults and one error boundary. CORS is off
// unless CORS_ORIGINS names origins, which are matched exactly (no suffix, no `null`, no credentials); every answer,
// errors included, is JSON with `application/json`; a 5xx says `Internal error` and nothing else (no stack, SDK text,
// table name, expression or validator message: docs/reference/errors.md#the-error-body), and a broken permission record says so without naming
// it (docs/reference/permissions.md#mistakes-in-the-records); a deployment refuses unsafe settings at cold start (no CURSOR_SECRET, a JWKS over plain http, HMAC or
// `none` JWT algorithms), and header trust is off unless set (see api2-authentication.test.ts).
import { loadConfig } from '../../src/config';
import { defineApp } from '../../src/core/define-app';
import { restEvent } from '../factories/events';
import { apiKey, expectError, invoke, memoryLogger, runtimeWith } from '../factories/http';
import { snapshot } from '../integration/write/support';
import { as, type Harness, startHarness } from '../support/harness';

const SECRET = 'secret-db-password-at-/var/task/validators.js';
const app = defineApp({
  fieldValidation: {
    probe: (value) => {
      if (value === 'throw') throw new Error(SECRET);
      if (value === 'garbage') return 'yes' as unknown as boolean;
      return true;
    },
  },
  customActions: {
    EXPLODE: {
      method: 'POST',
      path: '/item/{id}/explode',
      run: () => {
        throw new TypeError(`Cannot read properties of undefined (reading '${SECRET}')`);
      },
    },
  },
});
const ALLOWED = 'https://app.example';
const log = memoryLogger();

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    app,
    env: { CORS_ORIGINS: `${ALLOWED}, https://admin.example` },
    overrides: { log },
    seed: {
      items: [{ id: 'a', probe: 'ok' }],
      authRecords: [
        apiKey('k', { permitted_endpoints: [{ method: '*', endpoint: '.*' }] }),
        apiKey('broken-record-name', { permitted_endpoints: [{ method: 'GET', endpoint: '(?P<id>x)' }] }),
      ],
    },
  });
});
afterAll(() => h.close());

const send = (method: string, path: string, opts: { body?: unknown; headers?: Record<string, string> } = {}) =>
  h.request(method, path, { ...opts, headers: { ...as.key('k'), ...opts.headers } });

describe('CORS', () => {
  it('allows a listed origin exactly, with Vary: Origin, on answers and preflights', async () => {
    const res = await send('GET', '/items', { headers: { Origin: ALLOWED } });
    expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(res.headers.get('vary')).toBe('Origin');
    const pre = await h.request('OPTIONS', '/item/a', { headers: { Origin: ALLOWED } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(pre.headers.get('access-control-allow-methods')).toContain('DELETE');
  });

  it.each([
    'https://evil.example',
    'https://app.example.evil.example',
    'https://evil-app.example',
    'http://app.example',
    'https://app.example:8443',
    'null',
    'https://APP.EXAMPLE',
  ])('gives the origin %s no CORS header on answers, errors or preflights', async (origin) => {
    for (const res of [
      await send('GET', '/items', { headers: { Origin: origin } }),
      await send('GET', '/item/missing', { headers: { Origin: origin } }),
      await h.request('GET', '/items', { headers: { Origin: origin } }), // 401
      await h.request('OPTIONS', '/items', { headers: { Origin: origin, 'Access-Control-Request-Method': 'GET' } }),
    ]) {
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(res.headers.get('access-control-allow-methods')).toBeNull();
    }
  });

  it('never allows credentials', async () => {
    const pre = await h.request('OPTIONS', '/items', { headers: { Origin: ALLOWED } });
    expect(pre.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('sends no CORS header at all by default (CORS_ORIGINS unset), on the Lambda path too', async () => {
    // Prepare
    const rt = await runtimeWith(h, { CORS_ORIGINS: [] });
    // Act
    const pre = await invoke(rt, 'list', restEvent({ method: 'OPTIONS', headers: { Origin: ALLOWED } }));
    const res = await invoke(rt, 'list', restEvent({ apiKeyId: 'k', headers: { origin: ALLOWED } }));
    // Assess
    expect(Object.keys({ ...pre.headers, ...res.headers }).filter((k) => /^access-control/i.test(k))).toEqual([]);
  });
});

describe('error answers reveal nothing inside', () => {
  it.each([
    ['a validator that throws', 'POST', '/item', { id: 'n1', probe: 'throw' }],
    ['a validator returning garbage', 'POST', '/item', { id: 'n2', probe: 'garbage' }],
    ['a validator that throws on update', 'PATCH', '/item/a', { probe: 'throw' }],
    ['a custom action that throws', 'POST', '/item/a/explode', {}],
  ])(
    'answers %s with the bare 500 of docs/reference/errors.md#the-error-body and writes nothing',
    async (_, method, path, body) => {
      // Prepare
      const before = await snapshot(h);
      // Act
      const res = await send(method, path, { body });
      // Assess
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ error: 'Internal error', code: 'INTERNAL' });
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
      for (const inside of [SECRET, 'validators.js', h.tables.data, 'TypeError', 'Error:', '    at ']) {
        expect(res.text).not.toContain(inside);
      }
      expect(await snapshot(h)).toEqual(before);
    },
  );

  it('logs what it does not answer (the control: the detail existed)', () => {
    expect(JSON.stringify(log.lines)).toContain(SECRET);
  });

  it('answers a broken permission record 500 AUTH_CONFIG without naming the record or the rule', async () => {
    const res = await h.request('GET', '/items', { headers: as.key('broken-record-name') });
    expectError(res, 500, 'AUTH_CONFIG');
    expect(res.text).not.toMatch(/broken-record-name|\?P<id>/);
  });

  it.each([
    ['GET', '/items?a__nope=1'],
    ['GET', '/items?_cursor=forged'],
    ['POST', '/search/id'],
    ['GET', '/nowhere'],
    ['DELETE', '/items'],
  ])('answers %s %s as JSON naming no table or expression', async (method, path) => {
    const res = await send(method, path, { body: method === 'POST' ? '{not json' : undefined });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.text).not.toContain(h.tables.data);
    expect(res.text).not.toMatch(/ExpressionAttribute|FilterExpression|#n\d|:v\d|ValidationException|at \//);
  });

  it('sends no X-Powered-By or Server banner', async () => {
    const res = await send('GET', '/items');
    expect(res.headers.get('x-powered-by')).toBeNull();
    expect(res.headers.get('server')).toBeNull();
  });
});

describe('deployment configuration refuses unsafe settings at cold start', () => {
  const env = { DATA_TABLE: 'd', AUTH_TABLE: 'a', GROUP_TABLE: 'g', CURSOR_SECRET: 'a-cursor-secret-of-length' };
  const jwt = { OIDC_ISSUER: 'https://idp.example/', OIDC_AUDIENCE: 'app' };

  it('accepts a minimal safe deployment (the control)', () => {
    const config = loadConfig({ ...env, OIDC_JWKS_URL: 'https://idp.example/jwks', ...jwt });
    expect(config).toMatchObject({ TRUST_OIDC_HEADERS: false, CORS_ORIGINS: [], OIDC_ALGORITHMS: ['RS256', 'ES256'] });
  });

  it.each([
    ['no CURSOR_SECRET', { ...env, CURSOR_SECRET: undefined }, /CURSOR_SECRET/],
    ['a short CURSOR_SECRET', { ...env, CURSOR_SECRET: 'short' }, /CURSOR_SECRET/],
    ['a JWKS over plain http', { ...env, ...jwt, OIDC_JWKS_URL: 'http://idp.example/jwks' }, /OIDC_JWKS_URL/],
    ['HMAC JWT algorithms', { ...env, ...jwt, OIDC_JWKS_URL: 'https://i/j', OIDC_ALGORITHMS: 'HS256' }, /ALGORITHMS/],
    ['the none algorithm', { ...env, ...jwt, OIDC_JWKS_URL: 'https://i/j', OIDC_ALGORITHMS: 'none' }, /ALGORITHMS/],
    ['a JWKS without issuer', { ...env, OIDC_JWKS_URL: 'https://i/j', OIDC_AUDIENCE: 'app' }, /OIDC_ISSUER/],
    ['a JWKS without audience', { ...env, OIDC_JWKS_URL: 'https://i/j', OIDC_ISSUER: 'x' }, /OIDC_AUDIENCE/],
  ])('refuses %s', (_, vars, message) => {
    expect(() => loadConfig(vars)).toThrow(message);
  });
});
