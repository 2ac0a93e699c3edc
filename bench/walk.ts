// A full walk of GET /items: every page, following X-Next-Cursor like a client, through Scoutr's Lambda code path.
// Counts the items DynamoDB read on the data table (ScannedCount, the bench meter) against the items answered: each
// answer is cut below 6 MB, and a page that reads past its cut reads those items again on the next page (issue 22,
// item 2). Used by bench/scale.ts; alone: `npx tsx bench/walk.ts [size, default 100000]` seeds and walks.
import { handleEvent } from '../src/http/lambda';
import { createRuntime } from '../src/http/runtime';
import { APP, benchClient, benchConfig, meter, quietLog, restEvent, withSeededTables } from './fixtures';

export interface Walk {
  pages: number;
  answered: number;
  /** items DynamoDB examined on the data table over the whole walk */
  read: number;
  dataCalls: number;
  ms: number;
}

export async function fullWalk(endpoint: string): Promise<Walk> {
  const db = benchClient(endpoint);
  const m = meter(db);
  const runtime = await createRuntime(APP, benchConfig(endpoint), { db, log: quietLog });
  m.take();
  const started = Date.now();
  let cursor: string | undefined;
  let pages = 0;
  let answered = 0;
  try {
    do {
      const query = cursor ? { _cursor: cursor } : undefined;
      const event = restEvent(
        { method: 'GET', resource: '/items', path: '/items', ...(query ? { query } : {}) },
        'walk',
      );
      const result = await handleEvent(runtime, 'list', event);
      if (result.statusCode !== 200) throw new Error(`page ${pages + 1}: ${result.statusCode} ${result.body}`);
      answered += (JSON.parse(result.body) as unknown[]).length;
      cursor = result.headers['X-Next-Cursor'];
      pages++;
    } while (cursor);
    const reads = m.take();
    return { pages, answered, read: reads.dataItems, dataCalls: reads.dataCalls, ms: Date.now() - started };
  } finally {
    db.destroy();
  }
}

async function main() {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const size = Number(process.argv[2] ?? 100_000);
  await withSeededTables(size, async (endpoint) => {
    const w = await fullWalk(endpoint);
    console.log(
      `full walk of ${size} items: ${w.pages} pages, ${w.answered} answered, ${w.read} read ` +
        `(${(w.read / w.answered).toFixed(4)}×), ${w.dataCalls} DynamoDB calls, ${w.ms} ms`,
    );
  });
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
