import { toJson } from '../json';
import { getPath } from '../values';
import type { Node, Operator } from './operator';

/** `field__startswith=Re`: a string with that prefix (`begins_with(#n0, :v0)`); the value is always a string. */
export type StartswithFilter = { op: 'startswith'; field: string; value: { S: string } };

export const startswith: Operator<StartswithFilter> & Node<StartswithFilter> = {
  name: 'startswith',
  spellings: { startswith: 'startswith' },
  condition: (field, v) => ({ op: 'startswith', field, value: v.text(v.one()) }),
  expression: (f, t) => `begins_with(${t.name(f.field)}, ${t.value(f.value)})`,
  cost: 1,
  matches: (f, item) => {
    const a = getPath(item, f.field);
    return a !== undefined && 'S' in a && a.S.startsWith(f.value.S);
  },
  describe: (f) => ({ field: f.field, op: 'startswith', value: toJson(f.value) }),
  operands: (f) => [f.value],
  partial: true,
  range: (f) => ({ prefix: f.value.S }),
  key: { sort: (_f, type) => type === 'S' },
};
