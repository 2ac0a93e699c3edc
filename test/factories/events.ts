import type { APIGatewayProxyEvent, APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { EnvSchema, parseEnv } from '../../src/config';
import type { HttpApiEvent, RestEvent } from '../../src/http/event';
import { type IdentityConfig, identityConfig } from '../../src/http/identity';

// API Gateway events as the two API shapes deliver them, from one description of a request. Only the fields
// src/http reads are filled in; the casts say so.

export interface EventSpec {
  method?: string;
  /** the route template, e.g. `/item/{id}` (default `/items`) */
  route?: string;
  /** path parameters exactly as the client wrote them in the URL (percent-encoded) */
  params?: Record<string, string>;
  /** query parameters as the client meant them (decoded), in order; keys may repeat */
  query?: Array<[string, string]>;
  /** header values as sent; an array means the header was sent once per element */
  headers?: Record<string, string | string[]>;
  /** JWT authorizer claims (REST Cognito authorizer, HTTP API JWT authorizer) */
  claims?: Record<string, unknown>;
  /** REST custom (Lambda) authorizer output: principalId plus its context keys */
  authorizer?: Record<string, unknown>;
  /** REST API key id (API Gateway usage plans); HTTP APIs have none */
  apiKeyId?: string;
  /** the deployment stage (default `dev`); it appears in the URL the client used, never in the canonical path */
  stage?: string;
  /** a custom-domain base path mapping (`/api`), which replaces the stage in the URL */
  basePath?: string;
  body?: string;
  base64?: boolean;
  sourceIp?: string;
  userAgent?: string;
  requestId?: string;
  /** HTTP API only: the route key, when it is not `METHOD route` (e.g. `$default`) */
  routeKey?: string;
}

export type EventShape = 'REST v1' | 'HTTP API v2';

/** The template with each `{param}` replaced by its raw (still encoded) text. */
const fill = (route: string, params: Record<string, string>) =>
  route.replace(/\{([^}+]+)\+?\}/g, (_, name: string) => params[name] ?? '');

const encodeQuery = (query: Array<[string, string]>) =>
  query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');

/** REST API (v1): path parameters still encoded, query decoded, headers with their sent case. */
export function restEvent(spec: EventSpec = {}): APIGatewayProxyEvent {
  const route = spec.route ?? '/items';
  const params = spec.params ?? {};
  const method = spec.method ?? 'GET';
  const stage = spec.stage ?? 'dev';
  const resourcePath = fill(route, params);
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(spec.headers ?? {})) {
    const values = Array.isArray(value) ? value : [value];
    multiValueHeaders[name] = values;
    headers[name] = values[values.length - 1]!;
  }
  const query = spec.query ?? [];
  // A Map, then fromEntries: names like `__proto__` or `toString` must become own properties, as JSON.parse makes them.
  const grouped = new Map<string, string[]>();
  for (const [k, v] of query) grouped.set(k, [...(grouped.get(k) ?? []), v]);
  const multi = Object.fromEntries(grouped);
  const single = Object.fromEntries([...grouped].map(([k, vs]) => [k, vs[vs.length - 1]!]));
  const publicPath = spec.basePath ? `${spec.basePath}${resourcePath}` : `/${stage}${resourcePath}`;
  const event: RestEvent = {
    resource: route,
    // Behind a custom domain, `path` carries the base path; the stage never appears in it.
    path: spec.basePath ? publicPath : resourcePath,
    httpMethod: method,
    headers,
    multiValueHeaders,
    queryStringParameters: query.length > 0 ? single : null,
    multiValueQueryStringParameters: query.length > 0 ? multi : null,
    pathParameters: Object.keys(params).length > 0 ? { ...params } : null,
    stageVariables: null,
    body: spec.body ?? null,
    isBase64Encoded: spec.base64 ?? false,
    requestContext: {
      requestId: spec.requestId ?? 'rest-request-1',
      stage,
      path: publicPath,
      resourcePath: route,
      httpMethod: method,
      identity: {
        apiKeyId: spec.apiKeyId ?? null,
        sourceIp: spec.sourceIp ?? '198.51.100.7',
        userAgent: spec.userAgent ?? 'jest',
      },
      authorizer: spec.claims ? { claims: spec.claims } : (spec.authorizer ?? null),
    },
  } as unknown as RestEvent; // only the fields src/http reads
  return event;
}

/**
 * HTTP API (v2): path parameters already decoded, header names lower-cased, repeated headers and query keys joined
 * with commas (the repeats survive only in `rawQueryString`).
 */
export function httpEvent(spec: EventSpec = {}): APIGatewayProxyEventV2WithJWTAuthorizer {
  const route = spec.route ?? '/items';
  const params = spec.params ?? {};
  const method = spec.method ?? 'GET';
  const stage = spec.stage ?? '$default';
  const decoded = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, decodeURIComponent(v)]));
  // HTTP APIs deliver the path already decoded, in rawPath as in pathParameters.
  const resourcePath = fill(route, decoded);
  const prefix = spec.basePath ?? (stage === '$default' ? '' : `/${stage}`);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(spec.headers ?? {})) {
    const key = name.toLowerCase();
    const values = Array.isArray(value) ? value : [value];
    headers[key] = headers[key] === undefined ? values.join(',') : `${headers[key]},${values.join(',')}`;
  }
  const query = spec.query ?? [];
  const grouped = new Map<string, string[]>();
  for (const [k, v] of query) grouped.set(k, [...(grouped.get(k) ?? []), v]);
  const joined = Object.fromEntries([...grouped].map(([k, vs]) => [k, vs.join(',')]));
  const routeKey = spec.routeKey ?? `${method} ${route}`;
  const event = {
    version: '2.0',
    routeKey,
    rawPath: `${prefix}${resourcePath}`,
    rawQueryString: encodeQuery(query),
    headers,
    ...(query.length > 0 ? { queryStringParameters: joined } : {}),
    ...(Object.keys(params).length > 0 ? { pathParameters: decoded } : {}),
    ...(spec.body !== undefined ? { body: spec.body } : {}),
    isBase64Encoded: spec.base64 ?? false,
    requestContext: {
      requestId: spec.requestId ?? 'http-request-1',
      stage,
      routeKey,
      http: {
        method,
        path: `${prefix}${resourcePath}`,
        protocol: 'HTTP/1.1',
        sourceIp: spec.sourceIp ?? '198.51.100.7',
        userAgent: spec.userAgent ?? 'jest',
      },
      ...(spec.claims ? { authorizer: { jwt: { claims: spec.claims, scopes: [] } } } : {}),
    },
  };
  return event as unknown as HttpApiEvent; // only the fields src/http reads
}

/** Both shapes, for `describe.each(shapes)`. */
export const shapes: Array<{ shape: EventShape; event: (spec?: EventSpec) => RestEvent | HttpApiEvent }> = [
  { shape: 'REST v1', event: restEvent },
  { shape: 'HTTP API v2', event: httpEvent },
];

const TABLES = { DATA_TABLE: 'data', AUTH_TABLE: 'auth', GROUP_TABLE: 'groups' };

/** The identity settings a deployment with these variables would use (defaults from the real schema). */
export const identityFrom = (env: Record<string, string> = {}): IdentityConfig =>
  identityConfig(parseEnv(EnvSchema, { ...TABLES, ...env }));
