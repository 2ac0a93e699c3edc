import { ScoutrError } from '../core/errors';
import type { ScoutrRequest } from '../core/request';
import type { Verb } from '../core/routes';
import { newStats } from '../dynamo/read';
import { authenticate, authorizeEndpoint } from '../engine/authorize';
import type { Ctx, Deps, Reply } from '../engine/context';
import type { RequestLog } from '../engine/request-log';
import { audit, history } from './audit';
import { create } from './create';
import { custom } from './custom';
import { remove } from './delete';
import { get } from './get';
import { grants } from './grants';
import { list } from './list';
import { search } from './search';
import { unique } from './unique';
import { update } from './update';
import { hasPermission, user } from './user';

const MAX_BODY_BYTES = 350 * 1024;
const MAX_PATH_CHARS = 2048;

type Action = (deps: Deps, ctx: Ctx) => Promise<Reply>;

const ACTIONS: Record<Verb, Action> = {
  list,
  unique,
  search,
  get,
  create,
  update,
  delete: remove,
  audit,
  history,
  user: async (_deps, ctx) => user(ctx),
  hasPermission: async (_deps, ctx) => hasPermission(ctx),
  grants,
  custom,
};

/**
 * One request, in docs/reference/permissions.md#order-of-checks: 401 → 403 endpoint → 413/414 size → then the action (400 parse and
 * query → 403 fields → 404 → 403 row → 400 validation → 400 condition → 409).
 */
export async function runRequest(deps: Deps, verb: Verb, req: ScoutrRequest, note: RequestLog = {}): Promise<Reply> {
  const started = deps.now();
  // Auth reads are counted apart, so items_read is the data the request read, whatever the auth cache held.
  const authStats = newStats();
  const stats = newStats();
  note.authStats = authStats;
  note.stats = stats;
  const { caller, roles } = await authenticate(deps, req, authStats);
  note.caller = caller;
  const open = verb === 'user' || verb === 'hasPermission'; // every caller with a role may use these
  const counting = open ? roles : authorizeEndpoint(roles, req);
  if (req.body !== undefined && Buffer.byteLength(req.body) > MAX_BODY_BYTES) {
    throw new ScoutrError('PAYLOAD_TOO_LARGE', `Request body over ${MAX_BODY_BYTES / 1024} KB`);
  }
  if (req.path.length > MAX_PATH_CHARS) {
    throw new ScoutrError('URI_TOO_LONG', `Path longer than ${MAX_PATH_CHARS} characters`);
  }
  return ACTIONS[verb](deps, { req, caller, roles, counting, stats, started, note });
}
