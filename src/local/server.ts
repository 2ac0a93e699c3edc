import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse, STATUS_CODES } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { ErrorCode } from '../core/errors';
import { checkRouteTable, decodeSegments, type Route } from '../core/routes';
import { callerOpenApi } from '../http/caller-openapi';
import { preflightHeaders } from '../http/cors';
import { handleEvent } from '../http/lambda';
import { type HttpResult, json } from '../http/respond';
import { matchRoute, methodsFor } from '../http/router';
import type { Runtime } from '../http/runtime';
import { statusOf } from '../http/status';

// The local server is an edge like the Lambda entries: it turns Node requests into the API Gateway REST (v1) events the
// Lambda handlers receive, and runs the same handleEvent. There is no second implementation of any route.

/** API Gateway REST APIs accept bodies up to 10 MB; anything over 350 KB is answered 413 by the action. */
const MAX_READ_BYTES = 10 * 1024 * 1024;

export interface LocalServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

interface ServerOptions {
  runtime: Runtime;
  routes: readonly Route[];
  host: string;
  port: number;
}

/** `GET /openapi.json`: the API as the caller may call it (docs/reference/endpoints.md#the-api-as-each-caller-sees-it), not a route of the app's table. */
const OPENAPI_ROUTE: Route = { verb: 'user', method: 'GET', path: '/openapi.json' };

async function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_READ_BYTES) return 'too-large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * The name (decoded, if it can be) of the first query parameter whose name or value is not valid percent-encoding
 * (`%ZZ`, a cut `%E0%A4%A`). API Gateway answers such a request 400 before any function runs; here it is the API's
 * INVALID_QUERY, where URLSearchParams would have kept the text as it came.
 */
function malformedQueryParam(search: string): string | undefined {
  for (const pair of search.split('&')) {
    const eq = pair.indexOf('=');
    const name = eq < 0 ? pair : pair.slice(0, eq);
    for (const part of eq < 0 ? [pair] : [name, pair.slice(eq + 1)]) {
      // decodeSegments: the path's own check (a `/` is never part of an escape, so decoding per segment is the same)
      if (decodeSegments(part) === undefined) return decodeSegments(name) ?? name;
    }
  }
  return undefined;
}

/** A REST API (v1) proxy event, as API Gateway builds it: path parameters still encoded, query decoded. */
function toRestEvent(
  req: IncomingMessage,
  route: Route,
  rawParams: Record<string, string>,
  rawPath: string,
  search: string,
  body: Buffer,
): APIGatewayProxyEvent {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    if (!values) continue;
    multiValueHeaders[name] = values;
    headers[name] = values[values.length - 1]!;
  }
  // A Map, not an object: query keys such as __proto__ or toString are data here.
  const grouped = new Map<string, string[]>();
  for (const [k, v] of new URLSearchParams(search)) {
    const values = grouped.get(k);
    if (values) values.push(v);
    else grouped.set(k, [v]);
  }
  const multi = Object.fromEntries(grouped);
  const single = Object.fromEntries([...grouped].map(([k, vs]) => [k, vs[vs.length - 1]!]));
  const apiKeys = multiValueHeaders['x-api-key'];
  const hasParams = Object.keys(rawParams).length > 0;
  const hasQuery = grouped.size > 0;
  return {
    resource: route.path,
    path: rawPath,
    httpMethod: route.method,
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? single : null,
    multiValueQueryStringParameters: hasQuery ? multi : null,
    pathParameters: hasParams ? rawParams : null,
    stageVariables: null,
    body: body.length > 0 ? body.toString('utf8') : null,
    isBase64Encoded: false,
    requestContext: {
      requestId: randomUUID(),
      stage: 'local',
      path: rawPath,
      resourcePath: route.path,
      httpMethod: route.method,
      // Locally, an x-api-key header stands for API Gateway's API key id (the Lambda code never reads it).
      identity: {
        apiKeyId: apiKeys && apiKeys.length === 1 ? apiKeys[0] : null,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? null,
      },
    },
  } as unknown as APIGatewayProxyEvent; // only the fields src/http reads
}

