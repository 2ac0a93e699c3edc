import {
  type DynamoDBClient,
  ProvisionedThroughputExceededException,
  RequestLimitExceeded,
  ThrottlingException,
} from '@aws-sdk/client-dynamodb';

// Faults injected into a client's middleware stack (docs/reference/errors.md#the-error-body). `deserialize` is the innermost step: the middleware
// runs once per attempt, inside the SDK's retry loop (finalizeRequest), so the SDK retries an injected fault exactly as
// it would retry DynamoDB's own answer; the request is never sent. `initialize` runs once per call, before the retries.

export interface Injected {
  /** attempts of a matching command that reached the injection point (the SDK's retries included) */
  readonly attempts: number;
  /** faults thrown so far */
  readonly thrown: number;
  remove(): void;
}

type Input = Record<string, unknown>;
let injections = 0;

/** Throws `error()` on the next `times` attempts of `command` whose input `matches` (default: every one). */
export function injectFault(
  db: DynamoDBClient,
  opts: { command: string; error: () => Error; times?: number; matches?: (input: Input) => boolean },
): Injected {
  const name = `fault-${++injections}`;
  const state = { attempts: 0, thrown: 0, remove: () => db.middlewareStack.remove(name) };
  db.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === opts.command && (opts.matches?.(args.input as Input) ?? true)) {
        state.attempts++;
        if (state.thrown < (opts.times ?? Number.POSITIVE_INFINITY)) {
          state.thrown++;
          throw opts.error();
        }
      }
      return next(args);
    },
    { step: 'deserialize', name },
  );
  return state;
}

/** Runs `change` on the input of the next `times` calls of `command` (matching `matches`), before it is sent. */
export function rewriteInput(
  db: DynamoDBClient,
  opts: { command: string; change: (input: Input) => Promise<void> | void; times?: number },
): Injected {
  const name = `rewrite-${++injections}`;
  const state = { attempts: 0, thrown: 0, remove: () => db.middlewareStack.remove(name) };
  db.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === opts.command) {
        state.attempts++;
        if (state.attempts <= (opts.times ?? Number.POSITIVE_INFINITY)) await opts.change(args.input as Input);
      }
      return next(args);
    },
    { step: 'initialize', name },
  );
  return state;
}

const meta = { $metadata: { httpStatusCode: 400 } };
/** DynamoDB's three throttling answers, as the SDK deserializes them. */
export const THROTTLING = [
  {
    name: 'ProvisionedThroughputExceededException',
    error: () => new ProvisionedThroughputExceededException({ message: 'slow down', ...meta }),
  },
  {
    name: 'ThrottlingException',
    error: () => new ThrottlingException({ message: 'Rate of requests exceeds the allowed throughput.', ...meta }),
  },
  {
    name: 'RequestLimitExceeded',
    error: () =>
      new RequestLimitExceeded({
        message: 'Throughput exceeds the current throughput limit for your account.',
        ...meta,
      }),
  },
];

/** No answer: what the SDK's HTTP handler throws (client.ts bounds each attempt), or Node's socket errors. */
export const TIMEOUTS = [
  {
    name: 'a request timeout',
    error: () =>
      Object.assign(new Error('a request has exceeded the configured 1000 ms requestTimeout'), {
        name: 'TimeoutError',
        code: 'ETIMEDOUT',
      }),
  },
  {
    name: 'a socket timeout',
    error: () =>
      Object.assign(new Error('the request socket timed out after 1000 ms of inactivity'), { name: 'TimeoutError' }),
  },
  { name: 'a connection reset', error: () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) },
];
