import type { Caller } from './caller';

/** The methods a route, an endpoint rule and a has-permission question name (OPTIONS is CORS only). */
export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type Method = (typeof METHODS)[number];

/** One API call, whatever delivered it (REST API, HTTP API, the local server): what the actions see. */
export interface ScoutrRequest {
  requestId: string;
  /** upper-case HTTP method */
  method: string;
  /** docs/reference/permissions.md#endpoint-rules-and-the-canonical-path: no stage or base path, no query, no trailing slash, each parameter decoded once */
  path: string;
  /** the path as the client sent it (with stage or base path, still encoded): next links are built from it */
  publicPath: string;
  /** the route template that matched, e.g. `/item/{id}` */
  resource: string;
  /** decoded path parameters */
  pathParams: Record<string, string>;
  /** decoded query parameters, in order; keys may repeat */
  query: Array<[string, string]>;
  /** header names lower-cased */
  headers: Record<string, string>;
  body: string | undefined;
  caller: Caller;
  stage: string;
}
