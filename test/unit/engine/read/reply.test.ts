import type { Plan } from '../../../../src/core/plan';
import type { ParsedQuery } from '../../../../src/core/query/parse';
import type { Item } from '../../../../src/core/values';
import type { Ctx, Deps } from '../../../../src/engine/context';
import type { ReadEvent } from '../../../../src/engine/read/events';
import { pageReply } from '../../../../src/engine/read/reply';

// docs/explanation/performance.md#a-page-cut-below-6-mb: a Scan of a table stored bigger than the answer's budget is
// answered by the rule from the start (texts chunk by chunk), any other read holds its items until it must decide.

const STORED = 7_000_000; // more than the 6 MB budget
const deps = {
  schema: { table: 'data', partitionKey: { name: 'id', type: 'S' }, indexes: [], storedBytes: STORED },
  settings: { readBudgetMs: 60_000, cursorKey: Buffer.alloc(32) },
  now: () => 0,
} as unknown as Deps;
const ctx = () =>
  ({ started: 0, note: {}, req: { query: [], pathParams: {}, stage: 'test', resource: '/items' } }) as unknown as Ctx;
const query: ParsedQuery = { filter: true, conditions: [], limit: undefined, cursor: undefined, explain: false };

/** 10 DynamoDB pages of 1,000 items of ~120 bytes: far below 6 MB. */
async function* tenPages(): AsyncGenerator<ReadEvent> {
  for (let p = 0; p < 10; p++) {
    const items: Item[] = Array.from({ length: 1_000 }, (_, i) => ({
      id: { S: `${p}-${i}` },
      v: { S: 'x'.repeat(100) },
    }));
    yield { kind: 'items', items, after: (i) => ({ s: 0, k: { id: items[i]!.id! } }) };
    yield { kind: 'page', after: p < 9 ? { s: 0, k: { id: items[999]!.id! } } : undefined };
  }
}

async function stringifyCalls(plan: Plan) {
  const stringify = jest.spyOn(JSON, 'stringify');
  try {
    const { reply, count } = await pageReply(deps, ctx(), plan, { query, hidden: [], events: tenPages });
    return { calls: stringify.mock.calls.length, count, body: reply.rawBody };
  } finally {
    stringify.mockRestore();
  }
}

describe('pageReply: the stored size of a Scan', () => {
  it('a Scan of a table stored bigger than the budget is answered chunk by chunk; a grants read is held', async () => {
    // Act
    const scan = await stringifyCalls({ kind: 'scan', filter: true, residual: true });
    const grants = await stringifyCalls({ kind: 'grants', user: 'u', residual: true });
    // Assess: the same answer; held, 10 samples and the body; by the rule, one text per chunk (dozens)
    expect(scan.count).toBe(10_000);
    expect(scan.body).toBe(grants.body);
    expect(grants.calls).toBe(11);
    expect(scan.calls).toBeGreaterThan(20);
  });
});
