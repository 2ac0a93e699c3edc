import { resolve } from 'node:path';
import { preflightHeaders } from '../../../src/http/cors';

// deploy/*.js: what serverless.yml's switches resolve to, per environment (serverless calls each once, unchanged).

type Resolver = () => unknown;
const load = (name: string) => require(resolve(__dirname, '../../../deploy', name)) as Resolver;
const cors = load('cors.js');
const authorizer = load('authorizer.js');
const exclude = load('esbuild-exclude.js');

const SWITCHES = ['CORS_ORIGINS', 'SCOUTR_AUTH', 'COGNITO_USER_POOL_ARN', 'SENTRY_DSN', 'OIDC_JWKS_URL'];
const saved = Object.fromEntries(SWITCHES.map((k) => [k, process.env[k]]));
const withEnv = <T>(env: Record<string, string>, run: () => T): T => {
  for (const k of SWITCHES) delete process.env[k];
  Object.assign(process.env, env);
  try {
    return run();
  } finally {
    for (const k of SWITCHES) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  }
};

describe('deploy/cors.js', () => {
  it.each([
    { CORS_ORIGINS: '', want: false },
    { CORS_ORIGINS: ' , ', want: false },
    { CORS_ORIGINS: 'https://a.example', want: ['https://a.example'] },
    { CORS_ORIGINS: ' https://a.example, https://b.example ,', want: ['https://a.example', 'https://b.example'] },
  ])('turns CORS_ORIGINS=$CORS_ORIGINS into $want', ({ CORS_ORIGINS, want }) => {
    const got = withEnv({ CORS_ORIGINS }, cors);
    if (want === false) expect(got).toBe(false);
    else expect(got).toEqual(expect.objectContaining({ origins: want, allowCredentials: false }));
  });

  it('is off when CORS_ORIGINS is unset', () => {
    expect(withEnv({}, cors)).toBe(false);
  });

  it('lets API Gateway allow the same request headers the Lambda allows (the local server answers preflights)', () => {
    // Prepare
    const deployed = withEnv({ CORS_ORIGINS: 'https://a.example' }, cors) as { headers: string[] };
    // Act
    const local = preflightHeaders(['https://a.example'], 'https://a.example', 'GET')['Access-Control-Allow-Headers'];
    // Assess
    const norm = (hs: string[]) => hs.map((x) => x.trim().toLowerCase()).sort();
    expect(norm(deployed.headers)).toEqual(norm(local!.split(',')));
  });
});

describe('deploy/authorizer.js', () => {
  const pool = 'arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Example';

  it('adds no authorizer by default or with SCOUTR_AUTH=apikey', () => {
    expect(withEnv({}, authorizer)).toBe('');
    expect(withEnv({ SCOUTR_AUTH: 'apikey', COGNITO_USER_POOL_ARN: pool }, authorizer)).toBe('');
  });

  it('adds a Cognito authorizer reading the Authorization header with SCOUTR_AUTH=cognito', () => {
    expect(withEnv({ SCOUTR_AUTH: 'cognito', COGNITO_USER_POOL_ARN: pool }, authorizer)).toEqual({
      type: 'COGNITO_USER_POOLS',
      arn: pool,
      identitySource: 'method.request.header.Authorization',
    });
  });

  it('fails packaging with both the Cognito authorizer and in-process verification, whose claims would be ignored', () => {
    const env = { SCOUTR_AUTH: 'cognito', COGNITO_USER_POOL_ARN: pool, OIDC_JWKS_URL: 'https://idp.example.com/jwks' };
    expect(() => withEnv(env, authorizer)).toThrow(/SCOUTR_AUTH=cognito and OIDC_JWKS_URL exclude each other/);
    expect(withEnv({ OIDC_JWKS_URL: 'https://idp.example.com/jwks' }, authorizer)).toBe('');
  });

  it('fails packaging, by name, on a missing pool or an unknown mode', () => {
    expect(() => withEnv({ SCOUTR_AUTH: 'cognito' }, authorizer)).toThrow(/COGNITO_USER_POOL_ARN/);
    expect(() => withEnv({ SCOUTR_AUTH: 'Cognito', COGNITO_USER_POOL_ARN: pool }, authorizer)).toThrow(
      /SCOUTR_AUTH must be apikey or cognito/,
    );
  });
});

describe('deploy/esbuild-exclude.js', () => {
  it('leaves @sentry/node out of the bundles unless SENTRY_DSN is set while packaging', () => {
    expect(withEnv({}, exclude)).toEqual(['@sentry/node']);
    expect(withEnv({ SENTRY_DSN: 'https://public@o0.ingest.sentry.io/1' }, exclude)).toEqual([]);
  });
});
