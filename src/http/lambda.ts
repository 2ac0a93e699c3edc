import type { Context } from 'aws-lambda';
import { runRequest } from '../actions/run';
import type { Config } from '../config';
import type { AppConfig } from '../core/app';
import { callerLabel } from '../core/caller';
import type { Verb } from '../core/routes';
import type { RequestLog } from '../engine/request-log';
import { corsHeaders, preflightHeaders } from './cors';
import { type ApiEvent, bearerToken, isHttpApiEvent, toRequest } from './event';
import { InvalidToken, type TokenVerifier } from './jwt';
import { jsonLogger } from './log';
import { errorResult, type HttpResult, replyResult } from './respond';
import { createRuntime, type Runtime, type RuntimeOverrides } from './runtime';

const methodOf = (e: ApiEvent) => (isHttpApiEvent(e) ? e.requestContext.http.method : e.httpMethod).toUpperCase();
const originOf = (e: ApiEvent) => {
  const h = e.headers ?? {};
  return h.origin ?? h.Origin;
};

/**
 * The claims of the event's bearer token, when Scoutr verifies tokens itself (OIDC_JWKS_URL). Why a token was
 * refused goes to the log line (`token_error`), never to the caller.
 */
export async function verifiedClaims(verify: TokenVerifier | undefined, event: ApiEvent, note: RequestLog) {
  const token = verify && bearerToken(event);
  if (!verify || token === undefined) return undefined;
  try {
    return await verify(token);
  } catch (err) {
    if (err instanceof InvalidToken) note.tokenError = err.reason;
    throw err;
  }
}

/** One event through one verb: request → action → answer, with the log line and the error boundary. */
export async function handleEvent(rt: Runtime, verb: Verb, event: ApiEvent): Promise<HttpResult> {
  const { deps } = rt;
  const started = deps.now();
  const requestId = event.requestContext?.requestId ?? '';
  const method = methodOf(event);
  const origin = originOf(event);
  if (method === 'OPTIONS') {
    return {
      statusCode: 204,
      headers: preflightHeaders(rt.corsOrigins, origin, 'GET, POST, PUT, PATCH, DELETE'),
      body: '',
    };
  }
  const note: RequestLog = {};
  let code: string | undefined;
  let route = method;
  let captured = false;
  const result = await rt.reporter.scoped(requestId, async (): Promise<HttpResult> => {
    try {
      const req = toRequest(event, rt.identity, await verifiedClaims(rt.verifyToken, event, note));
      route = `${req.method} ${req.resource}`;
      note.caller = req.caller;
      return replyResult(await runRequest(deps, verb, req, note));
    } catch (err) {
      const out = errorResult(err, requestId, deps.log, (e, id) => {
        captured = true;
        rt.reporter.capture(e, id);
      });
      code = out.error.code;
      return out.result;
    }
  });
  if (captured) await rt.reporter.flush();
  const { caller, stats, authStats } = note;
  const line = {
    requestId,
    verb,
    route,
    caller: caller ? callerLabel(caller) : 'unknown',
    status: result.statusCode,
    ...(code ? { code } : {}),
    ...(note.tokenError ? { token_error: note.tokenError } : {}),
    ms: deps.now() - started,
    ...(note.count !== undefined ? { count: note.count } : {}),
    ...(stats ? { items_read: stats.scanned, dynamodb_calls: stats.calls, consumed_capacity: stats.capacity } : {}),
    ...(authStats ? { auth_calls: authStats.calls } : {}),
    ...(note.plan ? { plan: note.plan } : {}),
    ...(note.conditions ? { conditions: note.conditions } : {}),
  };
  // Denied requests are logged (not audited) with the caller and route.
  if (result.statusCode === 401 || result.statusCode === 403) deps.log.warn('request denied', line);
  else deps.log.info('request', line);
  result.headers = { ...result.headers, ...corsHeaders(rt.corsOrigins, origin) };
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
