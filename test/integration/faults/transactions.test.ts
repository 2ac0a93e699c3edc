// Transactions cancelled midway, through HTTP on DynamoDB Local, on the recipes example (item roles and a grants
// table): a change's item, its grants rows and its audit record are one TransactWriteItems (docs/reference/audit.md#the-audit-record, docs/reference/item-roles.md#storage-and-atomicity), so a
// cancellation leaves all of them as they were, and a cancellation caused by a concurrent change is retried on a
// fresh read and ends with both changes applied.
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { MAX_ATTEMPTS } from '../../../src/engine/write/retry';
import { localDb } from '../../support/db';
import { as } from '../../support/harness';
import { recipesTests } from '../grants/recipes';
import { type Row, scanAudit, snapshot, storedItem } from '../write/support';
import { type Injected, injectFault, rewriteInput } from './support';

jest.setTimeout(60_000);

const db = localDb(); // the runtime's client, where the faults go
let faults: Injected[] = [];
const { h, call, newRecipe, grantRowsOf } = recipesTests(['user1', 'user2', 'user3'], { overrides: { db } });
afterEach(() => {
  for (const f of faults) f.remove();
  faults = [];
});
afterAll(() => db.destroy());
const recordsOf = async (id: string) =>
  (await scanAudit(h)).filter((r) => r.history_key === id).sort((a, b) => Number(a.version) - Number(b.version));

/** The four writes of the recipes app, each one TransactWriteItems of the item, grants rows and audit record. */
const WRITES: { what: string; run: (id: string) => ReturnType<typeof call> }[] = [
  { what: 'a create', run: () => call('user1', 'POST', '/recipe', { title: 'new', ingredients: [] }) },
  { what: 'an update', run: (id) => call('user1', 'PATCH', `/recipe/${id}`, { title: 'changed' }) },
  { what: 'a delete', run: (id) => call('user1', 'DELETE', `/recipe/${id}`) },
  { what: 'a grant', run: (id) => call('user1', 'POST', `/recipe/${id}/grants`, { user: 'user2', grants: ['edit'] }) },
];

const canceled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
    CancellationReasons: codes.map((Code) => ({ Code })),
    $metadata: { httpStatusCode: 400 },
  });

/** A ConditionCheck DynamoDB will fail, put second in the transaction: DynamoDB cancels it midway, for real. */
const failMidway = (times?: number) =>
  rewriteInput(db, {
    command: 'TransactWriteItemsCommand',
    ...(times === undefined ? {} : { times }),
    change: (input) => {
      const items = input.TransactItems as unknown[];
      items.splice(1, 0, {
        ConditionCheck: {
          TableName: h.tables.data,
          Key: { id: { S: 'no-such-recipe' } },
          ConditionExpression: 'attribute_exists(id)',
        },
      });
    },
  });

describe.each(WRITES)('$what', ({ run }) => {
  it('cancelled by DynamoDB midway, on every attempt: 409 CONFLICT, and item, grants rows and audit untouched', async () => {
    // Prepare
    const id = await newRecipe();
    const before = await snapshot(h);
    const midway = failMidway();
    faults.push(midway);
    // Act
    const res = await run(id);
    // Assess
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ error: expect.any(String), code: 'CONFLICT' });
    expect(midway.attempts).toBe(MAX_ATTEMPTS); // each a transaction DynamoDB evaluated and cancelled
    expect(await snapshot(h)).toEqual(before);
  });

  it('cancelled for a reason that is no race: 500 INTERNAL without SDK text, and nothing written', async () => {
    // Prepare
    const id = await newRecipe();
    const before = await snapshot(h);
    const fault = injectFault(db, {
      command: 'TransactWriteItemsCommand',
      error: () => canceled('None', 'ValidationError', 'None'),
    });
    faults.push(fault);
    // Act
    const res = await run(id);
    // Assess
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: 'Internal error', code: 'INTERNAL' });
    expect(fault.attempts).toBe(1);
    expect(await snapshot(h)).toEqual(before);
  });

  it('cancelled as throttled: 429 THROTTLED with Retry-After, and nothing written', async () => {
    // Prepare
    const id = await newRecipe();
    const before = await snapshot(h);
    faults.push(
      injectFault(db, { command: 'TransactWriteItemsCommand', error: () => canceled('None', 'ThrottlingError') }),
    );
    // Act
    const res = await run(id);
    // Assess
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(res.body).toMatchObject({ code: 'THROTTLED' });
    expect(await snapshot(h)).toEqual(before);
  });
});

