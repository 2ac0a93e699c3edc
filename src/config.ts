import { resolve } from 'node:path';
import * as z from 'zod/mini';
import type { AppConfig } from './core/app';
import { importDefault } from './modules';

// docs/reference/configuration.md#the-server. Read once per cold start, at the edge; everything else is given the parsed Config.
const required = {
  error: (issue: { input?: unknown }) => (issue.input === undefined ? 'required' : 'must be a string'),
};
const name = z.string(required).check(z.minLength(1, 'must not be empty'));
const url = z.url({ error: 'must be a URL' });
const opt = z.optional;
const int = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.pipe(
    z.string().check(z.regex(/^\d+$/, 'must be a whole number')),
    z.transform(Number).check(z.refine((n: number) => n >= min && n <= max, `must be between ${min} and ${max}`)),
  );
// Not a coercing boolean: Boolean('false') is true.
const flag = z.pipe(
  z._default(z.enum(['true', 'false'], { error: 'must be true or false' }), 'false'),
  z.transform((v) => v === 'true'),
);
const list = z.pipe(
  z._default(z.string(), ''),
  z.transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  ),
);

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
// The keys that decide who a caller is travel over https; plain http only to this machine (tests, a local IdP).
const jwksUrl = z.url({ error: 'must be a URL' }).check(
  z.refine((v: string) => {
    if (!URL.canParse(v)) return true; // z.url has said so already
    const u = new URL(v);
    return u.protocol === 'https:' || (u.protocol === 'http:' && LOOPBACK_HOSTS.has(u.hostname));
  }, 'must be an https URL (http only on loopback)'),
);
// Asymmetric JWS algorithms only: a JWKS is public, so an HMAC key in it would let anyone sign; `none` signs nothing.
export const JWT_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];
const algorithms = z.pipe(
  list,
  z.array(z.string()).check(
    z.minLength(1, 'must name at least one algorithm'),
    z.refine((algs: string[]) => algs.every((a) => JWT_ALGORITHMS.includes(a)), {
      error: `must be a comma-separated list of ${JWT_ALGORITHMS.join(', ')}`,
    }),
  ),
);

// Claims a user may choose or change (OpenID Connect Core §5.1, §5.7: only `sub` with `iss` is a stable, unique
// identifier): a username taken from one would let a user rename themselves into another's `${user.username}` rows.
export const EDITABLE_CLAIMS = [
  'preferred_username',
  'nickname',
  'name',
  'given_name',
  'family_name',
  'middle_name',
  'email',
  'phone_number',
];
const usernameClaims = z.pipe(
  list,
  z.array(z.string()).check(
    z.minLength(1, 'must name at least one claim'),
    z.refine((claims: string[]) => claims.every((c) => !EDITABLE_CLAIMS.includes(c)), {
      error: `must not name a claim the user may choose or change (${EDITABLE_CLAIMS.join(', ')})`,
    }),
  ),
);

