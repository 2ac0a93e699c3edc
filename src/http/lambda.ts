import type { Context } from 'aws-lambda';
import { runRequest } from '../actions/run';
import type { Config } from '../config';
import type { AppConfig } from '../core/app';
import { callerLabel } from '../core/caller';
import type { Logger } from '../core/log';
import type { Verb } from '../core/routes';
import type { RequestLog } from '../engine/request-log';
import { corsHeaders, preflightHeaders } from './cors';
import { type ApiEvent, bearerToken, type EventHeaders, eventHeaders, isHttpApiEvent, toRequest } from './event';
import { InvalidToken, type TokenVerifier } from './jwt';
import { jsonLogger } from './log';
import { errorResult, type HttpResult, replyResult } from './respond';
import { createRuntime, type Runtime, type RuntimeOverrides } from './runtime';

const methodOf = (e: ApiEvent) => (isHttpApiEvent(e) ? e.requestContext.http.method : e.httpMethod).toUpperCase();
// Header names are case-insensitive; a repeated Origin counts as its last line, as API Gateway's `headers` keeps it.
const originOf = (headers: EventHeaders) => headers.get('origin')?.at(-1);

/**
 * The claims of the request's bearer token, when Scoutr verifies tokens itself (OIDC_JWKS_URL). Why a token was
 * refused goes to the log line (`token_error`), never to the caller.
 */
export async function verifiedClaims(verify: TokenVerifier | undefined, headers: EventHeaders, note: RequestLog) {
  const token = verify && bearerToken(headers);
  if (!verify || token === undefined) return undefined;
  try {
    return await verify(token);
  } catch (err) {
    if (err instanceof InvalidToken) note.tokenError = err.reason;
    throw err;
  }
}

/** What one request came to: the answer, and what the log line says of it besides the note. */
interface Outcome {
  result: HttpResult;
  /** `METHOD /resource` once the request is read; the method alone if reading it failed */
  route: string;
  /** the error code, when the answer is an error */
  code?: string;
  /** whether the error reporter was handed the error (5xx only), so it must be flushed before Lambda freezes */
  captured: boolean;
}

/**
 * One event through one verb, in named steps (docs/reference/deploy.md#logs): a preflight is answered at once;
 * any other request is answered inside the error boundary, reported, logged in one line, and given its CORS headers.
 * The headers are read once, here, for the token, the request and the origin.
 */
export async function handleEvent(rt: Runtime, verb: Verb, event: ApiEvent): Promise<HttpResult> {
  const started = rt.deps.now();
  const headers = eventHeaders(event);
  const origin = originOf(headers);
  if (methodOf(event) === 'OPTIONS') return preflight(rt.corsOrigins, origin);
  const requestId = event.requestContext?.requestId ?? '';
  const note: RequestLog = {};
  const outcome = await rt.reporter.scoped(requestId, () => answer(rt, verb, event, headers, note));
  if (outcome.captured) await rt.reporter.flush();
  logRequest(rt.deps.log, requestLine(requestId, verb, outcome, note, rt.deps.now() - started));
  return withCors(outcome.result, rt.corsOrigins, origin);
}

/** CORS preflight (docs/reference/endpoints.md#cors): no identity, no log line. */
const preflight = (origins: readonly string[], origin: string | undefined): HttpResult => ({
  statusCode: 204,
  headers: preflightHeaders(origins, origin, 'GET, POST, PUT, PATCH, DELETE'),
  body: '',
});

/** Token → request → action → reply, with every failure turned into its answer by the one error boundary. */
async function answer(
  rt: Runtime,
  verb: Verb,
  event: ApiEvent,
  headers: EventHeaders,
  note: RequestLog,
): Promise<Outcome> {
  let route = methodOf(event);
  try {
    const req = toRequest(event, rt.identity, await verifiedClaims(rt.verifyToken, headers, note), headers);
    route = `${req.method} ${req.resource}`;
    note.caller = req.caller;
    return { result: replyResult(await runRequest(rt.deps, verb, req, note)), route, captured: false };
  } catch (err) {
    let captured = false;
    const requestId = event.requestContext?.requestId ?? '';
    const out = errorResult(err, requestId, rt.deps.log, (e, id) => {
      captured = true;
      rt.reporter.capture(e, id);
    });
    return { result: out.result, route, code: out.error.code, captured };
  }
}

/** The request's one log line: ids, verb, route, caller, status, code, timings, and what the action noted. */
function requestLine(requestId: string, verb: Verb, outcome: Outcome, note: RequestLog, ms: number) {
  const { result, route, code } = outcome;
  const { caller, stats, authStats } = note;
  return {
    requestId,
    verb,
    route,
    caller: caller ? callerLabel(caller) : 'unknown',
    status: result.statusCode,
    ...(code ? { code } : {}),
    ...(note.tokenError ? { token_error: note.tokenError } : {}),
    ms,
    ...(note.count !== undefined ? { count: note.count } : {}),
    ...(stats ? { items_read: stats.scanned, dynamodb_calls: stats.calls, consumed_capacity: stats.capacity } : {}),
    ...(authStats ? { auth_calls: authStats.calls } : {}),
    ...(note.plan ? { plan: note.plan } : {}),
    ...(note.conditions ? { conditions: note.conditions } : {}),
  };
}

/** Denied requests are logged (not audited) with the caller and route; every other request at info. */
function logRequest(log: Logger, line: ReturnType<typeof requestLine>): void {
  if (line.status === 401 || line.status === 403) log.warn('request denied', line);
  else log.info('request', line);
}

function withCors(result: HttpResult, origins: readonly string[], origin: string | undefined): HttpResult {
  result.headers = { ...result.headers, ...corsHeaders(origins, origin) };
  return result;
}

/**
 * The Lambda entry for one verb. Config is parsed at cold start, so a bad variable fails init, by name. The runtime
 * (one DescribeTable) is built at init too, but a failed build is not kept: the next request builds it again, so
 * one throttled DescribeTable costs one answer, not the container's life.
 */
export function lambdaHandler(verb: Verb, app: AppConfig, config: Config, overrides: RuntimeOverrides = {}) {
  if (config.TRUST_OIDC_HEADERS) {
    jsonLogger(config.LOG_LEVEL).warn('TRUST_OIDC_HEADERS is on: identity comes from request headers', {
      note: 'only safe behind a proxy that sets and strips them',
    });
  }
  let runtime: Promise<Runtime> | undefined;
  const build = (): Promise<Runtime> => {
    const p = createRuntime(app, config, overrides);
    runtime = p;
    p.catch(() => {
      if (runtime === p) runtime = undefined; // the next request retries
    });
    return p;
  };
  build();
  return async (event: ApiEvent, _context?: Context): Promise<HttpResult> => {
    let rt: Runtime;
    try {
      rt = await (runtime ?? build());
    } catch (err) {
      const log = overrides.log ?? jsonLogger(config.LOG_LEVEL);
      log.error('init failed', { error: String(err) });
      return errorResult(err, event.requestContext?.requestId ?? '', log, () => {}).result;
    }
    return handleEvent(rt, verb, event);
  };
}
