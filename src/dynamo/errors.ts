import {
  ConditionalCheckFailedException,
  DynamoDBServiceException,
  InternalServerError,
  ProvisionedThroughputExceededException,
  RequestLimitExceeded,
  ResourceNotFoundException,
  ThrottlingException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { ScoutrError, throttled } from '../core/errors';

// Every SDK error is recognised here and nowhere else (STYLE.md §2), by the SDK's exception classes. Their
// `instanceof` also accepts an error of the same name from another copy of the SDK (smithy's Symbol.hasInstance).
const THROTTLING = [ProvisionedThroughputExceededException, ThrottlingException, RequestLimitExceeded] as const;

/** The HTTP status of an error DynamoDB answered with no modelled exception (the SDK names it by its code). */
const statusOf = (err: unknown): number | undefined =>
  err instanceof DynamoDBServiceException ? err.$metadata?.httpStatusCode : undefined;

const isThrottling = (err: unknown) => THROTTLING.some((E) => err instanceof E) || statusOf(err) === 429;
// InternalServerError is modelled; ServiceUnavailable (503) and InternalFailure (500) arrive unmodelled.
const isUnavailable = (err: unknown) => err instanceof InternalServerError || (statusOf(err) ?? 0) >= 500;

// No answer at all: the SDK has no exception class for these, only Node's error codes and the HTTP handler's
// TimeoutError (client.ts bounds every attempt) or an AbortError. The SDK retried all but the abort already.
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
const isUnreachable = (err: unknown, depth = 0): boolean => {
  if (!(err instanceof Error) || depth > 3) return false;
  const code = (err as { code?: unknown }).code;
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return true;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  if (err instanceof AggregateError && err.errors.some((e) => isUnreachable(e, depth + 1))) return true;
  return isUnreachable(err.cause, depth + 1); // AggregateError and wrapped socket errors
};

/**
 * Throttling after the SDK's own retries → 429; DynamoDB unavailable, unreachable or not answering in time → 503.
 * Both THROTTLED, with Retry-After (docs/reference/errors.md#throttled).
 */
export function translateError(err: unknown): unknown {
  if (err instanceof ScoutrError) return err;
  if (isThrottling(err)) return throttled({ cause: err });
  if (isUnavailable(err) || isUnreachable(err)) return throttled({ cause: err, unavailable: true });
  return err; // unexpected: the boundary answers 500 INTERNAL and logs it
}

export const isTransactionCanceled = (err: unknown): err is TransactionCanceledException =>
  err instanceof TransactionCanceledException;
export const isResourceNotFound = (err: unknown) => err instanceof ResourceNotFoundException;
export const isConditionFailed = (err: unknown) => err instanceof ConditionalCheckFailedException;
