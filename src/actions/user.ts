import * as z from 'zod/mini';
import { invalidBody } from '../core/errors';
import { describeFilter } from '../core/filter/describe';
import { explainPermission } from '../core/permissions/access';
import type { Role } from '../core/permissions/roles';
import { METHODS } from '../core/request';
import { canonicalRawPath } from '../core/routes';
import { parseBody } from '../engine/body';
import type { Ctx, Reply } from '../engine/context';

function describeRole(r: Role) {
  return {
    id: r.id,
    type: r.type,
    groups: r.groups,
    permitted_endpoints: r.endpoints.map((e) => ({ method: e.method, endpoint: e.endpoint, from: e.from })),
    exclude_fields: r.exclude,
    update_fields_permitted: r.permitted ?? null,
    update_fields_restricted: r.restricted,
    filters: {
      read: describeFilter(r.filters.read),
      create: describeFilter(r.filters.create),
      update: describeFilter(r.filters.update),
      update_check: describeFilter(r.filters.updateCheck),
      delete: describeFilter(r.filters.delete),
    },
    explain: r.explain,
  };
}

/** GET /user: who the caller is and what each of their roles permits. Any caller with a role may call it. */
export function user(ctx: Ctx): Reply {
  const c = ctx.caller;
  return {
    status: 200,
    body: {
      id: c.id ?? null,
      source: c.kind,
      username: c.username ?? null,
      name: c.name ?? null,
      email: c.email ?? null,
      groups: c.groups,
      api_key_id: c.apiKeyId ?? null,
      roles: ctx.roles.map(describeRole),
    },
  };
}

/**
 * POST /user/has-permission's body (openapi.json documents it from this): a method, in any letter case, and a path
 * as a client would write it.
 */
export const HasPermissionBody = z.object({
  method: z.pipe(
    z.pipe(
      z.string(),
      z.transform((m) => m.toUpperCase()),
    ),
    z.enum(METHODS),
  ),
  path: z.string(),
});

/** A path as a client would write it → the canonical path endpoint rules see (docs/reference/permissions.md#endpoint-rules-and-the-canonical-path). */
export function canonicalizePath(raw: string): string {
  const path = raw.split(/[?#]/)[0]!;
  if (!path.startsWith('/')) throw invalidBody('path must start with /');
  const canonical = canonicalRawPath(path);
  if (canonical === undefined) throw invalidBody('path: malformed percent-encoding');
  return canonical;
}

/** POST /user/has-permission {method, path}: the endpoint rule only; reads no data. */
export function hasPermission(ctx: Ctx): Reply {
  const parsed = z.safeParse(HasPermissionBody, parseBody(ctx.req.body));
  if (!parsed.success) {
    // A well-formed body whose only fault is its method gets the list of methods; anything else, the shape.
    const onlyMethod = parsed.error.issues.every((i) => i.code === 'invalid_value' && i.path[0] === 'method');
    throw invalidBody(
      onlyMethod ? 'method must be GET, POST, PUT, PATCH or DELETE' : 'body must be {"method": string, "path": string}',
    );
  }
  const { method, path: raw } = parsed.data;
  const path = canonicalizePath(raw);
  if (path.length > 2048) throw invalidBody('path longer than 2048 characters');
  return { status: 200, body: explainPermission(ctx.roles, method, path) };
}
