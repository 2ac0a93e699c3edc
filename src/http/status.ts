import type { ErrorCode, ScoutrError } from '../core/errors';

// docs/reference/errors.md#codes: the HTTP answer of each error code. The one place a domain error becomes HTTP: the Lambda edge, the
// local server, the console and `scoutr check` all answer through this table.
const ANSWERS: Record<ErrorCode, { status: number; retryAfter?: number }> = {
  INVALID_JSON: { status: 400 },
  INVALID_BODY: { status: 400 },
  INVALID_QUERY: { status: 400 },
  QUERY_TOO_COMPLEX: { status: 400 },
  INVALID_CURSOR: { status: 400 },
  VALIDATION_FAILED: { status: 400 },
  CONDITION_FAILED: { status: 400 },
  UNAUTHENTICATED: { status: 401 },
  FORBIDDEN: { status: 403 },
  NOT_FOUND: { status: 404 },
  AUDIT_DISABLED: { status: 404 },
  CONFLICT: { status: 409 },
  LAST_OWNER: { status: 409 },
  PRECONDITION_FAILED: { status: 412 },
  PAYLOAD_TOO_LARGE: { status: 413 },
  URI_TOO_LONG: { status: 414 },
  THROTTLED: { status: 429, retryAfter: 1 }, // DynamoDB throttling after the SDK's retries
  AUTH_CONFIG: { status: 500 },
  INTERNAL: { status: 500 },
};
/** THROTTLED because DynamoDB was unavailable or unreachable: the service, not the caller's rate. */
const UNAVAILABLE = { status: 503, retryAfter: 2 };

/** The status of a code (a THROTTLED error answers 503 instead when DynamoDB was unavailable). */
export const statusOf = (code: ErrorCode): number => ANSWERS[code].status;

/** The status and headers an error is answered with. */
export function httpAnswer(err: ScoutrError): { status: number; headers: Record<string, string> } {
  const { status, retryAfter } = err.code === 'THROTTLED' && err.unavailable ? UNAVAILABLE : ANSWERS[err.code];
  return { status, headers: retryAfter === undefined ? {} : { 'Retry-After': String(retryAfter) } };
}