it('retries a transaction DynamoDB cancelled midway once, and commits item, grants rows and one audit record', async () => {
  // Prepare
  const id = await newRecipe();
  const midway = failMidway(1);
  faults.push(midway);
  // Act
  const res = await call('user1', 'POST', `/recipe/${id}/grants`, { user: 'user2', grants: ['view'] });
  // Assess
  expect(res.status).toBe(200);
  expect(midway.attempts).toBe(2);
  expect((await storedItem(h, id))!._acl).toEqual({ own: ['user1'], edit: ['user1'], view: ['user1', 'user2'] });
  expect(await grantRowsOf(id)).toEqual([
    { principal: 'user1', item_key: id, roles: ['edit', 'own', 'view'] },
    { principal: 'user2', item_key: id, roles: ['view'] },
  ]);
  expect((await recordsOf(id)).map((r) => r.action)).toEqual(['CREATE', 'GRANT']);
});

describe('a genuine cancellation: another process changes the item between this one’s read and its write', () => {
  /** Runs `between` (through the peer, another container) before this server's next transaction, once. */
  const beforeNextTransaction = (between: () => Promise<unknown>) => {
    const race = rewriteInput(db, {
      command: 'TransactWriteItemsCommand',
      times: 1,
      change: async () => void (await between()),
    });
    faults.push(race);
    return race;
  };

  it('an update retried on a fresh read keeps both changes, with consecutive versions and two audit records', async () => {
    // Prepare
    const id = await newRecipe();
    const peer = await h.peer();
    const race = beforeNextTransaction(async () => {
      const res = await peer.request('PATCH', `/recipe/${id}`, {
        headers: as.user('user1'),
        body: { ingredients: ['salt'] },
      });
      expect(res.status).toBe(200);
    });
    // Act
    const res = await call('user1', 'PATCH', `/recipe/${id}`, { title: 'changed' });
    // Assess
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id, title: 'changed', ingredients: ['salt'] });
    expect(race.attempts).toBe(2); // cancelled by DynamoDB (the version changed), then committed
    const records = await recordsOf(id);
    expect(records.map((r) => r.action)).toEqual(['CREATE', 'UPDATE', 'UPDATE']);
    expect(records.map((r) => r.version)).toEqual([1, 2, 3].map((n) => (records[0]!.version as number) + n - 1));
    expect(records[2]!.item).toEqual({ id, title: 'changed', ingredients: ['salt'] });
  });

  it('concurrent grants to two users both land, in _acl and in the grants table', async () => {
    // Prepare
    const id = await newRecipe();
    const peer = await h.peer();
    beforeNextTransaction(async () => {
      const body = { user: 'user3', grants: ['view'] };
      const res = await peer.request('POST', `/recipe/${id}/grants`, { headers: as.user('user1'), body });
      expect(res.status).toBe(200);
    });
    // Act
    const res = await call('user1', 'POST', `/recipe/${id}/grants`, { user: 'user2', grants: ['edit'] });
    // Assess
    expect(res.status).toBe(200);
    // the recipes app declares no `implies`: edit is granted alone, beside the peer's view
    expect(res.body).toEqual({ own: ['user1'], edit: ['user1', 'user2'], view: ['user1', 'user3'] });
    expect((await storedItem(h, id))!._acl).toEqual({
      own: ['user1'],
      edit: ['user1', 'user2'],
      view: ['user1', 'user3'],
    });
    expect((await grantRowsOf(id)).map((r: Row) => [r.principal, r.roles])).toEqual([
      ['user1', ['edit', 'own', 'view']],
      ['user2', ['edit']],
      ['user3', ['view']],
    ]);
    expect((await recordsOf(id)).map((r) => r.action)).toEqual(['CREATE', 'GRANT', 'GRANT']);
  });

  it('a delete retried after a concurrent grant removes the item and every grants row, audited once', async () => {
    // Prepare
    const id = await newRecipe();
    const peer = await h.peer();
    beforeNextTransaction(async () => {
      const body = { user: 'user2', grants: ['view'] };
      const res = await peer.request('POST', `/recipe/${id}/grants`, { headers: as.user('user1'), body });
      expect(res.status).toBe(200);
    });
    // Act
    const res = await call('user1', 'DELETE', `/recipe/${id}`);
    // Assess
    expect(res.status).toBe(200);
    expect(await storedItem(h, id)).toBeUndefined();
    expect(await grantRowsOf(id)).toEqual([]);
    const records = await recordsOf(id);
    expect(records.map((r) => r.action)).toEqual(['CREATE', 'GRANT', 'DELETE']);
    expect(records[2]!.item).toBeNull();
  });
});
