import { BatchGetItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import type { Caller } from '../../../src/core/caller';
import { resolveRoles } from '../../../src/core/permissions/resolve';
import { AuthStore } from '../../../src/dynamo/auth';
import { expectAuthConfig } from '../../support/errors';

// AuthStore.load with DEFAULT_ROLE / ANONYMOUS_ROLE (docs/reference/permissions.md#roles): the named ROLE record comes in the same
// BatchGetItem as the caller's own records, and through the same cache; core's resolveRoles makes the roles.

const user = (id: string, groups: string[] = []): Caller => ({ kind: 'oidc', id, groups });
const anonymous: Caller = { kind: 'anonymous', groups: [] };
const roleIds = (r: ReturnType<typeof resolveRoles>) => r.roles.map((role) => role.id);

const ddb = mockClient(DynamoDBClient);
const tables = { auth: 'auth', groups: 'groups' };
const records: Record<string, Record<string, unknown>> = {
  ann: { id: { S: 'ann' }, type: { S: 'USERNAME' } },
  staff: { id: { S: 'staff' }, type: { S: 'OIDC_GROUP' } },
  'signed-in': { id: { S: 'signed-in' }, type: { S: 'ROLE' }, groups: { L: [{ S: 'base' }] } },
  public: { id: { S: 'public' }, type: { S: 'ROLE' } },
};
const groupItems: Record<string, Record<string, unknown>> = { base: { group_id: { S: 'base' } } };

beforeEach(() => {
  ddb.reset();
  ddb
    .on(BatchGetItemCommand)
    .callsFake((input: { RequestItems: Record<string, { Keys: Record<string, { S: string }>[] }> }) => {
      const [table, { Keys }] = Object.entries(input.RequestItems)[0]!;
      const source = table === 'auth' ? records : groupItems;
      const items = Keys.map((k) => source[Object.values(k)[0]!.S]).filter(Boolean);
      return { Responses: { [table]: items } };
    });
});
const store = (cacheSeconds = 0) => new AuthStore(new DynamoDBClient({}), tables, { cacheSeconds, now: () => 0 });
const authKeys = (call: number) =>
  (ddb.commandCalls(BatchGetItemCommand)[call]!.args[0].input.RequestItems!.auth!.Keys ?? []).map((k) => k.id!.S);

it("reads DEFAULT_ROLE's record in the BatchGetItem of the caller's records, then its groups", async () => {
  // Act
  const loaded = await store().load({ kind: 'user', userId: 'ann', groups: ['staff'] }, undefined, {
    setting: 'DEFAULT_ROLE',
    id: 'signed-in',
  });
  // Assess
  expect(authKeys(0)).toEqual(['ann', 'staff', 'signed-in']);
  expect(ddb).toHaveReceivedCommandTimes(BatchGetItemCommand, 2); // the records, then the group level
  expect([...loaded.records.keys()]).toEqual(['ann', 'staff', 'signed-in']);
  expect([...loaded.groups.keys()]).toEqual(['base']);
  const resolved = resolveRoles(user('ann', ['staff']), loaded, { defaultRole: 'signed-in', anonymousRole: undefined });
  expect(roleIds(resolved)).toEqual(['ann', 'staff', 'signed-in']);
});

it('reads only the ANONYMOUS_ROLE record for a request without an identity', async () => {
  // Act
  const loaded = await store().load(undefined, undefined, { setting: 'ANONYMOUS_ROLE', id: 'public' });
  // Assess
  expect(authKeys(0)).toEqual(['public']);
  expect([...loaded.records.keys()]).toEqual(['public']);
  const resolved = resolveRoles(anonymous, loaded, { defaultRole: undefined, anonymousRole: 'public' });
  expect({ roles: roleIds(resolved), ignored: resolved.ignored }).toEqual({ roles: ['public'], ignored: [] });
});

it('reads an id once when the setting names a record the lookup also asks for', async () => {
  // Act: a user named like the role does not get it as their own record, but the setting still gives it
  const loaded = await store().load({ kind: 'user', userId: 'signed-in', groups: [] }, undefined, {
    setting: 'DEFAULT_ROLE',
    id: 'signed-in',
  });
  // Assess
  expect(authKeys(0)).toEqual(['signed-in']);
  const resolved = resolveRoles(user('signed-in'), loaded, { defaultRole: 'signed-in', anonymousRole: undefined });
  expect(resolved.ignored).toEqual([{ id: 'signed-in', type: 'ROLE', wanted: 'USERNAME' }]);
  expect(resolved.roles.map((r) => [r.id, r.type])).toEqual([['signed-in', 'ROLE']]);
});

it('serves the role record from the cache while it is warm', async () => {
  // Prepare
  const cached = store(10);
  const named = { setting: 'ANONYMOUS_ROLE', id: 'public' } as const;
  // Act
  await cached.load(undefined, undefined, named);
  await cached.load(undefined, undefined, named);
  // Assess
  expect(ddb).toHaveReceivedCommandTimes(BatchGetItemCommand, 1);
});

it('fails with AUTH_CONFIG when the setting names a record that is not a ROLE', async () => {
  // Act
  const loaded = await store().load(undefined, undefined, { setting: 'ANONYMOUS_ROLE', id: 'ann' });
  // Assess
  expectAuthConfig(() => resolveRoles(anonymous, loaded, { defaultRole: undefined, anonymousRole: 'ann' }), 'ann');
});
