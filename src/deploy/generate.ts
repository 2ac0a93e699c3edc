import type { AppConfig } from '../core/app';
import { routesFor, type Verb } from '../core/routes';
import { functionRole } from './iam';
import type { DeploySettings } from './settings';
import { type CfnResource, SERVICE_STAGE, TABLE_IDS, tableNames, tableResource, tableSpecs, variable } from './tables';

// What `scoutr/serverless` adds to a project's serverless.yml (docs/reference/deploy.md#what-it-adds): one function per verb the app serves,
// with its API Gateway routes from the one route table (src/core/routes.ts, as the local server and openapi.json),
// the tables with the app's key and indexes, one least-privilege role per function, the environment, the
// parameters with their defaults, and provider defaults. Values in `${...}` are osls variables, resolved by osls
// after this is merged (the stage, the service name, params, the packaging machine's OIDC_* and SENTRY_DSN).

export interface HttpEvent {
  method: string;
  path: string;
  private: boolean;
  cors?: { origins: string[]; headers: string[]; allowCredentials: false };
  authorizer?: { type: 'COGNITO_USER_POOLS'; arn: string; identitySource: string };
}
export interface FunctionConfig {
  handler: string;
  role: string;
  events: { http: HttpEvent }[];
}
export interface Generated {
  functions: Record<string, FunctionConfig>;
  resources: Record<string, CfnResource>;
  /** provider.environment: every function's variables (docs/reference/configuration.md#the-server) */
  environment: Record<string, string>;
  /** params.default: what a stage's params or `--param` override */
  params: Record<string, string | boolean>;
  /** provider settings, each used only where the project sets none */
  provider: Record<string, unknown>;
}

/** The request headers API Gateway allows across origins: those the Lambda's own preflight answer allows. */
export const CORS_HEADERS = ['Content-Type', 'Authorization', 'X-Api-Key', 'If-Match'];

/** The logical id of a function's role: hasPermission → HasPermissionRole. */
export const roleId = (fn: string) => `${fn[0]!.toUpperCase()}${fn.slice(1)}Role`;

/**
 * The functions, resources and settings an app deploys as. Throws when API Gateway could not deploy its routes
 * (naming them) or a table attribute is declared with two types.
 */
export function generate(app: AppConfig, settings: DeploySettings): Generated {
  const { functions, roles } = functionsFor(app, settings);
  return {
    functions,
    resources: { ...tableResources(app), ...roles },
    environment: environmentFor(app, settings),
    params: paramsFor(app),
    provider: providerFor(settings),
  };
}

