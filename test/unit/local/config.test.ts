import { loadLocalConfig } from '../../../src/local/config';

// The local server trusts OIDC headers by default (docs/reference/identity.md#the-local-server), unless it was asked to verify tokens.

const JWT = {
  OIDC_JWKS_URL: 'http://127.0.0.1:8080/jwks',
  OIDC_ISSUER: 'http://127.0.0.1:8080/',
  OIDC_AUDIENCE: 'scoutr',
};

describe('loadLocalConfig', () => {
  it.each([
    { what: 'by default', env: {}, trusted: true },
    { what: 'with TRUST_OIDC_HEADERS=false', env: { TRUST_OIDC_HEADERS: 'false' }, trusted: false },
    { what: 'with OIDC_JWKS_URL', env: JWT, trusted: false },
    {
      what: 'with OIDC_JWKS_URL and TRUST_OIDC_HEADERS=true',
      env: { ...JWT, TRUST_OIDC_HEADERS: 'true' },
      trusted: true,
    },
  ])('trusts OIDC headers $what: $trusted', ({ env, trusted }) => {
    expect(loadLocalConfig(env).TRUST_OIDC_HEADERS).toBe(trusted);
  });

  it('listens beyond loopback when verifying tokens, since header trust is then off', () => {
    expect(loadLocalConfig({ ...JWT, HOST: '0.0.0.0' }).HOST).toBe('0.0.0.0');
  });

  it('still refuses a non-loopback HOST when header trust is asked for as well', () => {
    expect(() => loadLocalConfig({ ...JWT, TRUST_OIDC_HEADERS: 'true', HOST: '0.0.0.0' })).toThrow(
      /Refusing to listen/,
    );
  });

  it('rejects a bad TRUST_OIDC_HEADERS by name', () => {
    expect(() => loadLocalConfig({ TRUST_OIDC_HEADERS: 'yes' })).toThrow('TRUST_OIDC_HEADERS: must be true or false');
  });
});
