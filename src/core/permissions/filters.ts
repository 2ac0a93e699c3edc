import type { Caller } from '../caller';
import { authConfig } from '../errors';
import { and, type Pred } from '../filter/types';
import { type ItemRoles, itemRolePred } from '../item-roles';
import { JsonNumber } from '../json';
import { operatorSpelled } from '../operators';
import type { Operand } from '../operators/operator';
import { canonicalNumber, type Scalar } from '../values';
import type { FieldFilterEntry, FilterEntry } from './record';

const USER_VALUE = /^\$\{user\.(id|username|email)\}$/;
const VARIABLE = /^\$\{\s*user\b/;

/** The caller attribute a filter value stands for, `${user.id}` → `id`; undefined for any other value. */
export function callerVariable(value: unknown): 'id' | 'username' | 'email' | undefined {
  return typeof value === 'string'
    ? (USER_VALUE.exec(value)?.[1] as 'id' | 'username' | 'email' | undefined)
    : undefined;
}
const MISSING = Symbol('missing caller attribute');
class UnknownVariable extends Error {}

/** `${user.id}` and friends, as a whole value or a whole list element (docs/reference/permissions.md#filter-entries). */
function substitute(value: unknown, caller: Caller): unknown {
  if (typeof value !== 'string') return value;
  const named = callerVariable(value);
  if (!named) {
    // `${user.mail}` or `${ user.id }` would otherwise be compared as literal text: a typo that silently matches nothing.
    if (VARIABLE.test(value)) throw new UnknownVariable(value);
    return value;
  }
  const attr = caller[named];
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

/** A field entry, `{field, operator?, value}`: the operator of that name (docs/reference/query-language.md#operators), on the caller's values. */
function fieldEntryToPred(entry: FieldFilterEntry, caller: Caller, where: string): Pred {
  const fail = (reason: string, at: 'field' | 'operator' | 'value' = 'value') =>
    authConfig(`${where}: filter on '${entry.field}': ${reason}`, { field: at });
  const spelling = entry.operator ?? (Array.isArray(entry.value) ? 'in' : 'eq');
  const found = operatorSpelled(spelling);
  if (!found) throw fail(`unknown operator '${spelling}'`, 'operator');
  const field = entry.field;
  if (field.split('.').some((s) => s === '' || s.startsWith('_'))) throw fail('invalid field path', 'field');
  const value = callerValues(entry.value, caller, fail);
  if (value === MISSING) return false;
  return found.operator.condition(field, entryOperand(value, spelling, fail), found.named);
}

/** The value with `${user.*}` substituted, or MISSING when it names an attribute this caller lacks. */
function callerValues(value: unknown, caller: Caller, fail: (reason: string) => Error): unknown {
  try {
    if (!Array.isArray(value)) return substitute(value, caller);
    const elements = value.map((v) => substitute(v, caller));
    return elements.includes(MISSING) ? MISSING : elements;
  } catch (err) {
    if (!(err instanceof UnknownVariable)) throw err;
    throw fail(`unknown variable '${err.message}' (known: \${user.id}, \${user.username}, \${user.email})`);
  }
}

/**
 * A filter entry's value as the operators read it (docs/reference/permissions.md#records-apply-only-to-their-own-type): typed JSON that matches its own type only (no number
 * rule), a list as JSON writes it. Failures are 500 AUTH_CONFIG naming the operator as written.
 */
function entryOperand(value: unknown, spelling: string, fail: (reason: string) => Error): Operand<unknown> {
  const needs = (what: string) => fail(`'${spelling}' needs ${what}`);
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
  const one = () => {
    if (Array.isArray(value)) throw needs('a single value');
    return value;
  };
  return {
    syntax: 'entry',
    one,
    repeated: () => [one()],
    list: (min, max = Number.POSITIVE_INFINITY) => {
      if (!Array.isArray(value) || value.length < min || value.length > max) {
        throw needs(min === max ? `a list of ${min} values` : 'a non-empty list');
      }
      return value;
    },
    equalTo: (e) => [scalar(e)],
    ordered: (e) => {
      const v = scalar(e);
      if (!('S' in v) && !('N' in v)) throw needs('a number or a string');
      return v;
    },
    text: (e) => {
      const v = scalar(e);
      if (!('S' in v)) throw needs('a string');
      return v;
    },
    flag: (e) => {
      if (typeof e !== 'boolean') throw needs('true or false');
      return e;
    },
    count: (e) => {
      const v = scalar(e);
      if (!('N' in v) || !/^\d+$/.test(v.N)) throw needs('a non-negative integer');
      return v;
    },
    fail: (reason) => fail(`'${spelling}' ${reason}`),
  };
}

export function entriesToPred(
  entries: readonly FilterEntry[] | undefined,
  caller: Caller,
  where: string,
  itemRoles?: ItemRoles,
): Pred {
  return and((entries ?? []).map((e) => entryToPred(e, caller, where, itemRoles)));
}
