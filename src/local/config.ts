import * as z from 'zod/mini';
import { ConfigError, EnvSchema, parseEnv } from '../config';

// The local server's own variables (docs/reference/configuration.md#the-local-server) on top of the deployed ones.
export const LocalEnvSchema = z.extend(EnvSchema, {
  DATA_TABLE: z._default(z.string().check(z.minLength(1)), 'scoutr-items'),
  AUTH_TABLE: z._default(z.string().check(z.minLength(1)), 'scoutr-auth'),
  GROUP_TABLE: z._default(z.string().check(z.minLength(1)), 'scoutr-groups'),
  // Locally, OIDC headers are the way to be a user: trusted unless TRUST_OIDC_HEADERS=false, or unless
  // OIDC_JWKS_URL asks for verified tokens (then only TRUST_OIDC_HEADERS=true trusts them as well).
  TRUST_OIDC_HEADERS: z.optional(
    z.pipe(
      z.enum(['true', 'false'], { error: 'must be true or false' }),
      z.transform((v) => v === 'true'),
    ),
  ),
  PORT: z._default(
    z.pipe(
      z.string().check(z.regex(/^\d{1,5}$/, 'must be a port number')),
      z.transform(Number).check(z.refine((n: number) => n <= 65_535, 'must be a port number')),
    ),
    3000,
  ),
  HOST: z._default(z.string().check(z.minLength(1)), '127.0.0.1'),
  SCOUTR_CONFIG: z.optional(z.string().check(z.minLength(1))),
  SCOUTR_DATA_DIR: z.optional(z.string().check(z.minLength(1))),
  SCOUTR_SEED: z.optional(z.enum(['example'], { error: 'the only seed is "example"' })),
  SCOUTR_INSECURE_LOCAL_AUTH: z.pipe(
    z._default(z.enum(['true', 'false'], { error: 'must be true or false' }), 'false'),
    z.transform((v) => v === 'true'),
  ),
});
export type LocalConfig = Omit<z.infer<typeof LocalEnvSchema>, 'TRUST_OIDC_HEADERS'> & { TRUST_OIDC_HEADERS: boolean };

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
const isLoopback = (host: string) => LOOPBACK.has(host) || host.startsWith('127.');

export function loadLocalConfig(env: Record<string, string | undefined>): LocalConfig {
  const parsed = parseEnv(LocalEnvSchema, env);
  const config: LocalConfig = {
    ...parsed,
    TRUST_OIDC_HEADERS: parsed.TRUST_OIDC_HEADERS ?? parsed.OIDC_JWKS_URL === undefined,
  };
  // Without a DYNAMODB_ENDPOINT the tables are ours (embedded): audit is on by default. Against an external
  // DynamoDB, AUDIT_TABLE is honoured exactly: unset means no audit.
  if (!config.DYNAMODB_ENDPOINT && !config.AUDIT_TABLE) config.AUDIT_TABLE = 'scoutr-audit';
  if (config.TRUST_OIDC_HEADERS && !isLoopback(config.HOST) && !config.SCOUTR_INSECURE_LOCAL_AUTH) {
    throw new ConfigError(
      `Refusing to listen on ${config.HOST} while trusting OIDC headers: anyone who can reach it could claim any ` +
        'identity. Use HOST=127.0.0.1, or TRUST_OIDC_HEADERS=false, or SCOUTR_INSECURE_LOCAL_AUTH=true if you mean it.',
    );
  }
  return config;
}
