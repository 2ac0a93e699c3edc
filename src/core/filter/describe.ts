import { toJson } from '../json';
import type { Filter, Pred } from './types';

/** A filter as readable data (GET /user, `scoutr check --json`, the console): its values typed as JSON. */
export function describeFilter(p: Pred): unknown {
  if (typeof p === 'boolean') return p;
  const f: Filter = p;
  switch (f.op) {
    case 'and':
    case 'or':
      return { [f.op]: f.children.map(describeFilter) };
    case 'not':
      return { not: describeFilter(f.child) };
    case 'in':
      return { field: f.field, op: 'in', values: f.values.map(toJson) };
    case 'between':
      return { field: f.field, op: 'between', values: [toJson(f.low), toJson(f.high)] };
    case 'exists':
      return { field: f.field, op: 'exists', value: f.present };
    case 'length':
      return { field: f.field, op: `length_${f.cmp}`, value: toJson(f.value) };
    default:
      return { field: f.field, op: f.op, value: toJson(f.value) };
  }
}