/** One function per verb with its routes as API Gateway events, and one least-privilege role each. */
function functionsFor(
  app: AppConfig,
  settings: DeploySettings,
): { functions: Record<string, FunctionConfig>; roles: Record<string, CfnResource> } {
  const routes = routesFor(app); // refuses a route table API Gateway could not deploy (core/routes.ts checkRouteTable)
  const itemRoles = app.itemRoles !== undefined;
  const cors = settings.corsOrigins.length
    ? { origins: settings.corsOrigins, headers: CORS_HEADERS, allowCredentials: false as const }
    : undefined;
  const authorizer = settings.cognitoUserPoolArn
    ? {
        type: 'COGNITO_USER_POOLS' as const,
        arn: settings.cognitoUserPoolArn,
        identitySource: 'method.request.header.Authorization',
      }
    : undefined;
  const functions: Record<string, FunctionConfig> = {};
  const roles: Record<string, CfnResource> = {};
  for (const route of routes) {
    const fn = route.verb;
    functions[fn] ??= { handler: `${fn}.handler`, role: roleId(fn), events: [] };
    functions[fn].events.push({
      http: {
        method: route.method.toLowerCase(),
        path: route.path.replace(/^\//, ''),
        private: settings.apiKeys,
        ...(cors ? { cors } : {}),
        ...(authorizer ? { authorizer } : {}),
      },
    });
    roles[roleId(fn)] ??= functionRole(fn as Verb, `${SERVICE_STAGE}-${fn}`, { itemRoles });
  }
  return { functions, roles };
}

/** The tables with the app's key and indexes, by logical id. */
const tableResources = (app: AppConfig): Record<string, CfnResource> =>
  Object.fromEntries(
    Object.entries(tableSpecs(app)).map(([role, spec]) => [
      TABLE_IDS[role as keyof typeof TABLE_IDS],
      tableResource(spec),
    ]),
  );

const param = (name: string) => variable(`param:${name}`);
/** the packaging machine's variable, empty when unset */
const env = (name: string) => variable(`env:${name}, ''`);

/** Every function's environment (docs/reference/configuration.md#the-server). */
function environmentFor(app: AppConfig, settings: DeploySettings): Record<string, string> {
  const names = tableNames(app);
  return {
    DATA_TABLE: names.data,
    AUTH_TABLE: names.auth,
    GROUP_TABLE: names.groups,
    AUDIT_TABLE: names.audit,
    ...(names.withGrants ? { GRANTS_TABLE: names.grants } : {}),
    AUDIT_SHARDS: param('auditShards'),
    AUDIT_READ_TTL_DAYS: param('auditReadTtlDays'),
    AUDIT_WRITE_TTL_DAYS: param('auditWriteTtlDays'),
    AUTH_CACHE_SECONDS: param('authCacheSeconds'),
    DEFAULT_ROLE: param('defaultRole'),
    ANONYMOUS_ROLE: param('anonymousRole'),
    READ_BUDGET_MS: param('readBudgetMs'),
    // CloudFormation resolves it at deploy time; create it once per stage (docs/reference/deploy.md#what-it-adds).
    CURSOR_SECRET: `{{resolve:ssm:${param('cursorSecretParameter')}}}`,
    CORS_ORIGINS: settings.corsOrigins.join(','),
    JWT_USER_CLAIM: param('jwtUserClaim'),
    JWT_GROUPS_CLAIM: param('jwtGroupsClaim'),
    JWT_USERNAME_CLAIM: param('jwtUsernameClaim'),
    // In-process JWT verification (docs/reference/identity.md#verified-bearer-tokens), from the packaging machine; empty means unset.
    OIDC_JWKS_URL: env('OIDC_JWKS_URL'),
    OIDC_ISSUER: env('OIDC_ISSUER'),
    OIDC_AUDIENCE: env('OIDC_AUDIENCE'),
    OIDC_CLOCK_SKEW_SECONDS: env('OIDC_CLOCK_SKEW_SECONDS'),
    OIDC_ALGORITHMS: env('OIDC_ALGORITHMS'),
    TRUST_OIDC_HEADERS: 'false',
    // The same variable decides whether @sentry/node is bundled at all (docs/reference/deploy.md#bundling).
    SENTRY_DSN: env('SENTRY_DSN'),
    LOG_LEVEL: param('logLevel'),
    STAGE: variable('sls:stage'),
    NODE_OPTIONS: '--enable-source-maps',
  };
}

/** The parameters' defaults, which a stage's params or `--param` override. */
const paramsFor = (app: AppConfig): Record<string, string | boolean> => ({
  auditShards: '4',
  auditReadTtlDays: '30',
  auditWriteTtlDays: '',
  logLevel: 'info',
  authCacheSeconds: '10',
  // Ids of auth records of type ROLE ('' = none): the app's own unless a stage names another.
  defaultRole: app.defaultRole ?? '',
  anonymousRole: app.anonymousRole ?? '',
  readBudgetMs: '20000',
  cursorSecretParameter: `/${variable('self:service')}/${variable('sls:stage')}/cursor-secret`,
  deletionProtection: true,
  jwtUserClaim: 'sub',
  jwtGroupsClaim: 'cognito:groups',
  jwtUsernameClaim: 'cognito:username',
});

/** Provider settings, each used only where the project sets none. */
const providerFor = (settings: DeploySettings): Record<string, unknown> => ({
  runtime: 'nodejs22.x',
  architecture: 'arm64',
  memorySize: 512,
  timeout: 29, // API Gateway's own limit; READ_BUDGET_MS (20 s) cuts long reads before it
  logRetentionInDays: 30,
  ...(settings.apiKeys
    ? {
        apiGateway: {
          apiKeys: [`${SERVICE_STAGE}-default`],
          usagePlan: { throttle: { burstLimit: 200, rateLimit: 100 } },
        },
      }
    : {}),
});
