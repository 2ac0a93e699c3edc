import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';

// The client's type for the layers above, which never import the SDK themselves (STYLE.md §2).
export type { DynamoDBClient };

interface ClientOptions {
  endpoint?: string | undefined;
  region?: string | undefined;
  /** only for local endpoints: DynamoDB Local accepts any credentials */
  credentials?: { accessKeyId: string; secretAccessKey: string } | undefined;
  /**
   * READ_BUDGET_MS (docs/reference/pagination.md#size-and-time-limits): when given, every attempt of a call is bounded so that a DynamoDB that stopped
   * answering costs a request at most about this long, then 503 THROTTLED. Unset (tools, the emulator's start-up
   * ping): the SDK's defaults, which wait up to 300 s for an answer.
   */
  readBudgetMs?: number | undefined;
}

export const SDK_MAX_ATTEMPTS = 4; // the SDK retries throttling and timeouts with backoff; after that the caller gets 429/503
/** DynamoDB answers in milliseconds; a slower attempt is a stalled connection, but a loaded DynamoDB Local needs ~1 s. */
const MIN_ATTEMPT_MS = 1000;

/**
 * The bound on one attempt: the budget shared by SDK_MAX_ATTEMPTS attempts plus one share for the SDK's backoff between
 * them (under 1 s for timeouts), so all attempts of one call end within the budget (20 s → 4 s an attempt; budgets
 * under 5 s get 1 s attempts, at most ~5 s in all).
 */
export const attemptTimeoutMs = (readBudgetMs: number): number =>
  Math.max(MIN_ATTEMPT_MS, Math.floor(readBudgetMs / (SDK_MAX_ATTEMPTS + 1)));

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Credentials for a DynamoDB on this machine (DynamoDB Local, which keeps one database per access key id and region):
 * AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from `env` when set (the embedded database's key, as `npm start`
 * prints it), else the fixed `local` pair, unless AWS_PROFILE names a profile to use. Undefined: the SDK's default
 * chain (always, for an endpoint elsewhere).
 */
export function localCredentials(
  endpoint: string | undefined,
  env: Record<string, string | undefined>,
): { accessKeyId: string; secretAccessKey: string } | undefined {
  const local = endpoint !== undefined && LOOPBACK.has(new URL(endpoint).hostname);
  if (!local)
    return env.AWS_ACCESS_KEY_ID || env.AWS_PROFILE ? undefined : { accessKeyId: 'local', secretAccessKey: 'local' };
  if (env.AWS_ACCESS_KEY_ID) {
    return { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY || 'local' };
  }
  return env.AWS_PROFILE ? undefined : { accessKeyId: 'local', secretAccessKey: 'local' };
}

/** One client per container: the SDK keeps connections alive and reuses them across invocations. */
export function createClient(opts: ClientOptions = {}): DynamoDBClient {
  const attemptMs = opts.readBudgetMs === undefined ? undefined : attemptTimeoutMs(opts.readBudgetMs);
  return new DynamoDBClient({
    ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
    region: opts.region ?? 'us-east-1',
    ...(opts.credentials ? { credentials: opts.credentials } : {}),
    maxAttempts: SDK_MAX_ATTEMPTS,
    // Without these the SDK waits for a stalled DynamoDB (a paused process, a dropped network) for its default
    // 300 s socket timeout: longer than Lambda's. `throwOnRequestTimeout`: by default an overdue request only warns.
    // The SDK retries the TimeoutError like any transient fault; the last one is answered 503 (errors.ts).
    ...(attemptMs === undefined
      ? {}
      : { requestHandler: { connectionTimeout: attemptMs, requestTimeout: attemptMs, throwOnRequestTimeout: true } }),
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
