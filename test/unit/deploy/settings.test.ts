import type { AppConfig } from '../../../src/core/app';
import { CORS_HEADERS, generate } from '../../../src/deploy/generate';
import { DeploySettingsError, readSettings } from '../../../src/deploy/settings';
import { preflightHeaders } from '../../../src/http/cors';

// What a project's custom.scoutr and the packaging machine's variables turn into (scoutr/serverless): the API keys,
// the JWT switch, CORS. osls runs `readSettings` once per command, with process.env.

const POOL = 'arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Example';
const app: AppConfig = { table: { key: 'id' } };
const events = (custom: unknown, env: Record<string, string> = {}) =>
  Object.values(generate(app, readSettings(custom, env)).functions).flatMap((f) => f.events.map((e) => e.http));

describe('defaults', () => {
  it('loads ./scoutr.config.ts, requires an API key on every route, no authorizer, no CORS', () => {
    // Act
    const settings = readSettings(undefined, {});
    // Assess
    expect(settings).toEqual({
      app: './scoutr.config.ts',
      apiKeys: true,
      cognitoUserPoolArn: undefined,
      corsOrigins: [],
    });
    expect(events(undefined).filter((e) => !e.private || e.authorizer || e.cors)).toEqual([]);
  });

  it('takes the app module, the API key switch, the pool and the origins from custom.scoutr', () => {
    const custom = { app: 'src/app.ts', apiKeys: false, cognitoUserPoolArn: POOL, corsOrigins: ['https://a.example'] };
    expect(readSettings(custom, {})).toEqual({
      app: 'src/app.ts',
      apiKeys: false,
      cognitoUserPoolArn: POOL,
      corsOrigins: ['https://a.example'],
    });
  });

  it('leaves the routes open at the gateway, with no API key or usage plan, when apiKeys is false', () => {
    // Act
    const generated = generate(app, readSettings({ apiKeys: false }, {}));
    // Assess
    expect(Object.values(generated.functions).flatMap((f) => f.events.filter((e) => e.http.private))).toEqual([]);
    expect(generated.provider.apiGateway).toBeUndefined();
  });
});

describe('CORS (custom.scoutr.corsOrigins, CORS_ORIGINS)', () => {
  it.each([
    { CORS_ORIGINS: '', want: [] },
    { CORS_ORIGINS: ' , ', want: [] },
    { CORS_ORIGINS: 'https://a.example', want: ['https://a.example'] },
    { CORS_ORIGINS: ' https://a.example, https://b.example ,', want: ['https://a.example', 'https://b.example'] },
  ])('turns CORS_ORIGINS=$CORS_ORIGINS into $want', ({ CORS_ORIGINS, want }) => {
    // Act
    const generated = generate(app, readSettings(undefined, { CORS_ORIGINS }));
    // Assess
    const cors = Object.values(generated.functions).flatMap((f) => f.events.map((e) => e.http.cors));
    if (want.length === 0) expect(cors.filter(Boolean)).toEqual([]);
    else for (const c of cors) expect(c).toEqual(expect.objectContaining({ origins: want, allowCredentials: false }));
    expect(generated.environment.CORS_ORIGINS).toBe(want.join(','));
  });

  it("prefers the project's origins to the variable", () => {
    expect(
      readSettings({ corsOrigins: 'https://p.example' }, { CORS_ORIGINS: 'https://v.example' }).corsOrigins,
    ).toEqual(['https://p.example']);
  });

  it('lets API Gateway allow the same request headers the Lambda allows (the local server answers preflights)', () => {
    const local = preflightHeaders(['https://a.example'], 'https://a.example', 'GET')['Access-Control-Allow-Headers'];
    const norm = (hs: string[]) => hs.map((x) => x.trim().toLowerCase()).sort();
    expect(norm(CORS_HEADERS)).toEqual(norm(local!.split(',')));
  });
});

describe('the JWT switch (custom.scoutr.cognitoUserPoolArn, SCOUTR_AUTH)', () => {
  const cognito = { type: 'COGNITO_USER_POOLS', arn: POOL, identitySource: 'method.request.header.Authorization' };

  it('adds no authorizer by default or with SCOUTR_AUTH=apikey', () => {
    expect(
      events(undefined, { SCOUTR_AUTH: 'apikey', COGNITO_USER_POOL_ARN: POOL }).filter((e) => e.authorizer),
    ).toEqual([]);
  });

  it.each<{ from: string; custom: unknown; env: Record<string, string> }>([
    { from: 'SCOUTR_AUTH=cognito', custom: undefined, env: { SCOUTR_AUTH: 'cognito', COGNITO_USER_POOL_ARN: POOL } },
    { from: 'custom.scoutr.cognitoUserPoolArn', custom: { cognitoUserPoolArn: POOL }, env: {} },
  ])('puts a Cognito authorizer reading the Authorization header on every route with $from', ({ custom, env }) => {
    const all = events(custom, env);
    expect(all.length).toBeGreaterThan(10);
    for (const e of all)
      expect({ private: e.private, authorizer: e.authorizer }).toEqual({ private: true, authorizer: cognito });
  });

  it('fails, by name, with both the Cognito authorizer and in-process verification, whose claims would be ignored', () => {
    const jwks = 'https://idp.example.com/jwks';
    expect(() =>
      readSettings(undefined, { SCOUTR_AUTH: 'cognito', COGNITO_USER_POOL_ARN: POOL, OIDC_JWKS_URL: jwks }),
    ).toThrow(/SCOUTR_AUTH=cognito and OIDC_JWKS_URL exclude each other/);
    expect(() => readSettings({ cognitoUserPoolArn: POOL }, { OIDC_JWKS_URL: jwks })).toThrow(
      /custom\.scoutr\.cognitoUserPoolArn and OIDC_JWKS_URL exclude each other/,
    );
    expect(readSettings(undefined, { OIDC_JWKS_URL: jwks }).cognitoUserPoolArn).toBeUndefined();
  });

  it('fails, by name, on a missing pool or an unknown mode', () => {
    expect(() => readSettings(undefined, { SCOUTR_AUTH: 'cognito' })).toThrow(/COGNITO_USER_POOL_ARN/);
    expect(() => readSettings(undefined, { SCOUTR_AUTH: 'Cognito', COGNITO_USER_POOL_ARN: POOL })).toThrow(
      /SCOUTR_AUTH must be apikey or cognito/,
    );
  });
});

describe('custom.scoutr checked', () => {
  it.each([
    { custom: { apps: './x.ts' }, error: /custom\.scoutr\.apps/ },
    { custom: { apiKeys: 'no' }, error: /custom\.scoutr\.apiKeys/ },
    { custom: { app: '' }, error: /custom\.scoutr\.app: must not be empty/ },
    { custom: { app: `\${param:app}` }, error: /custom\.scoutr\.app must be known when the plugin starts/ },
  ])('refuses $custom, naming the setting', ({ custom, error }) => {
    expect(() => readSettings(custom, {})).toThrow(DeploySettingsError);
    expect(() => readSettings(custom, {})).toThrow(error);
  });
});
