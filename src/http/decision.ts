import { describeFilter } from '../core/filter/describe';
import type { Decision as CoreDecision } from '../core/permissions/decide';
import { statusOf } from './status';

/**
 * A decision as `scoutr check`, `loadPolicy().can()` and the console show it: a denial carries the status the server
 * answers (src/http/status.ts), also written after its reason: "no role may change this row (403)".
 */
export interface Decision extends CoreDecision {
  status?: 400 | 401 | 403 | 404;
}

/** The decision as shown; a decision already shown is returned as it is. */
export function shownDecision(d: CoreDecision | Decision): Decision {
  if (d.code === undefined || 'status' in d) return d;
  const status = statusOf(d.code) as NonNullable<Decision['status']>;
  return { ...d, reason: `${d.reason} (${status})`, status };
}

/**
 * A decision as data: what `scoutr check --json` prints and the console's "why" view shows. `itemId` is the item the
 * decision was asked about, when one was.
 */
export function decisionJson(decision: CoreDecision | Decision, itemId?: string) {
  const d = shownDecision(decision);
  return {
    allowed: d.allowed,
    reason: d.reason,
    roles: d.roles,
    rule: d.rule ?? null,
    route: d.route ?? null,
    ...(d.status !== undefined ? { status: d.status } : {}),
    row_filter: describeFilter(d.filter),
    hidden_fields: d.hidden,
    ...(itemId !== undefined ? { item: { id: itemId, ...d.item } } : {}),
  };
}
