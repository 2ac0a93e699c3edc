// The start every fuzz file shares: one server for the file (the pet store unless told), a recorder of the write
// commands it sends, and its tables captured once started, so that a case can prove it wrote nothing or be undone.
import { startExample } from '../../support/examples';
import { beforeTests, type Harness } from '../../support/harness';
import { type Recorder, recordWrites, type Tables, tablesOf } from './state';

/** The pet store as the fuzz files serve it: its policy records never change, so the auth cache stays on. */
export const petStore = () => startExample('petstore', { env: { AUTH_CACHE_SECONDS: '300' } });

/** The server, recorder and tables of a fuzz file (beforeTests: usable inside its tests and hooks). */
export function fuzzServer(start: () => Promise<Harness> = petStore) {
  const h = beforeTests(start, (started) => started.close());
  const rec: Recorder = beforeTests(async () => recordWrites(h));
  const tables: Tables = beforeTests(
    async () => {
      const t = tablesOf(h);
      await t.capture();
      return t;
    },
    (t) => t.close(),
  );
  /**
   * One case from the seed: clears the recorder, runs `run`, then puts the tables back as captured unless the case
   * passed and wrote nothing (`read()` true: whatever it wrote was no change to undo, as a GET's audit record).
   */
  async function fromSeed<T>(run: () => Promise<T>, read = () => false): Promise<T> {
    rec.clear();
    let settled = false;
    try {
      const out = await run();
      settled = read() || rec.writes.length === 0;
      return out;
    } finally {
      if (!settled) await tables.reset();
    }
  }
  return { h, rec, tables, fromSeed };
}
