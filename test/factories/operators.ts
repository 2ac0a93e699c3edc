import type { Caller } from '../../src/core/caller';
import { ScoutrError } from '../../src/core/errors';
import { compileFilter } from '../../src/core/filter/compile';
import { matches } from '../../src/core/filter/evaluate';
import type { Pred } from '../../src/core/filter/types';
import { JsonNumber } from '../../src/core/json';
import { entryToPred } from '../../src/core/permissions/filters';
import type { FieldFilterEntry } from '../../src/core/permissions/record';
import { parseQuery } from '../../src/core/query/parse';
import type { Item, KeySpec } from '../../src/core/values';
import { answered, thrown } from '../support/errors';

// One operator's facts, checked through the paths the server takes: the query parser, a policy filter entry, the
// compiler and the evaluator (test/unit/core/operators/*.test.ts, one file per module of src/core/operators).

const caller: Caller = { kind: 'jwt', id: 'u-1', username: 'ann', email: 'ann@example.com', groups: [] };

/** A JSON number as a policy file holds it (exact text, docs/reference/permissions.md#auth-records-and-groups). */
export const num = (text: string) => new JsonNumber(text);

/** The condition `?param=value` asks for; `keyTypes` names the key attributes (typed by the key schema). */
export const fromQuery = (param: string, value: string, keyTypes: ReadonlyMap<string, KeySpec> = new Map()): Pred =>
  parseQuery({ params: [[param, value]], keyTypes }).filter;

/** The condition a policy filter entry asks for. */
export const fromEntry = (entry: FieldFilterEntry): Pred => entryToPred(entry, caller, 'record r');

/** The expression a condition compiles to, with its placeholders. */
export function compiled(p: Pred) {
  if (typeof p === 'boolean') throw new Error(`expected a condition, got ${p}`);
  return compileFilter(p);
}

/** The ids of the items a condition selects in memory. */
export const selects = (p: Pred, items: Record<string, Item>): string[] =>
  Object.entries(items)
    .filter(([, item]) => matches(p, item))
    .map(([id]) => id);

/** The 400 INVALID_QUERY naming the parameter that `?param=value` is answered with. */
export function queryRefusal(param: string, value: string): string {
  const err = thrown(() => fromQuery(param, value));
  expect(err).toBeInstanceOf(ScoutrError);
  expect(answered(err)).toMatchObject({ code: 'INVALID_QUERY', status: 400, details: { param } });
  return (err as Error).message;
}

/** The 500 AUTH_CONFIG a policy filter entry is refused with; the message that goes to the log. */
export function entryRefusal(entry: FieldFilterEntry): string {
  const err = thrown(() => fromEntry(entry));
  expect(err).toBeInstanceOf(ScoutrError);
  expect(answered(err)).toMatchObject({ code: 'AUTH_CONFIG', status: 500 });
  return String((err as Error).cause);
}
