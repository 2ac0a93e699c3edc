import { nodeOf } from '../operators';
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
    default:
      return nodeOf(f).describe(f);
  }
}
