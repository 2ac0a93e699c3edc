// npm run bench:hostile — what one hostile request costs the event loop before any data is read, as its size grows.
// Each row runs one request-path step on inputs of n doubling from 1,000 to 16,000 and prints the fastest of 9 runs
// (the least disturbed by garbage collection and the other jobs on the machine), in ms. Every per-request cost must be linear in the request's size: `×2` (the mean factor by which
// the cost grows when n doubles) stays near 2; a quadratic step shows 4. In process, no DynamoDB: the steps are the router of the local server, the
// API Gateway event → request adapter (canonical path, headers), the query parser, the search body and the audit
// record's query. Prints a table; asserts nothing. Numbers from a busy machine are noise.
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { searchOperands } from '../src/actions/search';
import { EnvSchema, parseEnv } from '../src/config';
import { queryToAv } from '../src/core/audit';
import { JsonNumber } from '../src/core/json';
import { parseQuery } from '../src/core/query/parse';
import { routesFor } from '../src/core/routes';
import { toRequest } from '../src/http/event';
import { identityConfig } from '../src/http/identity';
import { matchRoute, methodsFor } from '../src/http/router';
import { table } from './format';

const SIZES = [1000, 2000, 4000, 8000, 16000];
const RUNS = 9;
const routes = routesFor({ uniqueRoutes: { '/types': 'type' }, filterRoutes: ['/items/status/{status}'] });
const identity = identityConfig(parseEnv(EnvSchema, { DATA_TABLE: 'd', AUTH_TABLE: 'a', GROUP_TABLE: 'g' }));

/** A REST API (v1) event as API Gateway builds it: only the fields src/http reads. */
const restEvent = (fields: Partial<APIGatewayProxyEvent>): APIGatewayProxyEvent =>
  ({
    resource: '/item/{id}',
    path: '/item/x',
    httpMethod: 'GET',
    headers: {},
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: { id: 'x' },
    body: null,
    isBase64Encoded: false,
    requestContext: { requestId: 'bench', stage: 'dev', identity: { apiKeyId: 'k' } },
    ...fields,
  }) as unknown as APIGatewayProxyEvent;

/** The i-th spelling of `name` in upper and lower case letters (i's bits choose the case of each letter). */
const caseVariant = (name: string, i: number) =>
  [...name].map((c, at) => ((i >> at) & 1 ? c.toUpperCase() : c)).join('');

interface Row {
  name: string;
  /** the request of size n, built outside the timing */
  input: (n: number) => unknown;
  step: (input: never) => unknown;
}

const rows: Row[] = [
  {
    name: 'OPTIONS /items + n slashes + x (local router)',
    input: (n) => `/items${'/'.repeat(n)}x`,
    step: (path: string) => methodsFor(routes, path),
  },
  {
    name: 'GET /items + n slashes + x (local router)',
    input: (n) => `/items${'/'.repeat(n)}x`,
    step: (path: string) => matchRoute(routes, 'GET', path),
  },
  {
    name: 'GET /item/{id}, id = a + n × %2F + x%2F (REST event)',
    input: (n) => restEvent({ pathParameters: { id: `a${'%2F'.repeat(n)}x%2F` } }),
    step: (event: APIGatewayProxyEvent) => toRequest(event, identity),
  },
  {
    name: 'one header sent n times, each in another letter case (REST event)',
    input: (n) =>
      restEvent({
        multiValueHeaders: Object.fromEntries(
          Array.from({ length: n }, (_, i) => [caseVariant('x-repeated-note', i), ['v']]),
        ),
      }),
    step: (event: APIGatewayProxyEvent) => toRequest(event, identity),
  },
  {
    name: '?a=0&a=1&… n distinct values of one key (query parser)',
    input: (n) => Array.from({ length: n }, (_, i) => ['a', String(i)] as const),
    step: (params: Array<readonly [string, string]>) => parseQuery({ params, keyTypes: new Map() }),
  },
  {
    name: '?a__in=[0,1,…] n numbers (query parser)',
    input: (n) => [['a__in', JSON.stringify(Array.from({ length: n }, (_, i) => i))] as const],
    step: (params: Array<readonly [string, string]>) => parseQuery({ params, keyTypes: new Map() }),
  },
  {
    name: 'POST /search/x with n/8 numbers (search body)',
    input: (n) => Array.from({ length: n / 8 }, (_, i) => new JsonNumber(String(i))),
    step: (body: JsonNumber[]) => searchOperands(body, undefined),
  },
  {
    name: '?a=0&a=1&… n values, as the audit record stores them',
    input: (n) => Array.from({ length: n }, (_, i) => ['a', String(i)] as const),
    step: (params: Array<readonly [string, string]>) => queryToAv(params),
  },
];

function measure(row: Row, n: number): number {
  const input = row.input(n);
  const times: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const started = performance.now();
    try {
      row.step(input as never);
    } catch {
      // a refusal (400) is an answer too: what it cost is what counts
    }
    times.push(performance.now() - started);
  }
  return Math.min(...times);
}

const out = rows.map((row) => {
  const ms = SIZES.map((n) => measure(row, n));
  // The mean factor per doubling, from the smallest size to the largest: steadier than the last pair alone.
  const growth = (ms[ms.length - 1]! / Math.max(ms[0]!, 0.001)) ** (1 / (SIZES.length - 1));
  return [row.name, ...ms.map((m) => m.toFixed(2)), growth.toFixed(1)];
});
console.log(table(['request step (ms per request, fastest of 9)', ...SIZES.map((n) => `n=${n}`), `×2`], out, 1));
