import { readHistory } from '../../actions/audit';
import type { JsonOut } from '../../core/json';
import { answerOf, type ConsoleContext, operator, type Params, parseReply, request, required } from './shared';

/** View 6a: an item's versions, newest first, each with what changed since the one before (who, when, which action). */
export async function history(cx: ConsoleContext, params: Params) {
  const { deps } = cx;
  const id = required(params, 'item');
  if (!deps.tables.audit) return { item: id, audit: false, versions: [] };
  const cursor = params.get('cursor');
  const req = request(cx, { kind: 'anonymous', groups: [] }, 'GET', `/history/${id}`, [
    ['_limit', '200'],
    ...(cursor ? ([['_cursor', cursor]] as [string, string][]) : []),
  ]);
  const ctx = operator(deps, { ...req, resource: '/history/{item}', pathParams: { item: id } });
  try {
    const { rows, next } = parseReply((await readHistory(deps, ctx)).reply);
    // The oldest version recorded has nothing before it to compare with: every field it holds is shown as set.
    const versions = rows.map((v, i) => ({
      ...v,
      diff: diffItems(rows[i + 1]?.item, v.item),
      ...(i === rows.length - 1 && !next ? { first: true } : {}),
    }));
    return { item: id, audit: true, versions, next };
  } catch (err) {
    return { item: id, audit: true, versions: [], ...answerOf(err) };
  }
}

/** Field by field, what changed from one version's item to the next (null: absent or deleted). */
function diffItems(before: JsonOut | undefined, after: JsonOut | undefined) {
  const obj = (v: JsonOut | undefined) => (v && typeof v === 'object' && !Array.isArray(v) ? v : {});
  const a = obj(before);
  const b = obj(after);
  return [...new Set([...Object.keys(a), ...Object.keys(b)])]
    .sort()
    .filter((f) => JSON.stringify(a[f]) !== JSON.stringify(b[f]))
    .map((f) => ({ field: f, before: a[f] ?? null, after: b[f] ?? null }));
}
