import { GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { itemToJson, type JsonOut } from '../../../src/core/json';
import type { Item } from '../../../src/core/values';
import { type Harness, type HarnessOptions, harnessForFile } from '../../support/harness';

export type Row = { [key: string]: JsonOut };

/** Every item of a table, as JSON (reserved attributes such as `_version` included), sorted by `sortKey`. */
export async function scanTable(h: Harness, table: string, sortKey = 'id'): Promise<Row[]> {
  const rows: Row[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await h.db.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start as never }));
    for (const item of page.Items ?? []) rows.push(itemToJson(item as unknown as Item));
    start = page.LastEvaluatedKey;
  } while (start);
  return rows.sort((a, b) => String(a[sortKey]).localeCompare(String(b[sortKey])));
}

export const scanData = (h: Harness) => scanTable(h, h.tables.data);
export const scanAudit = (h: Harness) => scanTable(h, h.tables.audit!);

/** The stored item (with `_version`), or undefined. */
export async function storedItem(h: Harness, id: string): Promise<Row | undefined> {
  const out = await h.db.send(
    new GetItemCommand({ TableName: h.tables.data, Key: { id: { S: id } }, ConsistentRead: true }),
  );
  return out.Item ? itemToJson(out.Item as unknown as Item) : undefined;
}

/** Every table (data, audit, and grants when there is one), to prove that a failed request wrote nothing. */
export async function snapshot(h: Harness): Promise<{ data: Row[]; audit: Row[]; grants?: Row[] }> {
  return {
    data: await scanData(h),
    audit: h.tables.audit ? await scanAudit(h) : [],
    ...(h.tables.grants ? { grants: await scanTable(h, h.tables.grants, 'item_key') } : {}),
  };
}

/**
 * The set-up of a write test file: its server (startHarness with `opts`, for the whole file), and the check that a
 * refused request wrote nothing: `act` leaves the data, audit and grants tables as they were.
 */
export function writeTests(opts: HarnessOptions) {
  const h = harnessForFile(opts);
  async function expectNothingWritten(act: () => Promise<unknown>): Promise<void> {
    const before = await snapshot(h);
    await act();
    expect(await snapshot(h)).toEqual(before);
  }
  return { h, expectNothingWritten };
}

let raceCount = 0;
/**
 * Runs `between` once, right after the server's next consistent GetItem of item `id` returned and before the server
 * decides on it: the deterministic way to lose a race. Resolves once `between` has finished.
 */
export function afterNextConsistentGet(h: Harness, id: string, between: () => Promise<unknown>): Promise<void> {
  const name = `race-${++raceCount}`;
  let armed = true;
  let done!: () => void;
  let failed!: (err: unknown) => void;
  const finished = new Promise<void>((resolve, reject) => {
    done = resolve;
    failed = reject;
  });
  h.db.middlewareStack.add(
    (next, context) => async (args) => {
      const out = await next(args);
      const input = args.input as { ConsistentRead?: boolean; Key?: { id?: { S?: string } } };
      if (armed && context.commandName === 'GetItemCommand' && input.ConsistentRead && input.Key?.id?.S === id) {
        armed = false;
        h.db.middlewareStack.remove(name);
        try {
          await between();
          done();
        } catch (err) {
          failed(err);
        }
      }
      return out;
    },
    { step: 'initialize', name },
  );
  return finished;
}
