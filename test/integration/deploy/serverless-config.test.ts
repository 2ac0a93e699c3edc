import app from '../../../example/petstore/scoutr.config';
import { routesFor } from '../../../src/core/routes';
import { osls } from './serverless';

// serverless.yml as osls resolves it (`osls print`: offline, no packaging): the JWT switch, CORS and the routes.

interface HttpEvent {
  method: string;
  path: string;
  private?: boolean;
  cors?: unknown;
  authorizer?: unknown;
}
interface Printed {
  functions: Record<string, { handler: string; events: { http?: HttpEvent }[] }>;
  provider: { environment: Record<string, string> };
}

const POOL = 'arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Example';
const ORIGINS = ['https://a.example', 'https://b.example'];

const print = async (env: Record<string, string> = {}) =>
  JSON.parse(await osls(['print', '--format', 'json'], env)) as Printed;
const httpEvents = (p: Printed) =>
  Object.entries(p.functions).flatMap(([fn, f]) => f.events.flatMap((e) => (e.http ? [{ fn, ...e.http }] : [])));

let plain: Printed;
let cognito: Printed;
let cors: Printed;
let oidc: Printed;
const OIDC = {
  OIDC_JWKS_URL: 'https://idp.example.com/.well-known/jwks.json',
  OIDC_ISSUER: 'https://idp.example.com/',
  OIDC_AUDIENCE: 'web,mobile',
  OIDC_CLOCK_SKEW_SECONDS: '30',
  OIDC_ALGORITHMS: 'RS256',
};
beforeAll(async () => {
  [plain, cognito, cors, oidc] = await Promise.all([
    print(),
    print({ SCOUTR_AUTH: 'cognito', COGNITO_USER_POOL_ARN: POOL }),
    print({ CORS_ORIGINS: ORIGINS.join(',') }),
    print(OIDC),
  ]);
}, 180_000);

describe('the JWT switch (SCOUTR_AUTH)', () => {
  it('puts a Cognito user pool authorizer on every http event with SCOUTR_AUTH=cognito', () => {
    // Act
    const events = httpEvents(cognito);
    // Assess
    expect(events).toHaveLength(routesFor(app).length);
    for (const e of events) {
      expect({ route: `${e.method} ${e.path}`, authorizer: e.authorizer }).toEqual({
        route: `${e.method} ${e.path}`,
        authorizer: { type: 'COGNITO_USER_POOLS', arn: POOL, identitySource: 'method.request.header.Authorization' },
      });
    }
  });

  it('keeps the API key required when the authorizer is on', () => {
    expect(httpEvents(cognito).filter((e) => e.private !== true)).toEqual([]);
  });

  it('puts no authorizer on any event by default', () => {
    const events = httpEvents(plain);
    expect(events).toHaveLength(routesFor(app).length);
    expect(events.filter((e) => Boolean(e.authorizer))).toEqual([]);
    expect(events.filter((e) => e.private !== true)).toEqual([]);
  });

  it.each<{ env: Record<string, string>; error: RegExp }>([
    { env: { SCOUTR_AUTH: 'cognito' }, error: /COGNITO_USER_POOL_ARN/ },
    { env: { SCOUTR_AUTH: 'jwt', COGNITO_USER_POOL_ARN: POOL }, error: /SCOUTR_AUTH must be apikey or cognito/ },
  ])(
    'refuses to resolve with $env',
    async ({ env, error }) => {
      await expect(print(env)).rejects.toThrow(error);
    },
    120_000,
  );
});

describe('in-process JWT verification (OIDC_*)', () => {
  it('passes the deploy-time OIDC_* variables to the functions, and no authorizer', () => {
    expect(oidc.provider.environment).toMatchObject(OIDC);
    expect(httpEvents(oidc).filter((e) => Boolean(e.authorizer))).toEqual([]);
  });

  it('leaves verification off without them', () => {
    const env = plain.provider.environment;
    expect(Object.keys(OIDC).map((k) => env[k])).toEqual(['', '', '', '', '']);
  });
});

describe('CORS (CORS_ORIGINS)', () => {
  it('gives every http event the configured origins, and the functions the same list', () => {
    // Act
    const events = httpEvents(cors);
    // Assess
    expect(events).toHaveLength(routesFor(app).length);
    for (const e of events) {
      expect({ route: `${e.method} ${e.path}`, cors: e.cors }).toEqual({
        route: `${e.method} ${e.path}`,
        cors: expect.objectContaining({ origins: ORIGINS, allowCredentials: false }),
      });
      expect((e.cors as { headers: string[] }).headers).toEqual(
        expect.arrayContaining(['Content-Type', 'Authorization', 'X-Api-Key', 'If-Match']),
      );
    }
    expect(cors.provider.environment.CORS_ORIGINS).toBe(ORIGINS.join(','));
  });

  it('configures no CORS without CORS_ORIGINS', () => {
    expect(httpEvents(plain).filter((e) => Boolean(e.cors))).toEqual([]);
    expect(plain.provider.environment.CORS_ORIGINS).toBe('');
  });
});

describe('DEFAULT_ROLE and ANONYMOUS_ROLE', () => {
  it('passes neither role by default (empty, which the config reads as unset)', () => {
    expect(plain.provider.environment).toMatchObject({ DEFAULT_ROLE: '', ANONYMOUS_ROLE: '' });
  });

  it('passes the roles a stage names with --param', async () => {
    // Act
    const printed = JSON.parse(
      await osls(['print', '--format', 'json', '--param=defaultRole=signed-in', '--param=anonymousRole=public']),
    ) as Printed;
    // Assess
    expect(printed.provider.environment).toMatchObject({ DEFAULT_ROLE: 'signed-in', ANONYMOUS_ROLE: 'public' });
  }, 120_000);
});

describe('the routes of serverless.yml', () => {
  it('are the routes of the route table, each on the function of its verb', () => {
    // Prepare
    const key = (r: { verb: string; method: string; path: string }) =>
      `${r.method.toUpperCase()} /${r.path.replace(/^\//, '')} → ${r.verb}`;
    // Act
    const declared = httpEvents(plain).map((e) => key({ verb: e.fn, method: e.method, path: e.path }));
    // Assess
    expect(declared.sort()).toEqual(routesFor(app).map(key).sort());
  });
});
