import { projectionParams } from '../../core/plan';
import type { TableSchema } from '../../core/schema';
import type { Item } from '../../core/values';
import type { Position } from '../cursor';

/** A plan's items in a stable order, each with the position right after it, and the end of each DynamoDB page. */
export type ReadEvent =
  | { kind: 'item'; item: Item; after: Position }
  /** the items of a DynamoDB page, in order: item i resumes at after(i), computed only when asked */
  | { kind: 'items'; items: readonly Item[]; after: (i: number) => Position }
  /** `after` undefined: nothing more to read */
  | { kind: 'page'; after: Position | undefined };

export interface ReadOptions {
  /** the table read (default: the data table) */
  schema?: TableSchema;
  projection?: readonly string[] | undefined;
  /** ConsistentRead for GetItem/BatchGetItem */
  consistent?: boolean;
  /**
   * How many more items the page can take (its _limit, and what its byte budget holds), asked before each Query or
   * Scan call: the call then reads about that many, not a whole 1 MB page of which the next request reads again what
   * this one could not answer.
   */
  room?: () => number | undefined;
}

export const projectionOf = (paths: readonly string[] | undefined) => {
  const projection = projectionParams(paths);
  return projection ? { projection } : {};
};
