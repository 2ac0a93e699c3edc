import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createClient } from '../../src/dynamo/client';

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

// These tests create and drop tables, so any endpoint that might be a real account is refused.
export function localDb(endpoint = process.env.DYNAMODB_ENDPOINT): DynamoDBClient {
  if (!endpoint || !LOCAL_HOSTS.has(new URL(endpoint).hostname)) {
    throw new Error(`integration tests need a local DYNAMODB_ENDPOINT, got ${endpoint ?? 'none'}`);
  }
  // The test emulator's key (global-setup.ts), or the fixed local pair. Second safeguard: AWS rejects either.
  return createClient({ endpoint, credentials: testCredentials() });
}

/** The same as the variables a server or the CLI reads them from. */
export const testCredentialsEnv = () => ({
  AWS_ACCESS_KEY_ID: testCredentials().accessKeyId,
  AWS_SECRET_ACCESS_KEY: testCredentials().secretAccessKey,
});

/** The credentials of the test run's DynamoDB Local: its database is private to them. */
export const testCredentials = () => ({
  accessKeyId: process.env.AWS_ACCESS_KEY_ID || 'local',
  secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY || 'local',
});

let counter = 0;
/** Table names unique to this worker and call, so suites running in parallel never share a table. */
export function uniqueName(prefix: string): string {
  counter++;
  return `${prefix}-${process.pid}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}
