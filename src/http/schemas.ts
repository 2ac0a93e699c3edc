import * as z from 'zod/mini';
import { ERROR_CODES } from '../core/errors';

// The shapes of the API's answers and bodies (docs/reference/endpoints.md#json-shapes, docs/reference/errors.md#the-error-body, docs/reference/audit.md#the-audit-record), for openapi.json. Item bodies are checked by
// src/engine/write/body.ts (lossless numbers, DynamoDB's rules), so only their documented shape lives here.
const str = z.string();
const opt = z.optional;
const scalar = z.union([z.string(), z.number(), z.boolean()]);

export const ErrorBody = z.object({
  error: str,
  code: z.enum(ERROR_CODES),
  details: opt(z.record(z.string(), z.unknown())),
});

export const SearchBody = z.array(scalar).check(z.minLength(1), z.maxLength(1000));
export const UniqueValues = z.array(z.union([scalar, z.null(), z.unknown()]));
export const HasPermissionAnswer = z.object({ allowed: z.boolean(), reason: str });
export const Plan = z.object({
  plan: z.object({
    operation: z.enum(['None', 'GetItem', 'BatchGetItem', 'Query', 'Scan', 'GrantsQuery+BatchGetItem']),
    index: opt(str),
    keyCondition: opt(z.array(str)),
    sources: opt(z.number()),
    filter: opt(z.array(str)),
    inMemory: opt(z.array(str)),
  }),
});

const Endpoint = z.object({ method: str, endpoint: str, from: str });
export const UserAnswer = z.object({
  id: z.nullable(str),
  source: z.enum(['jwt', 'authorizer', 'oidc', 'api_key', 'anonymous']),
  username: z.nullable(str),
  name: z.nullable(str),
  email: z.nullable(str),
  groups: z.array(str),
  api_key_id: z.nullable(str),
  roles: z.array(
    z.object({
      id: str,
      type: z.enum(['API_KEY', 'USERNAME', 'OIDC_GROUP', 'ROLE']),
      groups: z.array(str),
      permitted_endpoints: z.array(Endpoint),
      exclude_fields: z.array(str),
      update_fields_permitted: z.nullable(z.array(str)),
      update_fields_restricted: z.array(str),
      filters: z.record(z.string(), z.unknown()),
      explain: z.boolean(),
    }),
  ),
});

const AuditUser = z.object({
  id: opt(str),
  anonymous: opt(z.boolean()), // true when the request carried no identity (ANONYMOUS_ROLE); id is then absent
  name: opt(str),
  username: opt(str),
  email: opt(str),
  api_key_id: opt(str),
  source_ip: opt(str),
  user_agent: opt(str),
});
export const AuditRecord = z.object({
  id: str,
  time: str,
  action: str,
  method: str,
  path: str,
  path_params: z.record(z.string(), str),
  query_params: z.record(z.string(), z.union([str, z.array(str)])),
  body: opt(z.unknown()),
  resource: opt(z.record(z.string(), z.unknown())),
  resource_key: opt(str),
  user: AuditUser,
  expire_time: opt(z.number()),
  version: opt(z.number()),
  item: opt(z.nullable(z.record(z.string(), z.unknown()))),
  changed: opt(z.array(str)),
});
export const HistoryVersion = z.object({
  time: str,
  action: str,
  version: z.number(),
  user: opt(AuditUser),
  item: z.nullable(z.record(z.string(), z.unknown())),
  redacted: opt(z.boolean()),
});

/** POST /{item}/{id}/grants (docs/reference/item-roles.md#granting-and-revoking): the schema the action checks it with. */
export { GrantBodySchema as GrantBody } from '../core/item-roles';
/** An item's direct grants: role → user ids. */
export const Grants = z.record(z.string(), z.array(z.string()));
