import { hasPermission } from '../../../src/actions/user';
import { ScoutrError } from '../../../src/core/errors';
import type { Role } from '../../../src/core/permissions/roles';
import type { Ctx } from '../../../src/engine/context';
import { answered, thrown } from '../../support/errors';

// POST /user/has-permission's body, checked by its zod schema (docs/reference/endpoints.md#who-am-i-and-may-i): {method, path}, the method in any case.

const role = {
  id: 'reader',
  endpoints: [{ method: 'GET', endpoint: '/items', pattern: /^(?:\/items)$/u, from: 'record reader' }],
} as unknown as Role; // only what explainPermission reads
const ask = (body: unknown) =>
  hasPermission({
    req: { body: typeof body === 'string' ? body : JSON.stringify(body) },
    roles: [role],
  } as unknown as Ctx);

it.each([
  { what: 'an upper-case method', body: { method: 'GET', path: '/items' }, allowed: true },
  { what: 'a lower-case method', body: { method: 'get', path: '/items' }, allowed: true },
  { what: 'a trailing slash and a query', body: { method: 'Get', path: '/items/?a=1' }, allowed: true },
  { what: 'another method', body: { method: 'DELETE', path: '/items' }, allowed: false },
  { what: 'extra fields, ignored', body: { method: 'GET', path: '/items', extra: 1 }, allowed: true },
])('answers $what', ({ body, allowed }) => {
  expect(ask(body)).toMatchObject({ status: 200, body: { allowed } });
});

const SHAPE = 'body must be {"method": string, "path": string}';
it.each([
  {
    what: 'an unknown method',
    body: { method: 'FETCH', path: '/items' },
    message: 'method must be GET, POST, PUT, PATCH or DELETE',
  },
  { what: 'an unknown method and no path', body: { method: 'FETCH' }, message: SHAPE },
  { what: 'a number for the method', body: { method: 5, path: '/items' }, message: SHAPE },
  { what: 'no method', body: { path: '/items' }, message: SHAPE },
  { what: 'a number for the path', body: { method: 'GET', path: 1 }, message: SHAPE },
  { what: 'an array', body: ['GET', '/items'], message: SHAPE },
  { what: 'null', body: 'null', message: SHAPE },
  { what: 'a relative path', body: { method: 'GET', path: 'items' }, message: 'path must start with /' },
])('rejects $what with 400 INVALID_BODY', ({ body, message }) => {
  const err = thrown(() => ask(body));
  expect(err).toBeInstanceOf(ScoutrError);
  expect(answered(err)).toMatchObject({ code: 'INVALID_BODY', status: 400, message });
});
