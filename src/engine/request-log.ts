import type { Caller } from '../core/caller';
import type { PlanSummary } from '../core/plan';
import type { ReadStats } from '../dynamo/read';

/**
 * What one request tells its log line (docs/reference/deploy.md#logs): the edge (http/lambda.ts) makes it,
 * the request's steps fill in what they learn, and the edge writes the line. Names and counts only, never values.
 * It lives here, below the verbs, so that the engine and the actions can write it without importing the edge.
 */
export interface RequestLog {
  /** who asked, once known */
  caller?: Caller;
  /** why a bearer token was refused (never told to the caller) */
  tokenError?: string;
  /** the data reads of the request */
  stats?: ReadStats;
  /** the auth reads, counted apart: items_read is the data the request read, whatever the auth cache held */
  authStats?: ReadStats;
  /** items answered or written */
  count?: number;
  /** how the request read: a plan's summary, or the one operation of a get or a unique listing */
  plan?: PlanSummary | { operation: string };
  /** the query's conditions as `field:op` */
  conditions?: string[];
}
