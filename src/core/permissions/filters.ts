import type { Caller } from '../caller';
import { authConfig } from '../errors';
import { and, chunk, type Filter, or, type Pred } from '../filter/types';
import { type ItemRoles, itemRolePred } from '../item-roles';
import { JsonNumber } from '../json';
import { operatorOf } from '../query/operators';
import { canonicalNumber, compareNumbers, compareStrings, type Scalar } from '../values';
import type { FieldFilterEntry, FilterEntry } from './record';

const USER_VALUE = /^\$\{user\.(id|username|email)\}$/;
const VARIABLE = /^\$\{\s*user\b/;
const MISSING = Symbol('missing caller attribute');
class UnknownVariable extends Error {}

/** `${user.id}` and friends, as a whole value or a whole list element (SPEC.md §2). */
function substitute(value: unknown, caller: Caller): unknown {
  if (typeof value !== 'string') return value;
  const m = USER_VALUE.exec(value);
  if (!m) {
    // `${user.mail}` or `${ user.id }` would otherwise be compared as literal text: a typo that silently matches nothing.
    if (VARIABLE.test(value)) throw new UnknownVariable(value);
    return value;
  }
  const attr = caller[m[1] as 'id' | 'username' | 'email'];
  return attr === undefined ? MISSING : attr;
}

/**
 * A record's filter entry → a condition over items. Record values are typed JSON and match their own type only
 * (no number rule). A value naming a caller attribute the caller lacks makes the entry match nothing.
 */
export function entryToPred(entry: FilterEntry, caller: Caller, where: string, itemRoles?: ItemRoles): Pred {
  if ('item_role' in entry) {
    if (!itemRoles?.impliers.has(entry.item_role)) {
      throw authConfig(`${where}: filter on item_role '${entry.item_role}': not an item role of the app config`, {
        field: 'item_role',
      });
    }
    return itemRolePred(itemRoles, entry.item_role, caller.id);
  }
  return fieldEntryToPred(entry, caller, where);
}

function fieldEntryToPred(entry: FieldFilterEntry, caller: Caller, where: string): Pred {
  const fail = (reason: string, at: 'field' | 'operator' | 'value' = 'value') =>
    authConfig(`${where}: filter on '${entry.field}': ${reason}`, { field: at });
  const rawOp = entry.operator ?? (Array.isArray(entry.value) ? 'in' : 'eq');
  const operator = operatorOf(rawOp);
  if (!operator) throw fail(`unknown operator '${rawOp}'`, 'operator');
  const field = entry.field;
  if (field.split('.').some((s) => s === '' || s.startsWith('_'))) throw fail('invalid field path', 'field');

  let value = entry.value;
  try {
    if (Array.isArray(value)) {
      const elements = value.map((v) => substitute(v, caller));
      if (elements.includes(MISSING)) return false;
      value = elements;
    } else {
      value = substitute(value, caller);
      if (value === MISSING) return false;
    }
  } catch (err) {
    if (!(err instanceof UnknownVariable)) throw err;
    throw fail(`unknown variable '${err.message}' (known: \${user.id}, \${user.username}, \${user.email})`);
  }

  const scalar = (v: unknown): Scalar => {
    if (typeof v === 'string') return { S: v };
    if (typeof v === 'boolean') return { BOOL: v };
    if (v === null) return { NULL: true };
    if (v instanceof JsonNumber) {
      const n = canonicalNumber(v.text);
      if (n === undefined) throw fail('number outside DynamoDB range');
      return { N: n };
    }
    throw fail('values must be strings, numbers, booleans or null');
  };
  const list = (): Scalar[] => {
    if (!Array.isArray(value) || value.length === 0) throw fail(`'${rawOp}' needs a non-empty list`);
    return value.map(scalar);
  };
  const one = (): Scalar => {
    if (Array.isArray(value)) throw fail(`'${rawOp}' needs a single value`);
    return scalar(value);
  };
  const text = (): { S: string } => {
    const v = one();
    if (!('S' in v)) throw fail(`'${rawOp}' needs a string`);
    return v;
  };
  const ordered = (): Scalar => {
    const v = one();
    if (!('S' in v) && !('N' in v)) throw fail(`'${rawOp}' needs a number or a string`);
    return v;
  };

  if (operator.kind === 'length') {
    const v = one();
    if (!('N' in v) || !/^\d+$/.test(v.N)) throw fail(`'${rawOp}' needs a non-negative integer`);
    return { op: 'length', cmp: operator.cmp, field, value: v };
  }
  switch (operator.op) {
    case 'eq':
    case 'ne':
      return { op: operator.op, field, value: one() };
    case 'in':
      return or(chunk(list()).map((values): Filter => ({ op: 'in', field, values })));
    case 'notin':
      return and(chunk(list()).map((values): Filter => ({ op: 'not', child: { op: 'in', field, values } })));
    case 'gt':
    case 'lt':
    case 'gte':
    case 'lte':
      return { op: operator.op, field, value: ordered() };
    case 'between': {
      const [low, high, ...rest] = list();
      if (!low || !high || rest.length > 0) throw fail("'between' needs [low, high]");
      const ok =
        ('N' in low && 'N' in high && compareNumbers(low.N, high.N) <= 0) ||
        ('S' in low && 'S' in high && compareStrings(low.S, high.S) <= 0);
      if (!ok) throw fail("'between' needs two numbers or two strings, low ≤ high");
      return { op: 'between', field, low, high };
    }
    case 'startswith':
    case 'contains':
      return { op: operator.op, field, value: text() };
    case 'notcontains':
      return { op: 'not', child: { op: 'contains', field, value: text() } };
    case 'exists':
      if (typeof value !== 'boolean') throw fail("'exists' needs true or false");
      return { op: 'exists', field, present: value };
  }
}

export function entriesToPred(
  entries: readonly FilterEntry[] | undefined,
  caller: Caller,
  where: string,
  itemRoles?: ItemRoles,
): Pred {
  return and((entries ?? []).map((e) => entryToPred(e, caller, where, itemRoles)));
}
