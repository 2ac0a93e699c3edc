import * as z from 'zod/mini';
import { HasPermissionBody } from '../actions/user';
import type { AppConfig, Validator } from '../core/app';
import { countingRoles, readScope } from '../core/permissions/access';
import type { Role } from '../core/permissions/roles';
import { QUERY_OPERATORS } from '../core/query/operators';
import { type Route, routesFor, templateParams, type Verb } from '../core/routes';
import * as S from './schemas';

const json = (schema: z.core.$ZodType) => z.toJSONSchema(schema, { target: 'draft-2020-12', unrepresentable: 'any' });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const content = (schema: unknown) => ({ 'application/json': { schema } });

const isZod = (v: Validator): v is Validator & z.core.$ZodType => typeof v === 'object' && v !== null && '_zod' in v;

/** The item schema: every field a zod validator describes, the rest free-form; without the paths hidden. */
function itemSchema(app: AppConfig, hidden: readonly string[]) {
  const properties: Record<string, unknown> = {};
  for (const [field, v] of Object.entries(app.fieldValidation ?? {})) {
    const { $schema, ...schema } = isZod(v)
      ? (json(v) as Record<string, unknown>)
      : { description: 'checked by a validator in code' };
    properties[field] = schema;
  }
  const schema = { type: 'object', properties, additionalProperties: true };
  for (const path of hidden) removeProperty(schema, path.split('.'));
  return schema;
}

/** A hidden path out of a JSON Schema's `properties` (and `required`), at any depth the schema describes. */
function removeProperty(schema: unknown, path: readonly string[]): void {
  const [head, ...rest] = path;
  if (head === undefined || schema === null || typeof schema !== 'object') return;
  const s = schema as { properties?: Record<string, unknown>; required?: string[] };
  if (!s.properties || !Object.hasOwn(s.properties, head)) return;
  if (rest.length > 0) {
    removeProperty(s.properties[head], rest);
    return;
  }
  delete s.properties[head];
  if (s.required) s.required = s.required.filter((r) => r !== head);
}

const errors = (...codes: number[]) =>
  Object.fromEntries(
    codes.map((c) => [String(c), { description: ERROR_TEXT[c] ?? 'error', content: content(ref('Error')) }]),
  );
const ERROR_TEXT: Record<number, string> = {
  400: 'invalid input',
  401: 'no role applies to the caller',
  403: 'not permitted',
  404: 'not found or not visible',
  409: 'conflict',
  412: 'If-Match does not match',
  413: 'too large',
  414: 'path too long',
  429: 'throttled',
  500: 'internal error',
};

