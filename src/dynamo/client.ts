import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';

// The client's type for the layers above, which never import the SDK themselves (STYLE.md §2).
export type { DynamoDBClient };

interface ClientOptions {
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

/** Resolves once the endpoint answers a request (a one-table ListTables); rejects with the SDK's error otherwise. */
export async function ping(db: DynamoDBClient): Promise<void> {
  await db.send(new ListTablesCommand({ Limit: 1 }));
}

/**
 * Calls `observe` with the command's name before every later call of `db` (for error-report breadcrumbs: the
 * name only, never the input). Adding it twice replaces the first.
 */
export function observeCommands(db: DynamoDBClient, observe: (commandName: string) => void): void {
  db.middlewareStack.add(
    (next, context) => async (args) => {
      observe(context.commandName ?? 'command');
      return next(args);
    },
    { step: 'initialize', name: 'scoutrObserveCommands', override: true },
  );
}
