import { ScoutrError } from '../core/errors';
import type { Logger } from '../core/log';
import type { Reply } from '../engine/context';
import { errorFields } from './log';
import { httpAnswer } from './status';

export interface HttpResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

const JSON_TYPE = { 'Content-Type': 'application/json; charset=utf-8' };

export function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return { statusCode: status, headers: { ...JSON_TYPE, ...headers }, body: JSON.stringify(body) };
}

export function replyResult(reply: Reply): HttpResult {
  const body = reply.rawBody ?? (reply.body === undefined ? '' : JSON.stringify(reply.body));
  return { statusCode: reply.status, headers: { ...JSON_TYPE, ...reply.headers }, body };
}

/** The only error boundary: known errors answer their code; anything else is a 500 that says nothing inside. */
export function errorResult(
  err: unknown,
  requestId: string,
  log: Logger,
  capture: (err: unknown, requestId: string) => void = () => {},
): { result: HttpResult; error: ScoutrError } {
  const e = err instanceof ScoutrError ? err : new ScoutrError('INTERNAL', 'Internal error', { cause: err });
  const { status, headers } = httpAnswer(e);
  if (status >= 500) {
    log.error('request failed', { requestId, code: e.code, error: errorFields(e.cause ?? e) }); // stack: logs only
    capture(e.cause ?? e, requestId); // 5xx only: 4xx errors are the caller's, not ours
  }
  const details = e.expose && e.details ? { details: e.details } : {};
  const body = {
    error: e.expose ? e.message : e.code === 'AUTH_CONFIG' ? e.message : 'Internal error',
    code: e.code,
    ...details,
  };
  return { result: json(status, body, headers), error: e };
}
