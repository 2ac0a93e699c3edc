import type { Scalar } from '../values';
import { ordering } from './order';

/** `field__lte=3` or `field__le=3`: less than or equal (`#n0 <= :v0`). */
export type LteFilter = { op: 'lte'; field: string; value: Scalar };

export const lte = ordering<LteFilter>({
  op: 'lte',
  spellings: { lte: 'lte', le: 'lte' },
  symbol: '<=',
  holds: (o) => o <= 0,
  bound: 'high',
});
