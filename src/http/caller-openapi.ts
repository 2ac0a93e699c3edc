import { newStats } from '../dynamo/read';
import { authenticate } from '../engine/authorize';
import type { ApiEvent } from './event';
import { eventHeaders, toRequest } from './event';
import { verifiedClaims } from './lambda';
import { callerView, openApiDocument } from './openapi';
import { errorResult, type HttpResult, json } from './respond';
import type { Runtime } from './runtime';

/**
 * `GET /openapi.json` on the local server (docs/reference/endpoints.md#the-api-as-each-caller-sees-it): the document for the caller, whose identity is resolved and
 * whose roles are loaded exactly as for any route. No role applies → 401, as on every route; a request without an
 * identity gets ANONYMOUS_ROLE's document when that is set. The complete document is `npm run openapi`'s.
 */
export async function callerOpenApi(rt: Runtime, event: ApiEvent): Promise<HttpResult> {
  const requestId = event.requestContext?.requestId ?? '';
  try {
    const headers = eventHeaders(event);
    const req = toRequest(event, rt.identity, await verifiedClaims(rt.verifyToken, headers, {}), headers);
    const { roles } = await authenticate(rt.deps, req, newStats());
    // Per caller: a shared cache must not hand one caller's document to another.
    return json(200, openApiDocument(rt.deps.app, {}, callerView(rt.deps.app, roles)), {
      'Cache-Control': 'private, no-store',
      Vary: '*',
    });
  } catch (err) {
    return errorResult(err, requestId, rt.deps.log).result;
  }
}
