import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export interface ClientOptions {
  endpoint?: string | undefined;
  region?: string | undefined;
  /** only for local endpoints: DynamoDB Local accepts any credentials */
  credentials?: { accessKeyId: string; secretAccessKey: string } | undefined;
}

/** One client per container: the SDK keeps connections alive and reuses them across invocations. */
export function createClient(opts: ClientOptions = {}): DynamoDBClient {
  return new DynamoDBClient({
    ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
    region: opts.region ?? 'us-east-1',
    ...(opts.credentials ? { credentials: opts.credentials } : {}),
    maxAttempts: 4, // the SDK retries throttling with backoff; after that the caller gets 429/503
  });
}
