import { createRemoteJWKSet, errors, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { ScoutrError } from '../core/errors';

// In-process JWT verification (docs/reference/identity.md#verified-bearer-tokens), for deployments without an API Gateway authorizer. A
// verified token's claims take the place of the authorizer's claims; everything after that is the same code path.

export interface JwtSettings {
  OIDC_JWKS_URL?: string | undefined;
  OIDC_ISSUER?: string | undefined;
  OIDC_AUDIENCE: string[];
  OIDC_CLOCK_SKEW_SECONDS: number;
  OIDC_ALGORITHMS: string[];
  JWT_USER_CLAIM: string;
}

export interface JwksOptions {
  /** how long a fetched key set is used before it is fetched again (jose's default: 10 minutes) */
  cacheMaxAgeMs?: number;
  /** a token with an unknown `kid` refetches the key set at most this often (jose's default: 30 seconds) */
  cooldownMs?: number;
  /** a key set fetch that takes longer fails (jose's default: 5 seconds) */
  timeoutMs?: number;
}

/**
 * Verifies a bearer token and returns its claims. A token it refuses, for whatever reason, is InvalidToken (401);
 * only a key set that cannot be fetched is another error (a 500: the token may be fine).
 */
export type TokenVerifier = (token: string) => Promise<Record<string, unknown>>;

// The key set could not be had: a fault on our side (or the identity provider's), not the caller's token.
const KEY_SET_FAILURES = new Set([errors.JWKSTimeout.code, errors.JWKSInvalid.code, errors.JOSEError.code]);

/** The reason a token was refused, for the request log line only: the caller is told nothing more than 401. */
export class InvalidToken extends ScoutrError {
  constructor(readonly reason: string) {
    super('UNAUTHENTICATED', 'Invalid bearer token');
  }
}

/** `keys` replaces the remote key set (unit tests hand in a local one). */
export function createTokenVerifier(
  s: JwtSettings,
  now: () => number,
  opts: JwksOptions = {},
  keys?: JWTVerifyGetKey,
): TokenVerifier | undefined {
  if (!s.OIDC_JWKS_URL) return undefined;
  const getKey =
    keys ??
    createRemoteJWKSet(new URL(s.OIDC_JWKS_URL), {
      ...(opts.cacheMaxAgeMs === undefined ? {} : { cacheMaxAge: opts.cacheMaxAgeMs }),
      ...(opts.cooldownMs === undefined ? {} : { cooldownDuration: opts.cooldownMs }),
      ...(opts.timeoutMs === undefined ? {} : { timeoutDuration: opts.timeoutMs }),
    });
  const audiences = new Set(s.OIDC_AUDIENCE);
  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, getKey, {
        algorithms: s.OIDC_ALGORITHMS,
        ...(s.OIDC_ISSUER === undefined ? {} : { issuer: s.OIDC_ISSUER }),
        clockTolerance: s.OIDC_CLOCK_SKEW_SECONDS,
        currentDate: new Date(now()),
        requiredClaims: ['exp'], // a token that never expires is refused, as API Gateway's JWT authorizer does
      }));
    } catch (err) {
      if (err instanceof errors.JOSEError && !KEY_SET_FAILURES.has(err.code)) throw new InvalidToken(err.code);
      throw err; // the key set fetch failed: a 500 that goes to the log and to Sentry
    }
    // As API Gateway's JWT authorizer: `aud` must name one of the audiences; a token without `aud` (a Cognito
    // access token) must carry one of them as `client_id` instead.
    const aud = payload.aud === undefined ? undefined : Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    const clientId = payload.client_id;
    const accepted = aud ? aud.some((a) => audiences.has(a)) : typeof clientId === 'string' && audiences.has(clientId);
    if (!accepted) throw new InvalidToken('audience');
    const user = payload[s.JWT_USER_CLAIM];
    // A verified token that names no user must not fall through to a weaker identity (OIDC headers, API key).
    if (!((typeof user === 'string' && user !== '') || typeof user === 'number')) throw new InvalidToken('user claim');
    return payload;
  };
}
