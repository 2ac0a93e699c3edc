import { canonicalizePath } from '../../actions/user';
import { type Decision, decisionJson } from '../../http/decision';
import {
  type ConsoleContext,
  ConsoleInputError,
  callerJson,
  decideFor,
  identityOf,
  type Params,
  readItem,
  required,
  rolesOf,
} from './shared';

/** A rule's `from` ("record alice", "group staff") as a link target. */
const sourceOf = (from: string) => {
  const [kind, ...rest] = from.split(' ');
  return { kind: kind === 'group' ? 'group' : 'record', id: rest.join(' ') };
};

/** View 3: METHOD + path (+ item) → what `scoutr check --json` prints, with the records involved. */
export async function why(cx: ConsoleContext, params: Params) {
  const { deps } = cx;
  const { text, caller: asked } = identityOf(params);
  const method = required(params, 'method').toUpperCase();
  if (!['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(method)) {
    throw new ConsoleInputError('method: GET, POST, PUT, PATCH or DELETE');
  }
  let path: string;
  try {
    path = canonicalizePath(required(params, 'path'));
  } catch (err) {
    throw new ConsoleInputError(`path: ${(err as Error).message}`);
  }
  const itemId = params.get('item') || undefined;
  const { caller, roles } = await rolesOf(cx, asked);
  const item = itemId === undefined ? undefined : await readItem(deps, itemId);
  if (itemId !== undefined && !item) throw new ConsoleInputError(`item: no item ${itemId} in ${deps.tables.data}`);
  const d: Decision = decideFor(deps, roles, caller, method, path, item);
  const involved = roles.filter((r) => d.roles.includes(r.id) || !d.allowed);
  return {
    identity: text,
    caller: callerJson(caller),
    method,
    path,
    ...decisionJson(d, itemId),
    records: involved.map((r) => ({ id: r.id, type: r.type, groups: r.groups })),
    ruleSource: d.rule ? sourceOf(d.rule.from) : null,
  };
}
