import { readAudit } from '../../actions/audit';
import { answerOf, type ConsoleContext, operator, type Params, parseReply, request } from './shared';

const DEFAULT_AUDIT_DAYS = 30;

/** View 6b: the audit log, newest first, filtered by user id, action, item and time (GET /audit's query). */
export async function auditLog(cx: ConsoleContext, params: Params) {
  const { deps } = cx;
  if (!deps.tables.audit) return { audit: false, records: [], next: null };
  if (params.get('item')?.trim()) params.set('from', params.get('from')?.trim() || '1970-01-01T00:00:00Z');
  const query: [string, string][] = [];
  const add = (param: string, field: string) => {
    const v = params.get(param)?.trim();
    if (v) query.push([field, v]);
  };
  add('user', 'user.id');
  add('action', 'action');
  add('item', 'resource_key');
  // GET /audit walks back day by day up to a year; without a start the console looks at the last 30 days.
  const from = params.get('from')?.trim() || new Date(deps.now() - DEFAULT_AUDIT_DAYS * 86_400_000).toISOString();
  query.push(['time__gte', from]);
  add('to', 'time__lte');
  query.push(['_limit', '100']);
  const cursor = params.get('cursor');
  if (cursor) query.push(['_cursor', cursor]);
  const ctx = operator(deps, { ...request(cx, { kind: 'anonymous', groups: [] }, 'GET', '/audit', query) });
  try {
    const { rows, next } = parseReply((await readAudit(deps, ctx)).reply);
    return { audit: true, from, records: rows, next };
  } catch (err) {
    return { audit: true, from, records: [], next: null, ...answerOf(err) };
  }
}
