import { conflict, type ScoutrError } from '../../core/errors';
import { WriteRaced } from '../../dynamo/write';
import type { Deps } from '../context';

export const MAX_ATTEMPTS = 8;

/** Backoff between attempts that lost a race: "full jitter", up to 10 ms × 2^attempt, at most 400 ms. */
export const backoffMs = (attempt: number, random: number): number => random * Math.min(400, 10 * 2 ** attempt);

/**
 * Optimistic concurrency (docs/reference/writes.md#atomicity-and-optimistic-concurrency): `attempt` reads, decides and writes with a condition on what it read; a
 * lost race re-reads and decides again, with jittered backoff, then gives up with 409 CONFLICT. Attempts on one item
 * (its canonical key text) are serialised within the process, so only other processes can make one lose.
 */
export async function withRetries<T>(
  deps: Deps,
  keyTextValue: string,
  attempt: () => Promise<T>,
  onConditionFailed?: () => ScoutrError,
): Promise<T> {
  return deps.serialize(keyTextValue, async () => {
    for (let i = 0; ; i++) {
      try {
        return await attempt();
      } catch (err) {
        if (!(err instanceof WriteRaced)) throw err;
        if (err.conditionFailed && onConditionFailed) throw onConditionFailed();
        if (i + 1 >= MAX_ATTEMPTS) throw conflict('The item changed repeatedly while writing; retry');
        await new Promise((r) => setTimeout(r, backoffMs(i, Math.random())));
      }
    }
  });
}
