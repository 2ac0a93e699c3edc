import { attemptTimeoutMs, createClient, SDK_MAX_ATTEMPTS } from '../../../src/dynamo/client';

// A DynamoDB that stops answering must cost a request about READ_BUDGET_MS, then 503 (docs/reference/pagination.md#size-and-time-limits, docs/reference/errors.md#throttled): every
// attempt is bounded, and all attempts with their backoff fit in the budget.

describe('attemptTimeoutMs', () => {
  it.each([
    { budget: 20_000, want: 4000 },
    { budget: 5000, want: 1000 },
    { budget: 900_000, want: 180_000 },
  ])('gives a $budget ms budget attempts of $want ms', ({ budget, want }) => {
    expect(attemptTimeoutMs(budget)).toBe(want);
  });

  it('leaves one attempt’s share of the budget for the backoff between attempts', () => {
    expect(SDK_MAX_ATTEMPTS * attemptTimeoutMs(20_000)).toBeLessThanOrEqual(20_000 - attemptTimeoutMs(20_000));
  });

  it('never bounds an attempt below 1 s, which a loaded DynamoDB Local may need', () => {
    expect(attemptTimeoutMs(100)).toBe(1000);
  });
});

describe('createClient', () => {
  it('bounds connection and request time, and makes an overdue request an error, when given a read budget', async () => {
    const db = createClient({ readBudgetMs: 10_000 });
    const handler = await (db.config.requestHandler as unknown as { configProvider: Promise<unknown> }).configProvider;
    expect(handler).toMatchObject({ connectionTimeout: 2000, requestTimeout: 2000, throwOnRequestTimeout: true });
    expect(await db.config.maxAttempts()).toBe(SDK_MAX_ATTEMPTS);
    db.destroy();
  });

  it('keeps the SDK’s timeouts for tools without a budget', async () => {
    const db = createClient();
    const handler = await (db.config.requestHandler as unknown as { configProvider: Promise<unknown> }).configProvider;
    expect(handler).toMatchObject({ requestTimeout: undefined, throwOnRequestTimeout: undefined });
    db.destroy();
  });
});
