import type { JsonItem } from '../../core/app';
import { invalidBody } from '../../core/errors';
import { checkAttributeName, fromJson, type Json, toJson } from '../../core/json';
import type { AttributeValue } from '../../core/values';
import { isObject, parseBody } from '../body';

// The write pipeline's first step: the body (docs/reference/writes.md#bodies).

export interface ItemBody {
  /** the body as the caller sent it (JSON; undefined when there was none), for the audit record */
  json: Json | undefined;
  /** top-level attribute → value, or null (remove) */
  values: Record<string, AttributeValue | null>;
}

/** A write body: a JSON object whose keys are top-level attribute names (docs/reference/writes.md#bodies). */
export function parseItemBody(text: string | undefined, mode: 'create' | 'update'): ItemBody {
  const json = parseBody(text);
  if (!isObject(json)) throw invalidBody('body must be a JSON object');
  return checkItemBody(json, mode);
}

export function checkItemBody(json: { [key: string]: Json }, mode: 'create' | 'update'): ItemBody {
  const values: Record<string, AttributeValue | null> = {};
  for (const [name, value] of Object.entries(json)) {
    checkAttributeName(name, name);
    if (name.startsWith('_')) throw invalidBody(`${name}: names starting with _ are reserved`, { field: name });
    // As in queries (docs/reference/query-language.md#names-and-nesting): a field that could never be filtered on is not written either.
    if (name === 'constructor' || name === 'prototype') throw invalidBody(`${name}: not a field name`, { field: name });
    if (value === null) {
      if (mode === 'create') throw invalidBody(`${name}: null is not a value for a create`, { field: name });
      values[name] = null;
    } else {
      values[name] = fromJson(value, name, 1);
    }
  }
  if (Object.keys(values).length === 0) throw invalidBody('body names no attribute');
  return { json, values };
}

/** The audit record's `body`: the request body as sent (docs/reference/audit.md#the-audit-record). */
export const auditBody = (body: ItemBody): AttributeValue | undefined =>
  body.json === undefined ? undefined : fromJson(body.json);

/** JSON for validators and conditions: plain JS values (exact numbers as numbers). */
export const jsonItem = (values: Record<string, AttributeValue | null>): JsonItem =>
  Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v === null ? null : toJson(v)])) as JsonItem;