/** Node's limit on a request's line and headers together; API Gateway's (10 KB) is lower. */
const MAX_HEAD_KB = 16;

/** An error of the API (docs/reference/errors.md#codes), answered with its code's status (http/status.ts). */
const apiError = (code: ErrorCode, error: string, details?: Record<string, string>): HttpResult =>
  json(statusOf(code), { error, code, ...(details ? { details } : {}) });

/** A whole HTTP/1.1 answer for a socket no request was read from, closing it. */
function rawAnswer(result: HttpResult): string {
  const head = [`HTTP/1.1 ${result.statusCode} ${STATUS_CODES[result.statusCode]}`, 'Connection: close'];
  for (const [name, value] of Object.entries(result.headers)) head.push(`${name}: ${value}`);
  head.push(`Content-Length: ${Buffer.byteLength(result.body)}`);
  return `${head.join('\r\n')}\r\n\r\n${result.body}`;
}

/**
 * What Node could not read as a request never reaches a route, and Node would answer it with an empty body. Those a
 * client can fix get the API's JSON errors (docs/reference/errors.md#uri_too_long): a request line and headers over
 * MAX_HEAD_KB (most often a long query string) 414 URI_TOO_LONG, chunk extensions too long 413 PAYLOAD_TOO_LARGE.
 * Anything else (bytes that are not HTTP, a request that never ended) gets Node's own answer.
 */
function onClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  // As Node does: no answer into a connection whose answer to an earlier request has begun (pipelining).
  const inFlight = (socket as { _httpMessage?: ServerResponse })._httpMessage;
  if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  if (err.code === 'HPE_HEADER_OVERFLOW') {
    const message = `The request line and headers are over ${MAX_HEAD_KB} KB: send many values with POST /search`;
    socket.end(rawAnswer(apiError('URI_TOO_LONG', message)));
  } else if (err.code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW') {
    socket.end(rawAnswer(apiError('PAYLOAD_TOO_LARGE', 'Request chunk extensions too large')));
  } else if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    socket.end('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n');
  } else {
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  }
}

function send(res: ServerResponse, result: HttpResult): void {
  res.writeHead(result.statusCode, { ...result.headers, 'Content-Length': Buffer.byteLength(result.body) });
  res.end(result.body);
}

export async function startServer(opts: ServerOptions): Promise<LocalServer> {
  const { runtime, routes } = opts;
  // As the Lambda handlers' routes do (routesFor): a table API Gateway could not deploy is not served here either.
  checkRouteTable(routes);
  const server = createServer(async (req, res) => {
    try {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const rawPath = q < 0 ? url : url.slice(0, q);
      const search = q < 0 ? '' : url.slice(q + 1);
      const method = (req.method ?? 'GET').toUpperCase();
      if (method === 'OPTIONS') {
        const methods = methodsFor(routes, rawPath).join(', ');
        return send(res, {
          statusCode: 204,
          headers: preflightHeaders(runtime.corsOrigins, req.headers.origin, methods),
          body: '',
        });
      }
      if (method === 'GET' && rawPath === OPENAPI_ROUTE.path) {
        const event = toRestEvent(req, OPENAPI_ROUTE, {}, rawPath, search, Buffer.alloc(0));
        return send(res, await callerOpenApi(runtime, event));
      }
      const match = matchRoute(routes, method, rawPath);
      if (!match) return send(res, apiError('NOT_FOUND', 'No such route'));
      const badParam = malformedQueryParam(search);
      if (badParam !== undefined) {
        return send(res, apiError('INVALID_QUERY', `${badParam}: malformed percent-encoding`, { param: badParam }));
      }
      const body = await readBody(req);
      if (body === 'too-large') return send(res, apiError('PAYLOAD_TOO_LARGE', 'Request body too large'));
      const event = toRestEvent(req, match.route, match.rawParams, rawPath, search, body);
      send(res, await handleEvent(runtime, match.route.verb, event));
    } catch (err) {
      runtime.deps.log.error('local server error', { error: String(err) });
      if (!res.headersSent) send(res, apiError('INTERNAL', 'Internal error'));
    }
  });
  server.on('clientError', onClientError);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
