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

export interface ErrorOptions {
  cause?: unknown;
  /** whether the message may be shown to the caller (default: every code but INTERNAL and AUTH_CONFIG) */
  expose?: boolean;
  details?: Record<string, unknown>;
  /** THROTTLED only: DynamoDB was unavailable or unreachable, rather than throttling this caller */
  unavailable?: boolean;
}

/** Codes whose message is Scoutr's own business, not the caller's: answered as 'Internal error' (docs/reference/errors.md#the-error-body). */
const INTERNAL_CODES: ReadonlySet<ErrorCode> = new Set(['INTERNAL', 'AUTH_CONFIG']);

const BRAND = Symbol.for('scoutr.ScoutrError');

/**
 * A known outcome, named by its code. The HTTP edge alone turns a code into a status and headers (its table, http/status.ts):
 * nothing in the core knows HTTP.
 */
export class ScoutrError extends Error {
  /**
   * An app config is loaded as its own module graph (src/modules.ts), and a project may hold two copies of Scoutr:
   * an error made by any copy is a ScoutrError to every copy, so the error an app throws keeps its code.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
  }
  readonly [BRAND] = true;
  override readonly name = 'ScoutrError';
  readonly code: ErrorCode;
  readonly expose: boolean;
  readonly details: Readonly<Record<string, unknown>> | undefined;
  readonly unavailable: boolean;
  constructor(code: ErrorCode, message: string, opts?: ErrorOptions);
  /**
   * @deprecated Scoutr 2.0's form, still accepted: the status is ignored, since the code decides it
   * (`new ScoutrError('INVALID_BODY', 'no')` answers as `new ScoutrError('INVALID_BODY', 'no')` does).
   */
  constructor(code: ErrorCode, status: number, message: string, opts?: ErrorOptions);
  constructor(code: ErrorCode, second: string | number, third?: string | ErrorOptions, fourth?: ErrorOptions) {
    const legacy = typeof second === 'number';
    const opts = (legacy ? fourth : (third as ErrorOptions | undefined)) ?? {};
    super(legacy ? String(third) : second, { cause: opts.cause });
    this.code = code;
    this.expose = opts.expose ?? !INTERNAL_CODES.has(code); // the caller's errors are written for the caller
    this.details = opts.details;
    this.unavailable = opts.unavailable ?? false;
  }
}

export const invalidQuery = (param: string, reason: string) =>
  new ScoutrError('INVALID_QUERY', `${param}: ${reason}`, { details: { param } });
export const invalidBody = (reason: string, details?: Record<string, unknown>) =>
  new ScoutrError('INVALID_BODY', reason, details ? { details } : {});
export const forbidden = (reason = 'Forbidden', details?: Record<string, unknown>) =>
  new ScoutrError('FORBIDDEN', reason, details ? { details } : {});
export const notFound = (what = 'Item') => new ScoutrError('NOT_FOUND', `${what} not found`);
export const unauthenticated = () => new ScoutrError('UNAUTHENTICATED', 'Unauthenticated');
export const conflict = (reason: string) => new ScoutrError('CONFLICT', reason);
export const tooComplex = (reason: string) => new ScoutrError('QUERY_TOO_COMPLEX', reason);
/**
 * THROTTLED: DynamoDB throttled us past the SDK's retries, or was unavailable (`unavailable`). Either way the caller
 * may retry, so the message is shown; the edge says when (Retry-After).
 */
export const throttled = (opts: { cause?: unknown; unavailable?: boolean } = {}) =>
  opts.unavailable
    ? new ScoutrError('THROTTLED', 'Service temporarily unavailable; retry later', {
        cause: opts.cause,
        unavailable: true,
      })
    : new ScoutrError('THROTTLED', 'Too many requests; retry later', { cause: opts.cause });
// The record's name goes to the log (through `cause`), never to the caller.
export const authConfig = (detail: string, at?: AuthConfigAt) =>
  new ScoutrError('AUTH_CONFIG', 'Permission records are misconfigured', {
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
