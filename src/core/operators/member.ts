import { toJson } from '../json';
import { getPath } from '../values';
import type { Node } from './operator';

/**
 * A string set holding the value, and nothing else holding it: the caller's id under an item role in `_acl` (
 * docs/reference/item-roles.md#who-holds-what). Not an operator anyone writes: the `{"item_role": "view"}` entry builds it (core/item-roles.ts). A plain string
 * must not match by substring, hence the type check: `(attribute_type(#n0, :v0) AND contains(#n0, :v1))`.
 */
export type MemberFilter = { op: 'member'; field: string; value: { S: string } };

export const member: Node<MemberFilter> = {
  expression: (f, t) =>
    `(attribute_type(${t.name(f.field)}, ${t.value({ S: 'SS' })}) AND contains(${t.name(f.field)}, ${t.value(f.value)}))`,
  cost: 3, // attribute_type(), AND, contains()
  matches: (f, item) => {
    const a = getPath(item, f.field);
    return a !== undefined && 'SS' in a && a.SS.includes(f.value.S);
  },
  describe: (f) => ({ field: f.field, op: 'member', value: toJson(f.value) }),
  operands: (f) => [f.value],
  partial: false,
};
