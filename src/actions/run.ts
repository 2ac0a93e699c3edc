import { ScoutrError } from '../core/errors';
import type { ScoutrRequest } from '../core/request';
import type { Verb } from '../core/routes';
import { newStats } from '../dynamo/read';
import { authenticate, authorizeEndpoint } from './authorize';
import type { Ctx, Deps, Reply } from './context';
import { get } from './get';
import { list } from './list';
import { search } from './search';
import { unique } from './unique';
import { hasPermission, user } from './user';

export const MAX_BODY_BYTES = 350 * 1024;
export const MAX_PATH_CHARS = 2048;

export type Action = (deps: Deps, ctx: Ctx) => Promise<Reply>;

const ACTIONS: Partial<Record<Verb, Action>> = {
  list,
  unique,
  search,
  get,
  user: async (_deps, ctx) => user(ctx),
  hasPermission: async (_deps, ctx) => hasPermission(ctx),
};

/** Registers the actions of a verb (the write path and audit add theirs). */
export function registerAction(verb: Verb, action: Action): void {
  ACTIONS[verb] = action;
}

/**
 * One request, in SPEC.md §3's order of checks: 401 → 403 endpoint → 413/414 size → then the action (400 parse and
 * query → 403 fields → 404 → 403 row → 400 validation → 400 condition → 409).
 */
export async function runRequest(
  deps: Deps,
  verb: Verb,
  req: ScoutrRequest,
  note: Record<string, unknown> = {},
): Promise<Reply> {
  const started = deps.now();
  const stats = newStats();
  note.stats = stats;
  const { caller, roles } = await authenticate(deps, req, stats);
  note.caller = caller;
  const open = verb === 'user' || verb === 'hasPermission'; // every caller with a role may use these
  const counting = open ? roles : authorizeEndpoint(roles, req);
  if (req.body !== undefined && Buffer.byteLength(req.body) > MAX_BODY_BYTES) {
    throw new ScoutrError('PAYLOAD_TOO_LARGE', 413, `Request body over ${MAX_BODY_BYTES / 1024} KB`);
  }
  if (req.path.length > MAX_PATH_CHARS) {
    throw new ScoutrError('URI_TOO_LONG', 414, `Path longer than ${MAX_PATH_CHARS} characters`);
  }
  const action = ACTIONS[verb];
  if (!action) throw new ScoutrError('NOT_FOUND', 404, 'No such route');
  return action(deps, { req, caller, roles, counting, stats, started, note });
}
