import { ScoutrError } from '../core/errors';

// Every SDK error is recognised here and nowhere else (STYLE.md §2).
const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
]);
const UNAVAILABLE = new Set(['InternalServerError', 'ServiceUnavailable', 'InternalFailure']);

const nameOf = (err: unknown): string | undefined =>
  err && typeof err === 'object' && 'name' in err && typeof err.name === 'string' ? err.name : undefined;

/** Throttling after the SDK's own retries → 429 (503 when DynamoDB itself was unavailable), with Retry-After. */
export function translateError(err: unknown): unknown {
  if (err instanceof ScoutrError) return err;
  const name = nameOf(err);
  if (name && THROTTLING.has(name)) {
    return new ScoutrError('THROTTLED', 429, 'Too many requests; retry later', {
      cause: err,
      headers: { 'Retry-After': '1' },
    });
  }
  if (name && UNAVAILABLE.has(name)) {
    return new ScoutrError('THROTTLED', 503, 'Service temporarily unavailable; retry later', {
      cause: err,
      expose: true, // the caller may retry: say so, unlike an INTERNAL 500
      headers: { 'Retry-After': '2' },
    });
  }
  return err; // unexpected: the boundary answers 500 INTERNAL and logs it
}

export const isTransactionCanceled = (err: unknown) => nameOf(err) === 'TransactionCanceledException';
export const isResourceNotFound = (err: unknown) => nameOf(err) === 'ResourceNotFoundException';
export const isConditionFailed = (err: unknown) => nameOf(err) === 'ConditionalCheckFailedException';
