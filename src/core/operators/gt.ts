import type { Scalar } from '../values';
import { ordering } from './order';

/** `field__gt=3`, `{"field": "n", "operator": "gt", "value": 3}`: greater than (`#n0 > :v0`). */
export type GtFilter = { op: 'gt'; field: string; value: Scalar };

export const gt = ordering<GtFilter>({
  op: 'gt',
  spellings: { gt: 'gt' },
  symbol: '>',
  holds: (o) => o > 0,
  bound: 'low',
});
