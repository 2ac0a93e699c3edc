import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as z from 'zod/mini';
import { EnvSchema, parseEnv } from '../config';
import { createClient, localCredentials } from '../dynamo/client';

// The server's own variables (docs/reference/configuration.md#the-server) and their rules, from the one schema: only the tables `scoutr` reads.
const { AUTH_TABLE, GROUP_TABLE, DATA_TABLE, DYNAMODB_ENDPOINT, AWS_REGION, DEFAULT_ROLE, ANONYMOUS_ROLE } =
  EnvSchema.shape;
const CliEnvSchema = z.object({
  DEFAULT_ROLE,
  ANONYMOUS_ROLE,
  AUTH_TABLE,
  GROUP_TABLE,
  DATA_TABLE: z.optional(DATA_TABLE),
  DYNAMODB_ENDPOINT,
  AWS_REGION,
});
export type CliEnv = z.infer<typeof CliEnvSchema>;

export const cliEnv = (env: Record<string, string | undefined>): CliEnv => parseEnv(CliEnvSchema, env);

/** DEFAULT_ROLE and ANONYMOUS_ROLE alone, by the server's rules: `check --policy` needs no tables. */
const RolesEnvSchema = z.object({ DEFAULT_ROLE, ANONYMOUS_ROLE });
export const rolesEnv = (env: Record<string, string | undefined>) => parseEnv(RolesEnvSchema, env);

/**
 * AWS credentials come from the default chain. A loopback endpoint is DynamoDB Local, which keeps a database per
 * access key id: there AWS_ACCESS_KEY_ID is used as given (the key `npm start` prints for its embedded database), and
 * without one the fixed local pair (localCredentials), never for AWS itself.
 */
export function cliClient(
  env: Pick<CliEnv, 'DYNAMODB_ENDPOINT' | 'AWS_REGION'>,
  raw: Record<string, string | undefined>,
): DynamoDBClient {
  const endpoint = env.DYNAMODB_ENDPOINT;
  const local = endpoint !== undefined && new Set(['localhost', '127.0.0.1', '[::1]']).has(new URL(endpoint).hostname);
  const credentials = local ? localCredentials(endpoint, raw) : undefined;
  return createClient({ endpoint, region: env.AWS_REGION, ...(credentials ? { credentials } : {}) });
}
