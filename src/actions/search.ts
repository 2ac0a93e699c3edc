import { createHash } from 'node:crypto';
import { invalidBody, invalidQuery } from '../core/errors';
import { fromJson, type Json, JsonNumber } from '../core/json';
import { MAX_SEARCH_QUERIES, planSearch, searchIndex } from '../core/plan';
import { checkFieldPath } from '../core/query/names';
import { keyTypes } from '../core/schema';
import { canonicalNumber, distinctScalars, type KeySpec, keyValue, type Scalar } from '../core/values';
import { parseBody } from '../engine/body';
import type { Ctx, Deps, Reply } from '../engine/context';
import { auditRead } from '../engine/read/audit-record';
import { pageReply } from '../engine/read/reply';
import { explainReply, grantsScope, readRequest } from '../engine/read/request';

const MAX_SEARCH_VALUES = 1000;

/** The values one body element matches: the number rule of docs/reference/query-language.md#the-number-rule, or the key schema's type for a key. */
function operands(e: Json, key: KeySpec | undefined): Scalar[] {
  const text =
    typeof e === 'string' ? e : e instanceof JsonNumber ? e.text : typeof e === 'boolean' ? String(e) : undefined;
  if (text === undefined) throw invalidBody('search values must be strings, numbers or booleans');
  if (key) {
    // A value longer than the key accepts is stored by no item: it matches nothing.
    const v = keyValue(key.type, text, key.maxBytes);
    return v && !('B' in v) ? [v as Scalar] : [];
  }
  if (typeof e === 'string') return [{ S: e }];
  if (typeof e === 'boolean') return [{ BOOL: e }, { S: text }];
  const n = canonicalNumber(text);
  if (n === undefined) throw invalidBody('number beyond DynamoDB precision or range (38 digits)');
  return [{ N: n }, { S: text }];
}

/** The distinct values a search body matches, in body order. */
export function searchOperands(body: readonly Json[], key: KeySpec | undefined): Scalar[] {
  return distinctScalars(body.flatMap((e) => operands(e, key)));
}

/** POST /search/{search_key}, body a JSON array of 1..1000 scalars: visible items whose field is one of them. */
export async function search(deps: Deps, ctx: Ctx): Promise<Reply> {
  const field = ctx.req.pathParams.search_key ?? '';
  if (field.includes('__')) throw invalidQuery('search_key', 'a plain field path, without an operator');
  checkFieldPath('search_key', field);
  // The body is parsed before the field check: a malformed request is 400 before a hidden field makes it 403.
  const body = parseBody(ctx.req.body);
  if (!Array.isArray(body) || body.length < 1 || body.length > MAX_SEARCH_VALUES) {
    throw invalidBody(`body must be a JSON array of 1 to ${MAX_SEARCH_VALUES} values`);
  }
  const all = searchOperands(body, keyTypes(deps.schema).get(field));
  // On an index key each distinct value is a Query (of the index key's type: the others match nothing).
  const index = searchIndex(field, deps.schema);
  const queries = index ? all.filter((v) => index.partitionKey.type in v).length : 0;
  if (queries > MAX_SEARCH_QUERIES) {
    throw invalidBody(
      `a search on ${field}, an index key, takes at most ${MAX_SEARCH_QUERIES} distinct values (one query each); ` +
        `this one has ${queries}`,
    );
  }
  const { query, scope, visible } = readRequest(deps, ctx, [], [field]);
  const plan = planSearch(field, all, visible, deps.schema, grantsScope(deps, ctx));
  if (query.explain) {
    await auditRead(deps, ctx, 'SEARCH');
    return explainReply(plan);
  }
  // The cursor is bound to the body too: another set of values is another search.
  const bodyHash = createHash('sha256')
    .update(ctx.req.body ?? '')
    .digest('base64');
  const { reply } = await pageReply(deps, ctx, plan, { query, hidden: scope.hidden, bindingExtra: [bodyHash] });
  await auditRead(deps, ctx, 'SEARCH', undefined, fromJson(body));
  return reply;
}
