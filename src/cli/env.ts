import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as z from 'zod/mini';
import { EnvSchema, parseEnv } from '../config';
import { createClient } from '../dynamo/client';

// The server's own variables (SPEC.md §10) and their rules, from the one schema: only the tables `scoutr` reads.
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

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * AWS credentials come from the default chain. A loopback endpoint is DynamoDB Local, which accepts any: without
 * credentials in the environment, fixed local ones are used there (as `npm start` does), never for AWS itself.
 */
export function cliClient(
  env: Pick<CliEnv, 'DYNAMODB_ENDPOINT' | 'AWS_REGION'>,
  raw: Record<string, string | undefined>,
): DynamoDBClient {
  const endpoint = env.DYNAMODB_ENDPOINT;
  const local = endpoint !== undefined && LOOPBACK.has(new URL(endpoint).hostname);
  const chain = raw.AWS_ACCESS_KEY_ID || raw.AWS_PROFILE;
  return createClient({
    endpoint,
    region: env.AWS_REGION,
    ...(local && !chain ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  });
}
