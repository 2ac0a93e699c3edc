import * as z from 'zod/mini';

// What a project may say about its deploy (docs/reference/deploy.md#settings): `custom.scoutr` in its serverless.yml, and the
// variables of the machine that packages (SCOUTR_AUTH, COGNITO_USER_POOL_ARN, CORS_ORIGINS), which the project's
// settings win over. Everything else has a default, or is a stage `param`.

export interface DeploySettings {
  /** the app config module, relative to the service folder */
  app: string;
  /** an API key (and a throttled usage plan) required on every route */
  apiKeys: boolean;
  /** a Cognito user pool authorizer on every route: the caller is then the token's claims (docs/reference/identity.md#sources-in-order-of-precedence) */
  cognitoUserPoolArn: string | undefined;
  corsOrigins: string[];
}

export class DeploySettingsError extends Error {
  override readonly name = 'DeploySettingsError';
}

const text = z.string().check(z.minLength(1, 'must not be empty'));
/** custom.scoutr */
const CustomSchema = z.strictObject({
  app: z.optional(text),
  apiKeys: z.optional(z.boolean()),
  cognitoUserPoolArn: z.optional(text),
  corsOrigins: z.optional(z.union([z.string(), z.array(text)])),
});
/** The same shape for osls's own schema check, which then names a misspelt setting in every command. */
export const CUSTOM_JSON_SCHEMA = {
  type: 'object',
  properties: {
    app: { type: 'string', minLength: 1 },
    apiKeys: { type: 'boolean' },
    cognitoUserPoolArn: { type: 'string', minLength: 1 },
    corsOrigins: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string', minLength: 1 } }] },
  },
  additionalProperties: false,
};

const originsOf = (value: string | string[]) =>
  (Array.isArray(value) ? value : value.split(',')).map((s) => s.trim()).filter(Boolean);

/** Reads the settings; throws DeploySettingsError naming the setting that is wrong. */
export function readSettings(custom: unknown, env: Record<string, string | undefined>): DeploySettings {
  const unresolved = Object.entries((custom ?? {}) as Record<string, unknown>).filter(
    ([, v]) => typeof v === 'string' && v.includes('${'),
  );
  if (unresolved.length > 0) {
    // The plugin generates the functions while osls initialises, before ${param:}, ${ssm:} and ${cf:} resolve.
    throw new DeploySettingsError(
      `custom.scoutr.${unresolved[0]![0]} must be known when the plugin starts: a literal, or \${env:}, \${opt:}, ` +
        `\${self:} or \${file()}, not ${String(unresolved[0]![1])}`,
    );
  }
  const parsed = z.safeParse(CustomSchema, custom ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = [...issue.path, ...('keys' in issue ? (issue.keys as string[]) : [])].join('.');
    throw new DeploySettingsError(`custom.scoutr${where ? `.${where}` : ''}: ${issue.message}`);
  }
  const s = parsed.data;
  const mode = env.SCOUTR_AUTH || 'apikey';
  if (mode !== 'apikey' && mode !== 'cognito') {
    throw new DeploySettingsError(`SCOUTR_AUTH must be apikey or cognito, got ${mode}`);
  }
  const pool = s.cognitoUserPoolArn ?? (mode === 'cognito' ? env.COGNITO_USER_POOL_ARN || undefined : undefined);
  if (mode === 'cognito' && !pool) throw new DeploySettingsError('SCOUTR_AUTH=cognito needs COGNITO_USER_POOL_ARN');
  // While Scoutr verifies tokens itself it ignores every authorizer's output (docs/reference/identity.md#verified-bearer-tokens).
  if (pool && env.OIDC_JWKS_URL) {
    const source = s.cognitoUserPoolArn ? 'custom.scoutr.cognitoUserPoolArn' : 'SCOUTR_AUTH=cognito';
    throw new DeploySettingsError(
      `${source} and OIDC_JWKS_URL exclude each other: choose the authorizer or in-process verification`,
    );
  }
  return {
    app: s.app ?? './scoutr.config.ts',
    apiKeys: s.apiKeys ?? true,
    cognitoUserPoolArn: pool,
    corsOrigins: originsOf(s.corsOrigins ?? env.CORS_ORIGINS ?? ''),
  };
}
