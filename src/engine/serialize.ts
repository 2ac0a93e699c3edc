// Writes to one item inside one process go one at a time (issue 10.5): each waits for the one before it instead of
// racing it to DynamoDB and losing on the version condition. Across processes the condition still decides and the
// loser retries with jittered backoff (write.ts `withRetries`); this only keeps a process from racing itself.

/** Runs `task` once every earlier task with the same key has settled, in arrival order. */
export type Serializer = <T>(key: string, task: () => Promise<T>) => Promise<T>;

/** One serializer per runtime (a Lambda container, the local server): its queues live as long as it does. */
export function createSerializer(): Serializer & { readonly inFlight: () => number } {
  const tails = new Map<string, Promise<void>>();
  const serialize = <T>(key: string, task: () => Promise<T>): Promise<T> => {
    const run = (tails.get(key) ?? Promise.resolve()).then(task);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    tails.set(key, tail);
    // The last task of a key removes it, so the map holds only keys with a write in flight.
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return run;
  };
  return Object.assign(serialize, { inFlight: () => tails.size });
}
