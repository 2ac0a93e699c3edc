import { ConfigError, EnvSchema, loadConfig, parseEnv } from '../../src/config';
import { thrown } from '../support/errors';

// docs/reference/configuration.md#the-server and docs/reference/identity.md#verified-bearer-tokens: the OIDC_* variables of in-process token verification.

const TABLES = { DATA_TABLE: 'data', AUTH_TABLE: 'auth', GROUP_TABLE: 'groups' };
const JWT = {
  OIDC_JWKS_URL: 'https://idp.example.com/.well-known/jwks.json',
  OIDC_ISSUER: 'https://idp.example.com/',
  OIDC_AUDIENCE: 'scoutr',
};
const parse = (env: Record<string, string>) => parseEnv(EnvSchema, { ...TABLES, ...env });

/** The lines of the ConfigError that parsing `env` throws. */
const problems = (env: Record<string, string>): string[] => {
  const err = thrown(() => parse(env));
  expect(err).toBeInstanceOf(ConfigError);
  return (err as Error).message.split('\n').slice(1);
};

describe('JWT verification settings', () => {
  it('is off by default, with the documented defaults', () => {
    // Act
    const config = parse({});
    // Assess
    expect(config).toMatchObject({
      OIDC_AUDIENCE: [],
      OIDC_CLOCK_SKEW_SECONDS: 60,
      OIDC_ALGORITHMS: ['RS256', 'ES256'],
    });
    expect(config.OIDC_JWKS_URL).toBeUndefined();
    expect(config.OIDC_ISSUER).toBeUndefined();
  });

  it('parses a full configuration: audiences and algorithms are comma-separated lists', () => {
    const config = parse({
      ...JWT,
      OIDC_AUDIENCE: 'web, mobile',
      OIDC_CLOCK_SKEW_SECONDS: '0',
      OIDC_ALGORITHMS: 'PS256,EdDSA',
    });
    expect(config).toMatchObject({
      ...JWT,
      OIDC_AUDIENCE: ['web', 'mobile'],
      OIDC_CLOCK_SKEW_SECONDS: 0,
      OIDC_ALGORITHMS: ['PS256', 'EdDSA'],
    });
  });

  it.each(['http://127.0.0.1:8080/jwks', 'http://localhost/jwks', 'http://[::1]:9000/jwks'])(
    'accepts plain http on loopback (%s)',
    (url) => {
      expect(parse({ ...JWT, OIDC_JWKS_URL: url }).OIDC_JWKS_URL).toBe(url);
    },
  );

  it.each<{ env: Record<string, string>; line: string }>([
    { env: { OIDC_JWKS_URL: 'not a url' }, line: 'OIDC_JWKS_URL: must be a URL' },
    { env: { OIDC_JWKS_URL: 'http://idp.example.com/jwks' }, line: 'OIDC_JWKS_URL: must be an https URL' },
    { env: { OIDC_JWKS_URL: 'ftp://127.0.0.1/jwks' }, line: 'OIDC_JWKS_URL: must be an https URL' },
    { env: { OIDC_CLOCK_SKEW_SECONDS: '-1' }, line: 'OIDC_CLOCK_SKEW_SECONDS: must be a whole number' },
    { env: { OIDC_CLOCK_SKEW_SECONDS: '1.5' }, line: 'OIDC_CLOCK_SKEW_SECONDS: must be a whole number' },
    { env: { OIDC_CLOCK_SKEW_SECONDS: '301' }, line: 'OIDC_CLOCK_SKEW_SECONDS: must be between 0 and 300' },
    { env: { OIDC_ALGORITHMS: 'none' }, line: 'OIDC_ALGORITHMS: must be a comma-separated list of RS256' },
    { env: { OIDC_ALGORITHMS: 'RS256,HS256' }, line: 'OIDC_ALGORITHMS: must be a comma-separated list of RS256' },
    { env: { OIDC_ALGORITHMS: 'rs256' }, line: 'OIDC_ALGORITHMS: must be a comma-separated list of RS256' },
    { env: { OIDC_ALGORITHMS: ' , ' }, line: 'OIDC_ALGORITHMS: must name at least one algorithm' },
  ])('refers a bad value to its variable: $line', ({ env, line }) => {
    expect(problems({ ...JWT, ...env })).toEqual([expect.stringContaining(line)]);
  });

  it('never prints the value it refused', () => {
    const lines = problems({ ...JWT, OIDC_JWKS_URL: 'http://secret-host.example.com/jwks' });
    expect(lines.join('\n')).not.toContain('secret-host');
  });

  it.each(['OIDC_ISSUER', 'OIDC_AUDIENCE'])('requires %s with OIDC_JWKS_URL', (key) => {
    const env: Record<string, string> = { ...JWT };
    delete env[key];
    expect(problems(env)).toEqual([`  ${key}: required with OIDC_JWKS_URL`]);
  });

  it('requires an audience that is more than commas', () => {
    expect(problems({ ...JWT, OIDC_AUDIENCE: ' ,' })).toEqual(['  OIDC_AUDIENCE: required with OIDC_JWKS_URL']);
  });

  it('refuses a verification setting without OIDC_JWKS_URL, which would look like verification but verify nothing', () => {
    const lines = problems({ OIDC_ISSUER: 'https://idp.example.com/', OIDC_ALGORITHMS: 'RS256' });
    expect(lines).toEqual([
      '  OIDC_ISSUER: only applies with OIDC_JWKS_URL, which is unset',
      '  OIDC_ALGORITHMS: only applies with OIDC_JWKS_URL, which is unset',
    ]);
  });

  it('counts an empty variable as unset, as elsewhere', () => {
    expect(parse({ OIDC_JWKS_URL: '', OIDC_ISSUER: '' }).OIDC_JWKS_URL).toBeUndefined();
  });

  it('reports every bad variable at once, with the others of the deployed handlers', () => {
    const err = thrown(() => loadConfig({ ...TABLES, OIDC_JWKS_URL: 'https://idp.example.com/jwks', LOG_LEVEL: 'x' }));
    expect((err as Error).message.split('\n').slice(1)).toEqual([
      expect.stringContaining('LOG_LEVEL:'),
      '  OIDC_ISSUER: required with OIDC_JWKS_URL',
      '  OIDC_AUDIENCE: required with OIDC_JWKS_URL',
    ]);
  });
});

// docs/reference/identity.md#sources-in-order-of-precedence: a JWT user's username comes only from claims that identify the user.
describe('JWT_USERNAME_CLAIM', () => {
  it('defaults to cognito:username, and takes a comma-separated list tried in order', () => {
    expect(parse({}).JWT_USERNAME_CLAIM).toEqual(['cognito:username']);
    expect(parse({ JWT_USERNAME_CLAIM: 'custom:handle, cognito:username' }).JWT_USERNAME_CLAIM).toEqual([
      'custom:handle',
      'cognito:username',
    ]);
  });

  it.each(['preferred_username', 'cognito:username,nickname', 'name', 'email', 'given_name'])(
    'refuses %s, a claim the user may choose or change, naming the variable',
    (value) => {
      expect(problems({ JWT_USERNAME_CLAIM: value })).toEqual([
        expect.stringMatching(/^ {2}JWT_USERNAME_CLAIM: must not name a claim the user may choose or change/),
      ]);
    },
  );

  it('refuses a list without a claim', () => {
    expect(problems({ JWT_USERNAME_CLAIM: ' , ' })).toEqual(['  JWT_USERNAME_CLAIM: must name at least one claim']);
  });
});