export const EnvSchema = z.object({
  DATA_TABLE: name,
  AUTH_TABLE: name,
  GROUP_TABLE: name,
  AUDIT_TABLE: opt(name), // no AUDIT_TABLE: nothing is audited, /audit and /history answer 404 AUDIT_DISABLED
  GRANTS_TABLE: opt(name), // per-item grants (docs/reference/item-roles.md#storage-and-atomicity): required when the app config declares itemRoles
  AUDIT_SHARDS: z._default(int(1, 100), 4),
  DYNAMODB_ENDPOINT: opt(url),
  AWS_REGION: opt(name),
  TRUST_OIDC_HEADERS: flag,
  OIDC_USER_HEADER: z._default(name, 'Oidc-Claim-Sub'),
  OIDC_NAME_HEADER: z._default(name, 'Oidc-Claim-Name'), // a comma-separated list is joined with spaces
  OIDC_EMAIL_HEADER: z._default(name, 'Oidc-Claim-Mail'),
  OIDC_GROUPS_HEADER: z._default(name, 'Oidc-Claim-Groups'),
  JWT_USER_CLAIM: z._default(name, 'sub'),
  JWT_GROUPS_CLAIM: z._default(name, 'cognito:groups'),
  // The JWT claims a username is read from, in order; none present: the user id (docs/reference/identity.md#sources-in-order-of-precedence).
  JWT_USERNAME_CLAIM: z._default(usernameClaims, ['cognito:username']),
  // In-process JWT verification (docs/reference/identity.md#verified-bearer-tokens): on only when OIDC_JWKS_URL is set.
  OIDC_JWKS_URL: opt(jwksUrl),
  OIDC_ISSUER: opt(name),
  OIDC_AUDIENCE: list, // comma-separated; a token's `aud` (or, without one, `client_id`) must be one of them
  OIDC_CLOCK_SKEW_SECONDS: z._default(int(0, 300), 60),
  OIDC_ALGORITHMS: z._default(algorithms, ['RS256', 'ES256']),
  AUDIT_READ_TTL_DAYS: z._default(int(1, 36_500), 30),
  AUDIT_WRITE_TTL_DAYS: opt(int(1, 36_500)), // unset: change records never expire
  CURSOR_SECRET: opt(z.string().check(z.minLength(16, 'must be at least 16 characters'))),
  READ_BUDGET_MS: z._default(int(100, 900_000), 20_000),
  // How long auth records and groups are served from the per-container cache before a refresh (then served stale,
  // refreshed in the background, up to twice as long): a revoked record stops working within 2 × this; 0: no cache.
  AUTH_CACHE_SECONDS: z._default(int(0, 3600), 10),
  // Ids of auth records of type ROLE (docs/reference/permissions.md#roles): added to every caller with an identity / the one role of
  // a request without one. Unset: no such role (a request without an identity stays 401).
  DEFAULT_ROLE: opt(name),
  ANONYMOUS_ROLE: opt(name),
  CORS_ORIGINS: list,
  SENTRY_DSN: opt(url),
  LOG_LEVEL: z._default(
    z.enum(['debug', 'info', 'warn', 'error', 'silent'], { error: 'must be debug, info, warn, error or silent' }),
    'info',
  ),
  // The stage the API is deployed as (serverless sets it); cursors are bound to it.
  STAGE: z._default(name, 'local'),
});
export type Config = z.infer<typeof EnvSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses variables with a schema; throws one line per bad variable, naming it (never its value). */
export function parseEnv<T extends z.ZodMiniType>(schema: T, env: Record<string, string | undefined>): z.infer<T> {
  // Empty strings count as unset, as in a shell `FOO= cmd`.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = z.safeParse(schema, cleaned);
  const lines = result.success ? [] : result.error.issues.map((i) => `  ${String(i.path[0] ?? '?')}: ${i.message}`);
  lines.push(...jwtVerificationIssues(cleaned).map(([key, message]) => `  ${key}: ${message}`));
  if (result.success && lines.length === 0) return result.data;
  throw new ConfigError(`Invalid configuration:\n${[...new Set(lines)].join('\n')}`);
}

const JWT_SETTINGS = ['OIDC_ISSUER', 'OIDC_AUDIENCE', 'OIDC_CLOCK_SKEW_SECONDS', 'OIDC_ALGORITHMS'] as const;

/**
 * Verification without an issuer or audience would accept any token the key set's owner ever signed, for any
 * application; a setting without OIDC_JWKS_URL would look like verification while nothing is verified.
 */
function jwtVerificationIssues(env: Record<string, string | undefined>): Array<[string, string]> {
  if (env.OIDC_JWKS_URL === undefined) {
    return JWT_SETTINGS.filter((k) => env[k] !== undefined).map((k) => [
      k,
      'only applies with OIDC_JWKS_URL, which is unset',
    ]);
  }
  const issues: Array<[string, string]> = [];
  if (env.OIDC_ISSUER === undefined) issues.push(['OIDC_ISSUER', 'required with OIDC_JWKS_URL']);
  if (!env.OIDC_AUDIENCE?.split(',').some((a) => a.trim() !== '')) {
    issues.push(['OIDC_AUDIENCE', 'required with OIDC_JWKS_URL']);
  }
  return issues;
}

/** The deployed handlers' configuration. Every container must accept every cursor, so CURSOR_SECRET is required. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const config = parseEnv(EnvSchema, env);
  if (!config.CURSOR_SECRET) throw new ConfigError('Invalid configuration:\n  CURSOR_SECRET: required when deployed');
  return config;
}

/**
 * Loads the app config module (TypeScript or JavaScript, by path), whose default export is the config object; a
 * plain object works as well as one made by defineApp.
 */
export async function loadApp(file: string, label = 'SCOUTR_CONFIG'): Promise<AppConfig> {
  let app: unknown;
  try {
    app = await importDefault(resolve(file));
  } catch (err) {
    // A route table API Gateway cannot deploy (defineApp, as the module loads) lists every route: keep the list.
    if ((err as Error).name === 'RouteTableError') throw new ConfigError(`${file}: ${(err as Error).message}`);
    throw new ConfigError(`${label}: cannot load ${file}: ${(err as Error).message.split('\n')[0]}`);
  }
  if (!app || typeof app !== 'object') throw new ConfigError(`${label}: ${file} has no default export object`);
  return app as AppConfig;
}
