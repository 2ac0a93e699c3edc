import { DeleteItemCommand } from '@aws-sdk/client-dynamodb';
import { apiKey, get } from '../../factories/http';
import { as, type Harness, startHarness } from '../../support/harness';

// docs/reference/configuration.md#the-local-server AUTH_CACHE_SECONDS, through the local server on a fake clock: a revoked API key keeps working while its
// cached record is younger than AUTH_CACHE_SECONDS; older, it is served once more while one background read
// refreshes it, and then refused; a record 2 × AUTH_CACHE_SECONDS old is read again before the answer.

const clock = { now: Date.parse('2025-01-01T00:00:00Z') };
const readItems = { permitted_endpoints: [get('/item/[^/]+')] };

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    env: { AUTH_CACHE_SECONDS: '10' },
    overrides: { now: () => clock.now },
    seed: {
      items: [{ id: 'a1', name: 'one' }],
      authRecords: [apiKey('key-refreshed', readItems), apiKey('key-idle', readItems)],
    },
  });
});
afterAll(() => h.close());

const status = async (key: string) => (await h.request('GET', '/item/a1', { headers: as.key(key) })).status;
const revoke = (key: string) => h.db.send(new DeleteItemCommand({ TableName: h.tables.auth, Key: { id: { S: key } } }));

it('refuses a revoked key once the refresh its first request past AUTH_CACHE_SECONDS started has landed', async () => {
  // Prepare
  expect(await status('key-refreshed')).toBe(200);
  await revoke('key-refreshed');
  // Act
  clock.now += 9_999;
  const fresh = await status('key-refreshed');
  clock.now += 1_001; // 11 s after the record was read: stale
  const stale = await status('key-refreshed');
  await h.runtime.deps.auth.settled();
  const refreshed = await status('key-refreshed');
  // Assess
  expect([fresh, stale, refreshed]).toEqual([200, 200, 401]);
});

it('refuses a revoked key at once when its record is 2 × AUTH_CACHE_SECONDS old, refreshed or not', async () => {
  // Prepare: no request of this key comes while its record is stale, so nothing refreshes it
  expect(await status('key-idle')).toBe(200);
  await revoke('key-idle');
  // Act
  clock.now += 20_000;
  const expired = await status('key-idle');
  // Assess
  expect(expired).toBe(401);
});
