import type { Scalar } from '../values';
import { ordering } from './order';

/** `field__gte=3` or `field__ge=3`: greater than or equal (`#n0 >= :v0`). */
export type GteFilter = { op: 'gte'; field: string; value: Scalar };

export const gte = ordering<GteFilter>({
  op: 'gte',
  spellings: { gte: 'gte', ge: 'gte' },
  symbol: '>=',
  holds: (o) => o >= 0,
  bound: 'low',
});
