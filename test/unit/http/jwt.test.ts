import fc from 'fast-check';
import { createLocalJWKSet, exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { createTokenVerifier, InvalidToken, type JwtSettings } from '../../../src/http/jwt';
import { answered } from '../../support/errors';

// The verifier on its own, with a local key set (no network): what it accepts, and that whatever it refuses is a
// 401 that says nothing about why. The remote key set, rotation and the HTTP path: test/integration/http/jwt.test.ts.

const ISSUER = 'https://idp.example.com/';
const now = Date.parse('2026-06-01T12:00:00Z');
const seconds = Math.floor(now / 1000);
const settings: JwtSettings = {
  OIDC_JWKS_URL: 'https://idp.example.com/jwks',
  OIDC_ISSUER: ISSUER,
  OIDC_AUDIENCE: ['web', 'mobile'],
  OIDC_CLOCK_SKEW_SECONDS: 60,
  OIDC_ALGORITHMS: ['RS256', 'ES256'],
  JWT_USER_CLAIM: 'sub',
};

let sign: (claims: JWTPayload, header?: { alg?: string; kid?: string }) => Promise<string>;
let verify: NonNullable<ReturnType<typeof createTokenVerifier>>;
beforeAll(async () => {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  sign = (claims, header = {}) =>
    new SignJWT({ iss: ISSUER, aud: 'web', sub: 'u-1', exp: seconds + 300, ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1', ...header })
      .sign(privateKey);
  verify = createTokenVerifier(settings, () => now, {}, createLocalJWKSet({ keys: [jwk] }))!;
});

/** The reason `verify` refused the token with. */
const refusal = async (token: string): Promise<string> => {
  const err = await verify(token).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InvalidToken);
  expect(answered(err)).toMatchObject({
    status: 401,
    code: 'UNAUTHENTICATED',
    message: 'Invalid bearer token',
    expose: true,
  });
  return (err as InvalidToken).reason;
};

it('is off without OIDC_JWKS_URL', () => {
  expect(createTokenVerifier({ ...settings, OIDC_JWKS_URL: undefined }, () => now)).toBeUndefined();
});

it('returns the claims of a valid token', async () => {
  await expect(verify(await sign({ 'cognito:groups': ['vets'] }))).resolves.toMatchObject({
    sub: 'u-1',
    'cognito:groups': ['vets'],
  });
});

it.each([
  { what: 'one accepted audience among several', claims: { aud: ['other', 'mobile'] } },
  { what: 'no aud but an accepted client_id (a Cognito access token)', claims: { aud: undefined, client_id: 'web' } },
  { what: 'a token expired less than the skew ago', claims: { exp: seconds - 59 } },
  { what: 'a token valid from less than the skew from now', claims: { nbf: seconds + 59 } },
  { what: 'a numeric user claim', claims: { sub: 42 as unknown as string } },
])('accepts $what', async ({ claims }) => {
  await expect(verify(await sign(claims))).resolves.toBeDefined();
});

it.each([
  { what: 'a token expired beyond the skew', claims: { exp: seconds - 61 }, reason: 'ERR_JWT_EXPIRED' },
  {
    what: 'a token not yet valid beyond the skew',
    claims: { nbf: seconds + 61 },
    reason: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
  },
  { what: 'a token without exp', claims: { exp: undefined }, reason: 'ERR_JWT_CLAIM_VALIDATION_FAILED' },
  {
    what: 'a token of another issuer',
    claims: { iss: 'https://evil.example.com/' },
    reason: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
  },
  { what: 'a token for another audience', claims: { aud: 'other-app' }, reason: 'audience' },
  {
    what: 'a token with no aud and another client_id',
    claims: { aud: undefined, client_id: 'other' },
    reason: 'audience',
  },
  { what: 'a token with neither aud nor client_id', claims: { aud: undefined }, reason: 'audience' },
  { what: 'a token without the user claim', claims: { sub: undefined }, reason: 'user claim' },
  { what: 'a token with an empty user claim', claims: { sub: '' }, reason: 'user claim' },
])('refuses $what', async ({ claims, reason }) => {
  expect(await refusal(await sign(claims))).toBe(reason);
});

it('refuses a token signed with an allowed algorithm under an unknown kid', async () => {
  expect(await refusal(await sign({}, { kid: 'k2' }))).toBe('ERR_JWKS_NO_MATCHING_KEY');
});

it('refuses an unsigned token (alg none)', async () => {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const token = `${part({ alg: 'none', kid: 'k1' })}.${part({ iss: ISSUER, aud: 'web', sub: 'u-1', exp: seconds + 300 })}.`;
  expect(await refusal(token)).toBe('ERR_JOSE_ALG_NOT_ALLOWED');
});

it('refuses a token whose signature does not match its claims', async () => {
  const [header, , signature] = (await sign({})).split('.');
  const forged = Buffer.from(JSON.stringify({ iss: ISSUER, aud: 'web', sub: 'admin', exp: seconds + 300 }));
  expect(await refusal(`${header}.${forged.toString('base64url')}.${signature}`)).toBe(
    'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
  );
});

it('answers any malformed token with a 401, never another error', async () => {
  const base64url = fc.string().map((s) => Buffer.from(s).toString('base64url'));
  const token = fc.oneof(
    fc.string(),
    fc.tuple(base64url, base64url, base64url).map((parts) => parts.join('.')),
    fc
      .tuple(fc.json(), fc.json())
      .map(([h, p]) => [Buffer.from(h).toString('base64url'), Buffer.from(p).toString('base64url'), 'c2ln'].join('.')),
  );
  await fc.assert(
    fc.asyncProperty(token, async (t) => {
      await refusal(t);
    }),
    { numRuns: 300 },
  );
});
