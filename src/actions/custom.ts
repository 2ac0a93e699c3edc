import { BUILTIN_ACTIONS, type CustomRequest, type CustomWrite, type WriteOps } from '../core/app';
import type { Caller } from '../core/caller';
import { invalidBody, ScoutrError } from '../core/errors';
import { plainToJson } from '../core/json';
import { routePath } from '../core/routes';
import { parseBody } from '../engine/body';
import type { Ctx, Deps, Reply } from '../engine/context';
import { checkItemBody } from '../engine/write/body';
import { createItem } from './create';
import { deleteItem } from './delete';
import { updateItem } from './update';

/**
 * The create/update/delete a custom action may run, bound to this request and audited as `action`. Given `runs`
 * (the action's declared write), any other write is a 500 naming the action: `scoutr check` and `loadPolicy` decide
 * the route under the rules of the declared one, so the server never runs another.
 */
export function writeOps(deps: Deps, ctx: Ctx, action: string, runs?: CustomWrite): WriteOps<Reply> {
  const only = (write: CustomWrite) => {
    if (runs !== undefined && write !== runs) {
      throw new ScoutrError('INTERNAL', 'Internal error', {
        cause: new Error(`custom action ${action} declares runs: '${runs}' but ran ${write}`),
      });
    }
  };
  const body = () => (ctx.req.body === undefined || ctx.req.body === '' ? undefined : parseBody(ctx.req.body));
  const asBody = (plain: Record<string, unknown>, mode: 'create' | 'update') => {
    const json = plainToJson(plain);
    if (json === null || typeof json !== 'object' || Array.isArray(json)) throw invalidBody('body must be an object');
    // The audit record keeps the body the caller sent; the changes the action made are its `changed` and `item`.
    return { ...checkItemBody(json as Record<string, never>, mode), json: body() };
  };
  return {
    body,
    create: async (item) => {
      only('create');
      return createItem(deps, ctx, asBody(item, 'create'), action);
    },
    update: async (id, changes) => {
      only('update');
      return updateItem(
        deps,
        ctx,
        id,
        typeof changes === 'function' ? (existing) => asBody(changes(existing), 'update') : asBody(changes, 'update'),
        action,
      );
    },
    delete: async (id) => {
      only('delete');
      return deleteItem(deps, ctx, id, action);
    },
  };
}

/** A custom route: its action runs one write under the rules of that verb, for the roles that permit the route. */
export async function custom(deps: Deps, ctx: Ctx): Promise<Reply> {
  const entry = Object.entries(deps.app.customActions ?? {}).find(
    ([, c]) => c.method === ctx.req.method && routePath(c.path) === ctx.req.resource,
  );
  if (!entry) throw new ScoutrError('NOT_FOUND', 'No such route');
  const [action, def] = entry;
  if ((BUILTIN_ACTIONS as readonly string[]).includes(action)) {
    throw new ScoutrError('INTERNAL', 'Internal error', { cause: new Error(`custom action named ${action}`) });
  }
  const out = await def.run(writeOps(deps, ctx, action, def.runs ?? 'update'), {
    pathParams: ctx.req.pathParams,
    query: ctx.req.query,
    caller: callerView(ctx.caller),
  });
  if (out && typeof out === 'object' && 'status' in out) return out as Reply;
  return { status: 200, body: out ?? null };
}

/** The caller as a custom action sees it: who they are, not how they came (no API key id, source IP or agent). */
function callerView(c: Caller): CustomRequest['caller'] {
  const { kind, id, username, email, name } = c;
  const named = Object.entries({ id, username, email, name }).filter(([, v]) => v !== undefined);
  return Object.freeze({ kind, groups: Object.freeze([...c.groups]), ...Object.fromEntries(named) });
}
