// docs/reference/errors.md#the-error-body: every error the API answers is one of these codes. Codes are part of the API: add, never rename.
// In docs/reference/errors.md#the-error-body order; openapi.json documents the same list as its Error.code enum.
export const ERROR_CODES = [
  'INVALID_JSON',
  'INVALID_BODY',
  'INVALID_QUERY',
  'QUERY_TOO_COMPLEX',
  'INVALID_CURSOR',
  'VALIDATION_FAILED',
  'CONDITION_FAILED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'AUDIT_DISABLED',
  'CONFLICT',
  'LAST_OWNER',
  'PRECONDITION_FAILED',
  'PAYLOAD_TOO_LARGE',
  'URI_TOO_LONG',
  'THROTTLED',
  'AUTH_CONFIG',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 412 | 413 | 414 | 429 | 500 | 503;

const BRAND = Symbol.for('scoutr.ScoutrError');

export class ScoutrError extends Error {
  /**
   * An app config is loaded as its own module graph (src/modules.ts), and a project may hold two copies of Scoutr:
   * an error made by any copy is a ScoutrError to every copy, so the error an app throws keeps its status.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
  }
  readonly [BRAND] = true;
  override readonly name = 'ScoutrError';
  readonly expose: boolean;
  readonly details: Readonly<Record<string, unknown>> | undefined;
  readonly headers: Readonly<Record<string, string>> | undefined;
  constructor(
    readonly code: ErrorCode,
    readonly status: ErrorStatus,
    message: string,
    opts: {
      cause?: unknown;
      expose?: boolean;
      details?: Record<string, unknown>;
      headers?: Record<string, string>;
    } = {},
  ) {
    super(message, { cause: opts.cause });
    this.expose = opts.expose ?? status < 500; // 4xx text is written for the caller; 5xx text is not
    this.details = opts.details;
    this.headers = opts.headers;
  }
}

export const invalidQuery = (param: string, reason: string) =>
  new ScoutrError('INVALID_QUERY', 400, `${param}: ${reason}`, { details: { param } });
export const invalidBody = (reason: string, details?: Record<string, unknown>) =>
  new ScoutrError('INVALID_BODY', 400, reason, details ? { details } : {});
export const forbidden = (reason = 'Forbidden', details?: Record<string, unknown>) =>
  new ScoutrError('FORBIDDEN', 403, reason, details ? { details } : {});
export const notFound = (what = 'Item') => new ScoutrError('NOT_FOUND', 404, `${what} not found`);
export const unauthenticated = () => new ScoutrError('UNAUTHENTICATED', 401, 'Unauthenticated');
export const conflict = (reason: string) => new ScoutrError('CONFLICT', 409, reason);
export const tooComplex = (reason: string) => new ScoutrError('QUERY_TOO_COMPLEX', 400, reason);
/**
 * THROTTLED: DynamoDB throttled us past the SDK's retries (429), or was unavailable (503). Either way the caller may
 * retry, so the message is shown and Retry-After says when.
 */
export const throttled = (opts: { cause?: unknown; unavailable?: boolean } = {}) =>
  opts.unavailable
    ? new ScoutrError('THROTTLED', 503, 'Service temporarily unavailable; retry later', {
        cause: opts.cause,
        expose: true, // unlike an INTERNAL 500
        headers: { 'Retry-After': '2' },
      })
    : new ScoutrError('THROTTLED', 429, 'Too many requests; retry later', {
        cause: opts.cause,
        headers: { 'Retry-After': '1' },
      });
// The record's name goes to the log (through `cause`), never to the caller.
export const authConfig = (detail: string, at?: AuthConfigAt) =>
  new ScoutrError('AUTH_CONFIG', 500, 'Permission records are misconfigured', {
    cause: new AuthConfigCause(detail, at),
  });

/** Which part of a record was at fault, so `scoutr policy validate` can point at it. Part of the cause: logs only. */
export interface AuthConfigAt {
  /** the record or group whose entry is at fault ('record x', 'group y') */
  set?: string;
  /** the group id listed there */
  group?: string;
  /** the attribute of the entry: 'method', 'endpoint', 'operator', 'value', 'field' */
  field?: string;
  limits?: boolean;
}
export class AuthConfigCause extends Error {
  override readonly name = 'AuthConfigCause';
  constructor(
    message: string,
    readonly at: AuthConfigAt = {},
  ) {
    super(message);
  }
}
