import {
  type AttributeValue,
  BatchGetItemCommand,
  type BatchGetItemCommandInput,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { ScoutrError } from '../../../src/core/errors';
import type { Lookup } from '../../../src/core/permissions/roles';
import { AuthStore } from '../../../src/dynamo/auth';

// The auth cache (docs/reference/configuration.md#the-server AUTH_CACHE_SECONDS, the revocation delay): records and groups are read once per
// container per id, found or not, and served for `cacheSeconds`; then, up to twice that, served while one background
// read per id refreshes them; older, read again before answering. 0 reads them on every request.

const ddb = mockClient(DynamoDBClient);
const db = new DynamoDBClient({ region: 'us-east-1' });
afterAll(() => ddb.restore());

const tables = { auth: 'auth', groups: 'groups' };
const S = (s: string): AttributeValue => ({ S: s });
const L = (xs: string[]): AttributeValue => ({ L: xs.map(S) });
/** What the two tables hold; a test changes it to see whether a load reads it again. */
type Row = Record<string, AttributeValue>;
let stored: { auth: Map<string, Row>; groups: Map<string, Row> };
/** What a BatchGetItem waits for after reading `stored` (a slow or failing DynamoDB); resolved unless a test says. */
let gate: Promise<unknown>;

type Asked = { table: string; ids: string[] };
const keysOf = (input: BatchGetItemCommandInput): Asked[] =>
  Object.entries(input.RequestItems ?? {}).map(([table, req]) => ({
    table,
    ids: (req.Keys ?? []).map((k) => Object.values(k)[0]!.S!),
  }));
/** Every BatchGetItem sent: its table and the ids it asked for (a list of them for a call to both tables). */
const asked = (): (Asked | Asked[])[] =>
  ddb.commandCalls(BatchGetItemCommand).map((c) => {
    const each = keysOf(c.args[0].input as BatchGetItemCommandInput);
    return each.length === 1 ? each[0]! : each;
  });

beforeEach(() => {
  ddb.reset();
  stored = {
    auth: new Map<string, Row>([
      ['key-1', { id: S('key-1'), type: S('API_KEY'), groups: L(['readers']) }],
      ['ann', { id: S('ann'), type: S('USERNAME') }],
      ['vets', { id: S('vets'), type: S('OIDC_GROUP'), groups: L(['readers']) }],
    ]),
    groups: new Map<string, Row>([
      ['readers', { group_id: S('readers'), groups: L(['base']), exclude_fields: L(['cost']) }],
      ['base', { group_id: S('base') }],
    ]),
  };
  gate = Promise.resolve();
  // A fake BatchGetItem over `stored`: answers the keys it holds, as DynamoDB would, once `gate` lets it.
  ddb.on(BatchGetItemCommand).callsFake(async (input: BatchGetItemCommandInput) => {
    const found = keysOf(input).map(({ table, ids }) => [
      table,
      ids.map((id) => stored[table as keyof typeof stored].get(id)).filter((i) => i !== undefined),
    ]);
    await gate;
    return { Responses: Object.fromEntries(found) };
  });
});

/** A gate the test opens (or breaks) when it chooses. */
function held() {
  let open = () => {};
  let fail = (_err: Error) => {};
  const promise = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

function store(cacheSeconds: number) {
  const clock = { now: Date.parse('2025-01-01T00:00:00Z') };
  return { clock, auth: new AuthStore(db, tables, { cacheSeconds, now: () => clock.now }) };
}
const apiKey: Lookup = { kind: 'api_key', keyId: 'key-1' };
const ann: Lookup = { kind: 'user', userId: 'ann', groups: ['vets'] };
const ids = (loaded: Awaited<ReturnType<AuthStore['load']>>) => ({
  records: [...loaded.records.keys()],
  groups: [...loaded.groups.keys()].sort(),
});

it('reads the records, then one BatchGetItem per level of group inheritance', async () => {
  // Act
  const loaded = await store(10).auth.load(apiKey);
  // Assess
  expect(ids(loaded)).toEqual({ records: ['key-1'], groups: ['base', 'readers'] });
  expect(asked()).toEqual([
    { table: 'auth', ids: ['key-1'] },
    { table: 'groups', ids: ['readers'] },
    { table: 'groups', ids: ['base'] },
  ]);
});

it('answers a repeated load from the cache: no second call to DynamoDB', async () => {
  // Prepare
  const { auth, clock } = store(10);
  const first = await auth.load(apiKey);
  const calls = asked().length;
  // Act
  clock.now += 9_999;
  const again = await auth.load(apiKey);
  // Assess
  expect(asked()).toHaveLength(calls);
  expect(ids(again)).toEqual(ids(first));
  expect(again.groups.get('readers')).toEqual(first.groups.get('readers'));
});

it('shares cached groups between callers, and reads only what is not cached yet', async () => {
  // Prepare
  const { auth } = store(10);
  await auth.load(apiKey); // caches key-1, readers, base
  ddb.resetHistory();
  // Act
  const loaded = await auth.load(ann);
  // Assess: ann and vets are new; readers and base come from the cache
  expect(ids(loaded)).toEqual({ records: ['ann', 'vets'], groups: ['base', 'readers'] });
  expect(asked()).toEqual([{ table: 'auth', ids: ['ann', 'vets'] }]);
});

it('caches an id that has no record too, so unknown callers do not read the table on every request', async () => {
  // Prepare
  const { auth } = store(10);
  const nobody: Lookup = { kind: 'api_key', keyId: 'no-such-key' };
  await auth.load(nobody);
  // Act
  const again = await auth.load(nobody);
  // Assess
  expect([...again.records.keys()]).toEqual([]);
  expect(asked()).toEqual([{ table: 'auth', ids: ['no-such-key'] }]);
});

it('finds no record for an id longer than DynamoDB allows a key, without asking DynamoDB for it', async () => {
  // Prepare: a user header (or API key) of 2049 bytes, found by the fuzz suite as a 500 ValidationException
  const huge: Lookup = { kind: 'user', userId: 'é'.repeat(1025), groups: ['vets', 'k'.repeat(2049)] };
  // Act
  const loaded = await store(10).auth.load(huge);
  // Assess
  expect(ids(loaded)).toEqual({ records: ['vets'], groups: ['base', 'readers'] });
  expect(asked()).toEqual([
    { table: 'auth', ids: ['vets'] },
    { table: 'groups', ids: ['readers'] },
    { table: 'groups', ids: ['base'] },
  ]);
});

it('serves an entry past cacheSeconds at once and refreshes it in the background: then the change applies', async () => {
  // Prepare
  const { auth, clock } = store(10);
  await auth.load(apiKey);
  stored.auth.delete('key-1'); // the key is revoked
  ddb.resetHistory();
  // Act
  clock.now += 10_000; // exactly 10 s after the first read: stale
  const stale = await auth.load(apiKey);
  await auth.settled();
  const after = await auth.load(apiKey);
  // Assess: the stale load was answered from the cache; one refresh read key-1 and its stale groups, in one call
  expect(ids(stale).records).toEqual(['key-1']);
  expect(ids(after).records).toEqual([]);
  expect(asked()).toEqual([
    [
      { table: 'auth', ids: ['key-1'] },
      { table: 'groups', ids: ['readers', 'base'] },
    ],
  ]);
});

it('does not wait for the refresh: a load past cacheSeconds answers while DynamoDB has not', async () => {
  // Prepare
  const { auth, clock } = store(10);
  const first = await auth.load(apiKey);
  const slow = held();
  gate = slow.promise;
  ddb.resetHistory();
  // Act
  clock.now += 15_000;
  const stale = await auth.load(apiKey);
  // Assess
  expect(ids(stale)).toEqual(ids(first));
  expect(asked()).toHaveLength(1); // the refresh is in flight, unanswered
  slow.open();
  await auth.settled();
});

it('runs one refresh per id, however many loads find it stale meanwhile', async () => {
  // Prepare
  const { auth, clock } = store(10);
  await auth.load(apiKey);
  await auth.load(ann);
  const slow = held();
  gate = slow.promise;
  ddb.resetHistory();
  // Act
  clock.now += 12_000;
  await auth.load(apiKey);
  clock.now += 1_000;
  await auth.load(apiKey);
  await auth.load(ann); // its groups are readers and base too, already refreshing
  slow.open();
  await auth.settled();
  // Assess
  expect(asked()).toEqual([
    [
      { table: 'auth', ids: ['key-1'] },
      { table: 'groups', ids: ['readers', 'base'] },
    ],
    { table: 'auth', ids: ['ann', 'vets'] },
  ]);
});

it('reads an entry again before answering once it is twice cacheSeconds old', async () => {
  // Prepare: no load came while the entry was stale, so nothing refreshed it
  const { auth, clock } = store(10);
  await auth.load(apiKey);
  stored.auth.delete('key-1');
  ddb.resetHistory();
  // Act
  clock.now += 20_000;
  const expired = await auth.load(apiKey);
  // Assess: the revoked key is gone from this very answer
  expect(ids(expired).records).toEqual([]);
  expect(asked()).toEqual([{ table: 'auth', ids: ['key-1'] }]);
});

it("counts an entry's age from when its read began: a slow refresh extends nothing", async () => {
  // Prepare: a refresh begins at 10 s, reads the key as it was, and is answered only at 25 s
  const { auth, clock } = store(10);
  await auth.load(apiKey);
  const slow = held();
  gate = slow.promise;
  clock.now += 10_000;
  await auth.load(apiKey);
  stored.auth.delete('key-1'); // revoked while the refresh is in flight
  gate = Promise.resolve();
  clock.now += 15_000;
  slow.open();
  await auth.settled();
  ddb.resetHistory();
  // Act
  clock.now += 5_000; // 20 s after the refresh began, 5 s after it was answered
  const loaded = await auth.load(apiKey);
  // Assess
  expect(ids(loaded).records).toEqual([]);
  expect(asked()).toEqual([{ table: 'auth', ids: ['key-1'] }]);
});

it('drops the entries of a failed refresh: the next load reads them before answering', async () => {
  // Prepare
  const { auth, clock } = store(10);
  await auth.load(apiKey);
  const broken = held();
  gate = broken.promise;
  clock.now += 10_000;
  await auth.load(apiKey); // starts the refreshes, which fail
  broken.fail(Object.assign(new Error('Throughput exceeds the current capacity'), { name: 'ThrottlingException' }));
  await auth.settled();
  gate = Promise.resolve();
  stored.auth.delete('key-1');
  ddb.resetHistory();
  // Act
  clock.now += 1_000; // under 2 × cacheSeconds: only the failure sends the load to DynamoDB
  const loaded = await auth.load(apiKey);
  // Assess: nothing stale was served after the failure
  expect(ids(loaded)).toEqual({ records: [], groups: [] });
  expect(asked()).toEqual([{ table: 'auth', ids: ['key-1'] }]);
});

it('answers AUTH_CONFIG on the next load once a refresh finds a record that no longer validates', async () => {
  // Prepare
  const { auth, clock } = store(10);
  await auth.load(apiKey);
  stored.auth.set('key-1', { id: S('key-1'), type: S('API_KEY'), exclude_field: L(['cost']) }); // misspelt
  clock.now += 10_000;
  const stale = await auth.load(apiKey); // served as cached; its refresh fails to parse key-1
  await auth.settled();
  // Act
  const next = await auth.load(apiKey).catch((e: unknown) => e);
  // Assess
  expect(ids(stale).records).toEqual(['key-1']);
  expect(next).toMatchObject({ code: 'AUTH_CONFIG' });
});

it('refreshes groups on the same clock as records', async () => {
  // Prepare
  const { auth, clock } = store(10);
  await auth.load(apiKey);
  stored.groups.set('readers', { group_id: S('readers'), exclude_fields: L(['cost', 'supplier']) });
  ddb.resetHistory();
  // Act
  clock.now += 10_000;
  const stale = await auth.load(apiKey);
  await auth.settled();
  const loaded = await auth.load(apiKey);
  // Assess
  expect(stale.groups.get('readers')?.exclude_fields).toEqual(['cost']);
  expect(loaded.groups.get('readers')?.exclude_fields).toEqual(['cost', 'supplier']);
  expect(asked()).toEqual([
    [
      { table: 'auth', ids: ['key-1'] },
      { table: 'groups', ids: ['readers', 'base'] },
    ],
  ]);
});

it('reads on every load when cacheSeconds is 0', async () => {
  // Prepare
  const { auth } = store(0);
  // Act
  await auth.load(apiKey);
  await auth.load(apiKey);
  // Assess
  expect(asked().filter((a) => !Array.isArray(a) && a.table === 'auth')).toHaveLength(2);
  expect(asked()).toHaveLength(6);
});

it('keeps at most 10,000 ids: past that the cache starts over', async () => {
  // Prepare: 10,001 distinct unknown ids fill the cache past its bound
  const { auth } = store(10);
  await auth.load(apiKey);
  for (let i = 0; i < 100; i++) {
    await auth.load({ kind: 'user', userId: `u-${i}`, groups: Array.from({ length: 99 }, (_, j) => `g-${i}-${j}`) });
  }
  ddb.resetHistory();
  // Act
  await auth.load(apiKey);
  // Assess: key-1 was dropped with the rest and is read again (its groups are in the other, smaller cache)
  expect(asked()).toEqual([{ table: 'auth', ids: ['key-1'] }]);
});

it('does not cache a record that fails validation: it is AUTH_CONFIG on every request until fixed', async () => {
  // Prepare
  stored.auth.set('key-1', { id: S('key-1'), type: S('API_KEY'), exclude_field: L(['cost']) }); // misspelt
  const { auth } = store(10);
  // Act
  const first = await auth.load(apiKey).catch((e: unknown) => e);
  stored.auth.set('key-1', { id: S('key-1'), type: S('API_KEY') }); // fixed
  const second = await auth.load(apiKey);
  // Assess
  expect(first).toBeInstanceOf(ScoutrError);
  expect(first).toMatchObject({ code: 'AUTH_CONFIG' });
  expect(ids(second).records).toEqual(['key-1']);
});
