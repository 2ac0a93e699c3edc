import type { Caller } from '../core/caller';
import { ScoutrError } from '../core/errors';

export interface IdentityConfig {
  trustOidcHeaders: boolean;
  oidcUserHeader: string;
  /** one header, or several joined with spaces (first and last name) */
  oidcNameHeaders: string[];
  oidcEmailHeader: string;
  oidcGroupsHeader: string;
  jwtUserClaim: string;
  jwtGroupsClaim: string;
  /** the claims a username is read from, in order (JWT_USERNAME_CLAIM); none present: the user id */
  jwtUsernameClaims: readonly string[];
  /**
   * OIDC_JWKS_URL is set: JWT claims come only from a bearer token Scoutr verified itself, and whatever an event's
   * requestContext.authorizer says is ignored (docs/reference/identity.md#verified-bearer-tokens).
   */
  verifiesTokens: boolean;
}

export const identityConfig = (c: {
  TRUST_OIDC_HEADERS: boolean;
  OIDC_USER_HEADER: string;
  OIDC_NAME_HEADER: string;
  OIDC_EMAIL_HEADER: string;
  OIDC_GROUPS_HEADER: string;
  JWT_USER_CLAIM: string;
  JWT_GROUPS_CLAIM: string;
  JWT_USERNAME_CLAIM: readonly string[];
  OIDC_JWKS_URL?: string | undefined;
}): IdentityConfig => ({
  trustOidcHeaders: c.TRUST_OIDC_HEADERS,
  oidcUserHeader: c.OIDC_USER_HEADER,
  oidcNameHeaders: c.OIDC_NAME_HEADER.split(',')
    .map((h) => h.trim())
    .filter(Boolean),
  oidcEmailHeader: c.OIDC_EMAIL_HEADER,
  oidcGroupsHeader: c.OIDC_GROUPS_HEADER,
  jwtUserClaim: c.JWT_USER_CLAIM,
  jwtGroupsClaim: c.JWT_GROUPS_CLAIM,
  jwtUsernameClaims: c.JWT_USERNAME_CLAIM,
  verifiesTokens: c.OIDC_JWKS_URL !== undefined,
});

/** What identity sources an event carries, normalised across REST (v1) and HTTP API (v2) shapes. */
export interface IdentitySources {
  jwtClaims: Record<string, unknown> | undefined;
  customAuthorizer: Record<string, unknown> | undefined; // REST Lambda authorizer: principalId + context
  /** header name (lower-case) → every value it was sent with */
  headers: ReadonlyMap<string, readonly string[]>;
  apiKeyId: string | undefined;
  sourceIp: string | undefined;
  userAgent: string | undefined;
}

const text = (v: unknown): string | undefined =>
  typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;

/** The first of `names` the claims carry as non-empty text. */
function firstText(claims: Record<string, unknown>, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = Object.hasOwn(claims, name) ? text(claims[name]) : undefined;
    if (value !== undefined) return value;
  }
  return undefined;
}

/** Group claims: a JSON array, HTTP API's `[a b]` string, or a comma-separated string (docs/reference/identity.md#sources-in-order-of-precedence). */
export function parseGroups(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String).filter(Boolean);
  if (typeof value !== 'string') return [];
  const s = value.trim();
  if (s.startsWith('[') && s.endsWith(']')) {
    try {
      const parsed: unknown = JSON.parse(s);
      if (Array.isArray(parsed)) return parsed.map(String).filter(Boolean);
    } catch {
      // not JSON: HTTP API writes arrays as `[a b]`
    }
    return s
      .slice(1, -1)
      .split(/[\s,]+/)
      .filter(Boolean);
  }
  return s
    .split(',')
    .map((g) => g.trim())
    .filter(Boolean);
}

/** What a source says of the caller; resolveCaller adds the request's API key id, source IP and user agent. */
type Identified = Omit<Caller, 'apiKeyId' | 'sourceIp' | 'userAgent'>;

/** docs/reference/identity.md#sources-in-order-of-precedence: JWT claims, then a custom authorizer, then trusted OIDC headers, then the API key. */
export function resolveCaller(src: IdentitySources, cfg: IdentityConfig): Caller {
  const base = {
    ...(src.apiKeyId ? { apiKeyId: src.apiKeyId } : {}),
    ...(src.sourceIp ? { sourceIp: src.sourceIp } : {}),
    ...(src.userAgent ? { userAgent: src.userAgent } : {}),
  };
  const identified: Identified =
    fromJwt(src, cfg) ??
    fromAuthorizer(src) ??
    (cfg.trustOidcHeaders ? fromOidcHeaders(src, cfg) : undefined) ??
    (src.apiKeyId ? { kind: 'api_key', id: src.apiKeyId, groups: [] } : { kind: 'anonymous', groups: [] });
  return { ...base, ...identified };
}

/** A JWT's claims (verified here, or by API Gateway's authorizer), when they name the user. */
function fromJwt(src: IdentitySources, cfg: IdentityConfig): Identified | undefined {
  const claims = src.jwtClaims;
  const jwtUser = claims && text(claims[cfg.jwtUserClaim]);
  if (!claims || !jwtUser) return undefined;
  const verified = claims.email_verified === true || claims.email_verified === 'true';
  return {
    kind: 'jwt',
    id: jwtUser,
    // Only claims that identify the user, never preferred_username (docs/reference/identity.md#what-each-source-gives): a name the user may choose
    // would feed `${user.username}` row filters and the audit record.
    username: firstText(claims, cfg.jwtUsernameClaims) ?? jwtUser,
    ...optional('email', verified ? text(claims.email) : undefined),
    ...optional('name', text(claims.name)),
    groups: parseGroups(claims[cfg.jwtGroupsClaim]),
  };
}

/** A custom authorizer's context, when it names a principal. */
function fromAuthorizer(src: IdentitySources): Identified | undefined {
  const auth = src.customAuthorizer;
  const principal = auth && text(auth.principalId);
  if (!auth || !principal) return undefined;
  return {
    kind: 'authorizer',
    id: principal,
    username: text(auth.username) ?? principal,
    ...optional('email', text(auth.email)),
    ...optional('name', text(auth.name)),
    groups: parseGroups(auth.groups),
  };
}

/** A trusted proxy's OIDC headers, when the user header is sent; a header sent twice is a 401. */
function fromOidcHeaders(src: IdentitySources, cfg: IdentityConfig): Identified | undefined {
  const one = (name: string): string | undefined => {
    const values = src.headers.get(name.toLowerCase());
    if (values && values.length > 1) {
      throw new ScoutrError('UNAUTHENTICATED', `Header ${name} was sent more than once`);
    }
    return values?.[0] === '' ? undefined : values?.[0];
  };
  const user = one(cfg.oidcUserHeader);
  if (!user) return undefined;
  const nameParts = cfg.oidcNameHeaders.map(one).filter((v): v is string => v !== undefined);
  return {
    kind: 'oidc',
    id: user,
    username: user,
    ...optional('email', one(cfg.oidcEmailHeader)),
    ...optional('name', nameParts.length > 0 ? nameParts.join(' ') : undefined),
    groups: parseGroups(one(cfg.oidcGroupsHeader) ?? ''),
  };
}

const optional = <K extends string>(k: K, v: string | undefined) =>
  v === undefined ? {} : ({ [k]: v } as Record<K, string>);
