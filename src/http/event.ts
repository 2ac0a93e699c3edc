import type { APIGatewayProxyEvent, APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { ScoutrError } from '../core/errors';
import type { ScoutrRequest } from '../core/request';
import { canonicalPath, canonicalRawPath, decodeSegments, fillTemplate, trimTrailingSlash } from '../core/routes';
import { type IdentityConfig, resolveCaller } from './identity';

export type RestEvent = APIGatewayProxyEvent;
export type HttpApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type ApiEvent = RestEvent | HttpApiEvent;

// A v1 event behind a custom-domain base path mapping may also carry `rawPath`; only v2 has requestContext.http.
export const isHttpApiEvent = (e: ApiEvent): e is HttpApiEvent =>
  typeof (e.requestContext as { http?: unknown } | undefined)?.http === 'object';

const throwBadPath = (): never => {
  throw new ScoutrError('INVALID_QUERY', 'path: malformed percent-encoding', { details: { param: 'path' } });
};

/** A path parameter, decoded exactly once (a `/` in it is never part of an escape, so per segment is the same). */
const decodeOnce = (s: string): string => decodeSegments(s) ?? throwBadPath();

function headerMap(
  single: Record<string, string | undefined> | null | undefined,
  multi: Record<string, string[] | undefined> | null | undefined,
): Map<string, string[]> {
  const out = new Map<string, string[]>();
  // Names are case-insensitive: `X-A` and `x-a` are two lines of one header, so a repeat is never lost.
  for (const [k, vs] of Object.entries(multi ?? {})) {
    if (!vs) continue;
    const name = k.toLowerCase();
    const values = out.get(name);
    if (values) for (const v of vs) values.push(v);
    else out.set(name, [...vs]);
  }
  for (const [k, v] of Object.entries(single ?? {})) {
    if (v !== undefined && !out.has(k.toLowerCase())) out.set(k.toLowerCase(), [v]);
  }
  return out;
}

function bodyOf(body: string | null | undefined, base64: boolean): string | undefined {
  if (body === null || body === undefined) return undefined;
  return base64 ? Buffer.from(body, 'base64').toString('utf8') : body;
}

/** An event's headers by lower-case name, each with every value it was sent with, in order. */
export type EventHeaders = ReadonlyMap<string, readonly string[]>;

/**
 * The event's headers, read once per request: the bearer token, the caller's identity, the request's headers and
 * the CORS origin all come from this one map.
 */
export const eventHeaders = (e: ApiEvent): EventHeaders =>
  isHttpApiEvent(e) ? headerMap(e.headers, undefined) : headerMap(e.headers, e.multiValueHeaders);

/**
 * The token of an `Authorization: Bearer <token>` header (the scheme is case-insensitive), for in-process JWT
 * verification. Another scheme is not ours and is ignored; a bearer header without a token, or sent twice, is 401.
 */
export function bearerToken(headers: EventHeaders): string | undefined {
  const values = headers.get('authorization');
  if (!values) return undefined;
  if (values.length > 1) throw new ScoutrError('UNAUTHENTICATED', 'Header Authorization was sent more than once');
  const [scheme = '', ...rest] = (values[0] ?? '').trim().split(/\s+/);
  if (scheme.toLowerCase() !== 'bearer') return undefined;
  if (rest.length !== 1) throw new ScoutrError('UNAUTHENTICATED', 'Invalid bearer token');
  return rest[0];
}

/**
 * API Gateway REST (v1) and HTTP API (v2) events → one ScoutrRequest. `verifiedClaims` are the claims of a bearer
 * token Scoutr verified; when `identity.verifiesTokens` is on they are the only JWT claims, and the event's
 * authorizer output (which Scoutr cannot check) is ignored.
 */
export function toRequest(
  event: ApiEvent,
  identity: IdentityConfig,
  verifiedClaims?: Record<string, unknown>,
  headers: EventHeaders = eventHeaders(event),
): ScoutrRequest {
  return isHttpApiEvent(event)
    ? fromHttpApi(event, identity, headers, verifiedClaims)
    : fromRest(event, identity, headers, verifiedClaims);
}

function fromRest(
  e: RestEvent,
  identity: IdentityConfig,
  headers: EventHeaders,
  verifiedClaims?: Record<string, unknown>,
): ScoutrRequest {
  const rc = e.requestContext;
  const authorizer = identity.verifiesTokens
    ? undefined
    : ((rc?.authorizer ?? undefined) as Record<string, unknown> | undefined);
  const claims = identity.verifiesTokens ? verifiedClaims : (authorizer?.claims as Record<string, unknown> | undefined);
  // REST APIs deliver path parameters still percent-encoded: decode each exactly once.
  const pathParams = Object.fromEntries(
    Object.entries(e.pathParameters ?? {}).map(([k, v]) => [k, decodeOnce(v ?? '')]),
  );
  const template = e.resource && !e.resource.includes('+}') ? e.resource : undefined;
  const path = template ? canonicalPath(template, pathParams) : (canonicalRawPath(e.path) ?? throwBadPath());
  const query: Array<[string, string]> = [];
  if (e.multiValueQueryStringParameters) {
    for (const [k, vs] of Object.entries(e.multiValueQueryStringParameters)) {
      for (const v of vs ?? []) query.push([k, v]);
    }
  } else {
    for (const [k, v] of Object.entries(e.queryStringParameters ?? {})) if (v !== undefined) query.push([k, v]);
  }
  return {
    requestId: rc?.requestId ?? '',
    method: e.httpMethod.toUpperCase(),
    path,
    publicPath: rc?.path ?? e.path,
    resource: template ?? path,
    pathParams,
    query,
    headers: Object.fromEntries([...headers].map(([k, vs]) => [k, vs.join(',')])),
    body: bodyOf(e.body, e.isBase64Encoded),
    stage: rc?.stage ?? '',
    caller: resolveCaller(
      {
        jwtClaims: claims,
        customAuthorizer: claims ? undefined : authorizer,
        headers,
        apiKeyId: rc?.identity?.apiKeyId ?? undefined,
        sourceIp: rc?.identity?.sourceIp ?? undefined,
        userAgent: rc?.identity?.userAgent ?? undefined,
      },
      identity,
    ),
  };
}

/**
 * HTTP APIs deliver rawPath decoded too, so `/items/name/x%2Fy` arrives as `/items/name/x/y`: a next link built from
 * it would lead elsewhere. Keep the stage or base path in front, and put the parameters back encoded.
 */
function encodedPublicPath(rawPath: string, template: string, params: Record<string, string>): string {
  const raw = trimTrailingSlash(rawPath);
  const decoded = trimTrailingSlash(fillTemplate(template, params));
  if (!raw.endsWith(decoded)) return rawPath;
  const encoded = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, encodeURIComponent(v)]));
  return `${raw.slice(0, raw.length - decoded.length)}${trimTrailingSlash(fillTemplate(template, encoded))}`;
}