const limit = { name: '_limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000 } };
const cursor = { name: '_cursor', in: 'query', schema: { type: 'string' }, description: 'from the previous page' };
// Only list, unique, search and get answer _explain (with the plan, reading nothing); /audit rejects it (400).
const explain = {
  name: '_explain',
  in: 'query',
  schema: { type: 'boolean' },
  description: 'roles with explain: true only',
};
const filters = {
  name: 'filters',
  in: 'query',
  style: 'form',
  explode: true,
  schema: { type: 'object', additionalProperties: { type: 'string' } },
  description: 'field=value and field__op=value conditions (docs/reference/query-language.md#operators)',
  // The operators a filter may use (docs/reference/query-language.md#operators): `field__op=value`, and `field__length__cmp=n` on a size.
  'x-scoutr-operators': QUERY_OPERATORS,
};
/** The answer of a verb that supports _explain: its usual body, or the plan. */
const orPlan = (schema: unknown) => ({ anyOf: [schema, ref('Plan')] });
const pageHeaders = {
  Link: { description: 'rel="next" link, when there is more', schema: { type: 'string' } },
  'X-Next-Cursor': { description: "the next page's _cursor", schema: { type: 'string' } },
};
const itemHeaders = { ETag: { description: 'the item version', schema: { type: 'string' } } };

const ifMatch = { name: 'If-Match', in: 'header', schema: { type: 'string' } };
const items = { type: 'array', items: ref('Item') };

/** One verb's operation: what it takes after its path parameters, and what it answers. */
interface OperationRow {
  summary: string | ((route: Route) => string);
  /** query and header parameters, after the path's own */
  params?: readonly object[];
  body?:
    | { required: boolean; schema: unknown }
    | ((route: Route) => { required: boolean; schema: unknown } | undefined);
  ok: { status: 200 | 201; description: string; headers?: Record<string, unknown>; schema: unknown };
  errors: readonly number[];
}

// One row per verb; every route of routesFor(app) is documented by its verb's row.
const OPERATIONS: Record<Verb, OperationRow> = {
  list: {
    summary: 'List visible items',
    params: [limit, cursor, explain, filters],
    ok: { status: 200, description: 'OK', headers: pageHeaders, schema: orPlan(items) },
    errors: [400, 401, 403, 414, 429, 500],
  },
  unique: {
    summary: 'Distinct values of a field among visible items',
    params: [explain, filters],
    ok: { status: 200, description: 'OK', headers: {}, schema: orPlan(ref('UniqueValues')) },
    errors: [400, 401, 403, 413, 500],
  },
  search: {
    summary: 'Visible items whose field is one of the values',
    params: [limit, cursor, explain, filters],
    body: { required: true, schema: ref('SearchBody') },
    ok: { status: 200, description: 'OK', headers: pageHeaders, schema: orPlan(items) },
    errors: [400, 401, 403, 413, 500],
  },
  get: {
    summary: 'One item',
    params: [explain],
    ok: { status: 200, description: 'OK', headers: itemHeaders, schema: orPlan(ref('Item')) },
    errors: [400, 401, 403, 404, 500],
  },
  create: {
    summary: 'Create an item',
    body: { required: true, schema: ref('Item') },
    ok: { status: 201, description: 'Created', headers: itemHeaders, schema: ref('Item') },
    errors: [400, 401, 403, 409, 413, 500],
  },
  update: {
    summary: 'Update fields of an item (null removes a field)',
    params: [ifMatch],
    body: { required: true, schema: ref('Item') },
    ok: { status: 200, description: 'OK', headers: itemHeaders, schema: ref('Item') },
    errors: [400, 401, 403, 404, 409, 412, 413, 500],
  },
  delete: {
    summary: 'Delete an item',
    params: [ifMatch],
    ok: { status: 200, description: 'The deleted item', schema: ref('Item') },
    errors: [400, 401, 403, 404, 409, 412, 500],
  },
  audit: {
    summary: 'Audit records, newest first',
    params: [limit, cursor, filters],
    ok: { status: 200, description: 'OK', headers: pageHeaders, schema: { type: 'array', items: ref('AuditRecord') } },
    errors: [400, 401, 403, 404, 500],
  },
  history: {
    summary: 'Versions of an item, newest first',
    params: [limit, cursor],
    ok: {
      status: 200,
      description: 'OK',
      headers: pageHeaders,
      schema: { type: 'array', items: ref('HistoryVersion') },
    },
    errors: [400, 401, 403, 404, 500],
  },
  user: {
    summary: 'The caller and their effective permissions',
    ok: { status: 200, description: 'OK', schema: ref('User') },
    errors: [401, 500],
  },
  hasPermission: {
    summary: 'Whether an endpoint rule permits a method and path',
    body: { required: true, schema: ref('HasPermissionBody') },
    ok: { status: 200, description: 'OK', schema: ref('HasPermissionAnswer') },
    errors: [400, 401, 500],
  },
  grants: {
    summary: (route) =>
      route.method === 'GET'
        ? "The item's direct grants (role → user ids)"
        : "Grant or revoke one user's roles on the item",
    body: (route) => (route.method === 'POST' ? { required: true, schema: ref('GrantBody') } : undefined),
    ok: { status: 200, description: "The item's direct grants", schema: ref('Grants') },
    errors: [400, 401, 403, 404, 409, 413, 500],
  },
  custom: {
    summary: (route) => `Custom action ${route.action ?? ''}`,
    body: { required: false, schema: { type: 'object' } },
    ok: { status: 200, description: 'OK', schema: ref('Item') },
    errors: [400, 401, 403, 404, 409, 412, 500],
  },
};

function operation(route: Route, explainable: boolean): Record<string, unknown> {
  const row = OPERATIONS[route.verb];
  const pathParams = templateParams(route.path).map((name) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  const { status, description, headers, schema } = row.ok;
  const body = typeof row.body === 'function' ? row.body(route) : row.body;
  return {
    operationId: `${route.verb}_${route.method.toLowerCase()}_${route.path.replace(/[^A-Za-z0-9]+/g, '_')}`,
    parameters: [...pathParams, ...(row.params ?? []).filter((p) => explainable || p !== explain)],
    tags: [route.verb],
    summary: typeof row.summary === 'string' ? row.summary : row.summary(route),
    ...(body ? { requestBody: { required: body.required, content: content(body.schema) } } : {}),
    responses: {
      [status]: { description, ...(headers ? { headers } : {}), content: content(schema) },
      ...errors(...row.errors),
    },
  };
}

/** What one caller may call (docs/reference/endpoints.md#the-api-as-each-caller-sees-it): the routes, the fields hidden from them, who may use `_explain`. */
export interface CallerView {
  routes: readonly Route[];
  hidden: readonly string[];
  explainable: (route: Route) => boolean;
}

// A route template is callable when one of the caller's endpoint rules matches it with each parameter as one of
// these: the template's own `{name}` (what `[^/]+` or `.*` accept) or a plain sample value.
const SAMPLES = (name: string) => [`{${name}}`, 'x', '1'];
function samplePaths(template: string): string[] {
  let paths = [template];
  for (const name of templateParams(template)) {
    paths = paths.flatMap((p) => SAMPLES(name).map((v) => p.replace(`{${name}}`, v).replace(`{${name}+}`, v)));
  }
  return paths;
}

/**
 * The view of the API one caller gets from `GET /openapi.json` (docs/reference/endpoints.md#the-api-as-each-caller-sees-it): only the routes their roles permit
 * (and `/user`, `/user/has-permission`, which every caller with a role may use), the item schema without the
 * fields any of those roles hides (the union, so no field hidden from them on some route appears), and `_explain`
 * only where a permitting role has `explain`. Decided by the server's own endpoint matching and merging.
 */
export function callerView(app: AppConfig, roles: readonly Role[]): CallerView {
  const counting = new Map<Route, Role[]>();
  for (const route of routesFor(app)) {
    const open = route.verb === 'user' || route.verb === 'hasPermission';
    const permitting = open
      ? [...roles]
      : [...new Set(samplePaths(route.path).flatMap((p) => countingRoles(roles, route.method, p)))];
    if (permitting.length > 0) counting.set(route, permitting);
  }
  const listed = [...counting.keys()];
  return {
    routes: listed,
    hidden: readScope([...new Set([...counting.values()].flat())]).hidden,
    explainable: (route) => (counting.get(route) ?? []).some((r) => r.explain),
  };
}

/**
 * OpenAPI 3.1 for an app config: the same route table the handlers, local server and deployed routes use. With a
 * caller's view, the document as that caller sees it.
 */
export function openApiDocument(app: AppConfig, info: { title?: string; version?: string } = {}, view?: CallerView) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of view?.routes ?? routesFor(app)) {
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = operation(route, view ? view.explainable(route) : true);
  }
  const schema = (s: z.core.$ZodType) => {
    const { $schema, ...rest } = json(s) as Record<string, unknown>;
    return rest;
  };
  return {
    openapi: '3.1.0',
    info: { title: info.title ?? 'Scoutr API', version: info.version ?? '2.0.0' },
    security: [{ ApiKey: [] }],
    paths,
    components: {
      securitySchemes: {
        ApiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
        Jwt: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
      },
      schemas: {
        Item: itemSchema(app, view?.hidden ?? []),
        Error: schema(S.ErrorBody),
        SearchBody: schema(S.SearchBody),
        UniqueValues: schema(S.UniqueValues),
        HasPermissionBody: schema(HasPermissionBody),
        HasPermissionAnswer: schema(S.HasPermissionAnswer),
        Plan: schema(S.Plan),
        User: schema(S.UserAnswer),
        AuditRecord: schema(S.AuditRecord),
        HistoryVersion: schema(S.HistoryVersion),
        ...(app.itemRoles ? { GrantBody: schema(S.GrantBody), Grants: schema(S.Grants) } : {}),
      },
    },
  };
}
