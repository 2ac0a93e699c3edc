import type { Scalar } from '../values';
import { ordering } from './order';

/** `field__lt=3`: less than (`#n0 < :v0`). */
export type LtFilter = { op: 'lt'; field: string; value: Scalar };

export const lt = ordering<LtFilter>({
  op: 'lt',
  spellings: { lt: 'lt' },
  symbol: '<',
  holds: (o) => o < 0,
  bound: 'high',
});