function fromHttpApi(
  e: HttpApiEvent,
  identity: IdentityConfig,
  headers: EventHeaders,
  verifiedClaims?: Record<string, unknown>,
): ScoutrRequest {
  const rc = e.requestContext;
  // HTTP APIs deliver path parameters already decoded, and join repeated headers and query keys with commas.
  const pathParams = Object.fromEntries(Object.entries(e.pathParameters ?? {}).map(([k, v]) => [k, v ?? '']));
  const routePath = e.routeKey?.includes(' ') ? e.routeKey.slice(e.routeKey.indexOf(' ') + 1) : undefined;
  const template = routePath && !routePath.includes('+}') ? routePath : undefined;
  let path: string;
  if (template) path = canonicalPath(template, pathParams);
  else {
    const stage = rc.stage && rc.stage !== '$default' ? `/${rc.stage}` : '';
    const raw = stage && e.rawPath.startsWith(`${stage}/`) ? e.rawPath.slice(stage.length) : e.rawPath;
    path = canonicalPath(raw, {});
  }
  const query: Array<[string, string]> = [...new URLSearchParams(e.rawQueryString ?? '')];
  const jwt = identity.verifiesTokens
    ? { claims: verifiedClaims }
    : (rc.authorizer as { jwt?: { claims?: Record<string, unknown> } } | undefined)?.jwt;
  return {
    requestId: rc.requestId ?? '',
    method: rc.http.method.toUpperCase(),
    path,
    publicPath: template ? encodedPublicPath(e.rawPath, template, pathParams) : e.rawPath,
    resource: template ?? path,
    pathParams,
    query,
    headers: Object.fromEntries([...headers].map(([k, vs]) => [k, vs.join(',')])),
    body: bodyOf(e.body, e.isBase64Encoded),
    stage: rc.stage ?? '',
    caller: resolveCaller(
      {
        jwtClaims: jwt?.claims,
        customAuthorizer: undefined,
        headers,
        apiKeyId: undefined,
        sourceIp: rc.http.sourceIp,
        userAgent: rc.http.userAgent,
      },
      identity,
    ),
  };
}
