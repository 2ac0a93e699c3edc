import { callerView, openApiDocument } from '../../http/openapi';
import { type ConsoleContext, identityOf, type Params, rolesOf } from './shared';

/** The API as the identity sees it: the same document GET /openapi.json answers that caller. */
export async function openapi(cx: ConsoleContext, params: Params) {
  const { roles } = await rolesOf(cx, identityOf(params).caller);
  if (roles.length === 0) return { status: 401, code: 'UNAUTHENTICATED', error: 'no role applies to this identity' };
  return openApiDocument(cx.deps.app, {}, callerView(cx.deps.app, roles));
}
