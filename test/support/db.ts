import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createClient } from '../../src/dynamo/client';
import { LOCAL_CREDENTIALS } from '../../src/local/emulator';

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

// These tests create and drop tables, so any endpoint that might be a real account is refused.
export function localDb(endpoint = process.env.DYNAMODB_ENDPOINT): DynamoDBClient {
  if (!endpoint || !LOCAL_HOSTS.has(new URL(endpoint).hostname)) {
    throw new Error(`integration tests need a local DYNAMODB_ENDPOINT, got ${endpoint ?? 'none'}`);
  }
  // Second safeguard: AWS rejects these credentials.
  return createClient({ endpoint, credentials: LOCAL_CREDENTIALS });
}

let counter = 0;
/** Table names unique to this worker and call, so suites running in parallel never share a table. */
export function uniqueName(prefix: string): string {
  counter++;
  return `${prefix}-${process.pid}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}
