// biome-ignore-all lint/suspicious/noTemplateCurlyInString: auth records name the caller with the literal text ${user.id}
import type { Caller } from '../../../../src/core/caller';
import { matches } from '../../../../src/core/filter/evaluate';
import type { AuthRecord, GroupRecord } from '../../../../src/core/permissions/record';
import {
  buildRole,
  endpointPattern,
  lookupIds,
  lookupOf,
  namedRoleFor,
  selectNamedRole,
  selectRecords,
  withRecordIdentity,
} from '../../../../src/core/permissions/roles';
import type { Item } from '../../../../src/core/values';
import { expectAuthConfig } from '../../../support/errors';

const caller: Caller = { kind: 'jwt', id: 'u-1', username: 'ann', groups: [] };
const groupsOf = (...groups: GroupRecord[]) => new Map(groups.map((g) => [g.group_id, g]));
const SECRET = 'secret-record-name';
const record = (fields: Partial<AuthRecord> = {}): AuthRecord => ({ id: SECRET, type: 'USERNAME', ...fields });

describe('endpointPattern', () => {
  it.each([
    { endpoint: '^/items$', path: '/items', want: true },
    { endpoint: '/items', path: '/items', want: true },
    { endpoint: '^/items', path: '/items/x', want: false }, // Scoutr 1.2.1 matched prefixes
    { endpoint: '/items', path: '/itemsx', want: false },
    { endpoint: '/items', path: '/x/items', want: false },
    { endpoint: '/items/.*', path: '/items/x', want: true },
    { endpoint: '^/items.*', path: '/items/x', want: true },
    { endpoint: '/item/[^/]+', path: '/item/1', want: true },
    { endpoint: '/item/[^/]+', path: '/item/1/x', want: false },
    { endpoint: '/a|/items', path: '/items', want: true },
    { endpoint: '/a|/items', path: '/items/x', want: false }, // the alternation is grouped, then anchored
    { endpoint: '/a|/items', path: '/ab', want: false },
    { endpoint: '/items/\\p{L}+', path: '/items/é', want: true }, // the u flag
    { endpoint: '/items/\\d+', path: '/items/12', want: true },
  ])('$endpoint accepts $path: $want', ({ endpoint, path, want }) => {
    expect(endpointPattern(endpoint, 'record r').test(path)).toBe(want);
  });

  it.each([
    { endpoint: '(?P<name>x)', why: 'Python named groups' },
    { endpoint: '[', why: 'an unclosed class' },
    { endpoint: '(', why: 'an unclosed group' },
    { endpoint: '\\q', why: 'an unknown escape under the u flag' },
  ])('rejects $why as AUTH_CONFIG', ({ endpoint }) => {
    expectAuthConfig(() => endpointPattern(endpoint, `record ${SECRET}`), SECRET);
  });
});

describe('buildRole', () => {
  it('merges a record with its groups, recursively: endpoints, exclusions and restrictions are unions', () => {
    const role = buildRole(
      record({
        groups: ['readers'],
        permitted_endpoints: [{ method: 'get', endpoint: '/user' }],
        exclude_fields: ['secret'],
        update_fields_restricted: ['owner'],
      }),
      'USERNAME',
      groupsOf(
        {
          group_id: 'readers',
          groups: ['base'],
          permitted_endpoints: [{ method: 'GET', endpoint: '/items' }],
          exclude_fields: ['meta.internal', 'secret'],
        },
        {
          group_id: 'base',
          permitted_endpoints: [{ method: '*', endpoint: '/item/.*' }],
          update_fields_restricted: ['created'],
          explain: true,
        },
      ),
      caller,
    );
    expect(role.id).toBe(SECRET);
    expect(role.type).toBe('USERNAME');
    expect(role.groups).toEqual(['base', 'readers']);
    expect(role.endpoints.map(({ method, endpoint, from }) => ({ method, endpoint, from }))).toEqual([
      { method: 'GET', endpoint: '/user', from: `record ${SECRET}` },
      { method: '*', endpoint: '/item/.*', from: 'group base' },
      { method: 'GET', endpoint: '/items', from: 'group readers' },
    ]);
    expect(role.exclude.sort()).toEqual(['meta.internal', 'secret']);
    expect(role.restricted.sort()).toEqual(['created', 'owner']);
    expect(role.permitted).toBeUndefined();
    expect(role.explain).toBe(true);
    expect(role.filters).toEqual({ read: true, create: true, update: true, updateCheck: true, delete: true });
  });

  it('leaves permitted undefined without any list, and unions the lists that exist', () => {
    const groups = groupsOf({ group_id: 'g', update_fields_permitted: ['b'] }, { group_id: 'h' });
    expect(buildRole(record({ groups: ['h'] }), 'USERNAME', groups, caller).permitted).toBeUndefined();
    expect(
      buildRole(
        record({ groups: ['g', 'h'], update_fields_permitted: ['a'] }),
        'USERNAME',
        groups,
        caller,
      ).permitted?.sort(),
    ).toEqual(['a', 'b']);
    expect(buildRole(record({ update_fields_permitted: [] }), 'USERNAME', groups, caller).permitted).toEqual([]);
  });

  it('is not explainable unless some part says explain: true', () => {
    expect(buildRole(record({ explain: false }), 'USERNAME', new Map(), caller).explain).toBe(false);
  });

  it("ANDs a role's filters: filter_fields for every action, and each action's own filters, over all groups", () => {
    const role = buildRole(
      record({
        groups: ['team'],
        filter_fields: [{ field: 'owner', value: '${user.id}' }],
        update_filters: [{ field: 'locked', operator: 'ne', value: true }],
      }),
      'USERNAME',
      groupsOf({ group_id: 'team', read_filters: [{ field: 'status', value: 'Active' }] }),
      caller,
    );
    const owner = { op: 'eq', field: 'owner', value: { S: 'u-1' } };
    const active = { op: 'eq', field: 'status', value: { S: 'Active' } };
    const unlocked = { op: 'ne', field: 'locked', value: { BOOL: true } };
    expect(role.filters).toEqual({
      read: { op: 'and', children: [owner, active] },
      create: owner,
      update: { op: 'and', children: [owner, unlocked] },
      updateCheck: { op: 'and', children: [owner, unlocked] }, // no update_check_filters: the update filters
      delete: owner,
    });
    const mine: Item = { owner: { S: 'u-1' }, status: { S: 'Active' } };
    const theirs: Item = { owner: { S: 'u-2' }, status: { S: 'Active' } };
    expect(matches(role.filters.read, mine)).toBe(true);
    expect(matches(role.filters.read, theirs)).toBe(false);
    expect(matches(role.filters.read, { owner: { S: 'u-1' }, status: { S: 'Gone' } })).toBe(false);
  });

  it('makes a filter on a caller attribute the caller lacks match nothing', () => {
    const role = buildRole(
      record({ read_filters: [{ field: 'owner', value: '${user.email}' }] }),
      'USERNAME',
      new Map(),
      caller,
    );
    expect(role.filters.read).toBe(false);
  });

  it('inherits a group reached twice only once (a diamond is not a cycle)', () => {
    const role = buildRole(
      record({ groups: ['left', 'right'] }),
      'USERNAME',
      groupsOf(
        { group_id: 'left', groups: ['shared'] },
        { group_id: 'right', groups: ['shared'] },
        { group_id: 'shared', permitted_endpoints: [{ method: 'GET', endpoint: '/items' }] },
      ),
      caller,
    );
    expect(role.groups.sort()).toEqual(['left', 'right', 'shared']);
    expect(role.endpoints).toHaveLength(1);
  });

  it.each([
    { method: 'get', want: 'GET' },
    { method: 'Post', want: 'POST' },
    { method: '*', want: '*' },
    { method: 'DELETE', want: 'DELETE' },
    { method: 'patch', want: 'PATCH' },
    { method: 'put', want: 'PUT' },
  ])('accepts the method $method as $want', ({ method, want }) => {
    const role = buildRole(
      record({ permitted_endpoints: [{ method, endpoint: '/x' }] }),
      'USERNAME',
      new Map(),
      caller,
    );
    expect(role.endpoints[0]?.method).toBe(want);
  });

  it.each<{ why: string; build: () => unknown; logged?: string }>([
    {
      why: 'an unknown group',
      build: () => buildRole(record({ groups: ['nope'] }), 'USERNAME', new Map(), caller),
    },
    {
      why: 'an unknown group further down',
      logged: 'group g',
      build: () =>
        buildRole(record({ groups: ['g'] }), 'USERNAME', groupsOf({ group_id: 'g', groups: ['nope'] }), caller),
    },
    {
      why: 'a group that includes itself',
      logged: 'group g',
      build: () => buildRole(record({ groups: ['g'] }), 'USERNAME', groupsOf({ group_id: 'g', groups: ['g'] }), caller),
    },
    {
      why: 'a cycle of groups',
      logged: 'a → b → c → a',
      build: () =>
        buildRole(
          record({ groups: ['a'] }),
          'USERNAME',
          groupsOf(
            { group_id: 'a', groups: ['b'] },
            { group_id: 'b', groups: ['c'] },
            { group_id: 'c', groups: ['a'] },
          ),
          caller,
        ),
    },
    {
      why: 'an invalid method',
      build: () =>
        buildRole(
          record({ permitted_endpoints: [{ method: 'FETCH', endpoint: '/x' }] }),
          'USERNAME',
          new Map(),
          caller,
        ),
    },
    {
      why: 'an empty method',
      build: () =>
        buildRole(record({ permitted_endpoints: [{ method: '', endpoint: '/x' }] }), 'USERNAME', new Map(), caller),
    },
    {
      why: 'an invalid regex',
      build: () =>
        buildRole(
          record({ permitted_endpoints: [{ method: 'GET', endpoint: '/items/(?P<id>.+)' }] }),
          'USERNAME',
          new Map(),
          caller,
        ),
    },
    {
      why: 'an invalid regex in a group',
      logged: 'group g',
      build: () =>
        buildRole(
          record({ groups: ['g'] }),
          'USERNAME',
          groupsOf({ group_id: 'g', permitted_endpoints: [{ method: 'GET', endpoint: '(?P<id>.+)' }] }),
          caller,
        ),
    },
    {
      why: 'an unknown filter operator',
      build: () =>
        buildRole(
          record({ read_filters: [{ field: 'a', operator: 'like', value: 'x' }] }),
          'USERNAME',
          new Map(),
          caller,
        ),
    },
    {
      why: 'an unknown filter operator in a group',
      logged: 'group g',
      build: () =>
        buildRole(
          record({ groups: ['g'] }),
          'USERNAME',
          groupsOf({ group_id: 'g', delete_filters: [{ field: 'a', operator: 'like', value: 'x' }] }),
          caller,
        ),
    },
  ])('fails with AUTH_CONFIG on $why, without naming the record in the answer', ({ build, logged }) => {
    expectAuthConfig(build, SECRET, logged);
  });
});

describe('selectRecords', () => {
  const found = new Map<string, AuthRecord>([
    ['key-1', { id: 'key-1', type: 'API_KEY' }],
    ['ann', { id: 'ann', type: 'USERNAME' }],
    ['admins', { id: 'admins', type: 'OIDC_GROUP' }],
    ['staff', { id: 'staff', type: 'OIDC_GROUP' }],
    ['untyped', { id: 'untyped' }],
    ['odd', { id: 'odd', type: 'SOMETHING' }],
    ['public', { id: 'public', type: 'ROLE' }],
  ]);
  const ids = (s: ReturnType<typeof selectRecords>) => s.applicable.map((a) => `${a.type}:${a.record.id}`);

  it('gives an API key lookup only API_KEY records', () => {
    expect(ids(selectRecords({ kind: 'api_key', keyId: 'key-1' }, found))).toEqual(['API_KEY:key-1']);
    const asKey = selectRecords({ kind: 'api_key', keyId: 'ann' }, found);
    expect(asKey.applicable).toEqual([]);
    expect(asKey.ignored).toEqual([{ id: 'ann', type: 'USERNAME', wanted: 'API_KEY' }]);
  });

  it('gives a user their USERNAME record plus the OIDC_GROUP records of their groups', () => {
    const selected = selectRecords({ kind: 'user', userId: 'ann', groups: ['admins', 'staff', 'missing'] }, found);
    expect(ids(selected)).toEqual(['USERNAME:ann', 'OIDC_GROUP:admins', 'OIDC_GROUP:staff']);
    expect(selected.ignored).toEqual([]);
  });

  it("never gives a user named like a group the group's record", () => {
    const selected = selectRecords({ kind: 'user', userId: 'admins', groups: [] }, found);
    expect(selected.applicable).toEqual([]);
    expect(selected.ignored).toEqual([{ id: 'admins', type: 'OIDC_GROUP', wanted: 'USERNAME' }]);
    const alsoInGroup = selectRecords({ kind: 'user', userId: 'admins', groups: ['admins'] }, found);
    expect(ids(alsoInGroup)).toEqual(['OIDC_GROUP:admins']);
  });

  it("never gives a group claim named like a user the user's record", () => {
    const selected = selectRecords({ kind: 'user', userId: 'bob', groups: ['ann', 'key-1'] }, found);
    expect(selected.applicable).toEqual([]);
    expect(selected.ignored.map((i) => i.id)).toEqual(['ann', 'key-1']);
  });

  it('ignores records without a type or with an unknown type', () => {
    const selected = selectRecords({ kind: 'user', userId: 'untyped', groups: ['odd'] }, found);
    expect(selected.applicable).toEqual([]);
    expect(selected.ignored).toEqual([
      { id: 'untyped', type: undefined, wanted: 'USERNAME' },
      { id: 'odd', type: 'SOMETHING', wanted: 'OIDC_GROUP' },
    ]);
    expect(selectRecords({ kind: 'api_key', keyId: 'untyped' }, found).applicable).toEqual([]);
  });

  it.each([
    { who: 'an API key id', lookup: { kind: 'api_key', keyId: 'public' } as const, wanted: 'API_KEY' },
    { who: 'a user id', lookup: { kind: 'user', userId: 'public', groups: [] } as const, wanted: 'USERNAME' },
    { who: 'a group claim', lookup: { kind: 'user', userId: 'x', groups: ['public'] } as const, wanted: 'OIDC_GROUP' },
  ])('never gives $who named like a ROLE record that record', ({ lookup, wanted }) => {
    const selected = selectRecords(lookup, found);
    expect(selected.applicable).toEqual([]);
    expect(selected.ignored).toEqual([{ id: 'public', type: 'ROLE', wanted }]);
  });

  it('counts a repeated group claim once', () => {
    expect(ids(selectRecords({ kind: 'user', userId: 'x', groups: ['staff', 'staff'] }, found))).toEqual([
      'OIDC_GROUP:staff',
    ]);
  });
});

describe('lookupOf and lookupIds', () => {
  it('looks up an API key by its id, and a user by id and group claims', () => {
    expect(lookupOf({ kind: 'api_key', id: 'k', groups: [] })).toEqual({ kind: 'api_key', keyId: 'k' });
    const user = lookupOf({ kind: 'oidc', id: 'u', groups: ['g', 'u', 'g'] });
    expect(user).toEqual({ kind: 'user', userId: 'u', groups: ['g', 'u', 'g'] });
    expect(lookupIds(user!)).toEqual(['u', 'g']);
  });

  it('has nothing to look up for an anonymous caller', () => {
    expect(lookupOf({ kind: 'anonymous', groups: [] })).toBeUndefined();
  });
});

describe('withRecordIdentity', () => {
  const keyRecord: AuthRecord = {
    id: 'k',
    type: 'API_KEY',
    username: 'svc',
    email: 'svc@example.com',
    name: 'Service',
  };
  it("takes an API key caller's username, email and name from its record", () => {
    const keyCaller: Caller = { kind: 'api_key', id: 'k', groups: [] };
    expect(
      withRecordIdentity(keyCaller, { applicable: [{ record: keyRecord, type: 'API_KEY' }], ignored: [] }),
    ).toEqual({
      ...keyCaller,
      username: 'svc',
      email: 'svc@example.com',
      name: 'Service',
    });
  });

  it('leaves a user identity as the identity provider gave it', () => {
    const user: Caller = { kind: 'jwt', id: 'k', username: 'from-jwt', groups: [] };
    expect(withRecordIdentity(user, { applicable: [{ record: keyRecord, type: 'API_KEY' }], ignored: [] })).toBe(user);
  });
});

describe('namedRoleFor', () => {
  const both = { defaultRole: 'signed-in', anonymousRole: 'public' };
  const key = { kind: 'api_key', keyId: 'k' } as const;
  const user = { kind: 'user', userId: 'u', groups: ['g'] } as const;
  it.each([
    { who: 'an API key caller', lookup: key, settings: both, want: { setting: 'DEFAULT_ROLE', id: 'signed-in' } },
    { who: 'a user', lookup: user, settings: both, want: { setting: 'DEFAULT_ROLE', id: 'signed-in' } },
    { who: 'no identity', lookup: undefined, settings: both, want: { setting: 'ANONYMOUS_ROLE', id: 'public' } },
    {
      who: 'a user, without DEFAULT_ROLE',
      lookup: user,
      settings: { defaultRole: undefined, anonymousRole: 'public' },
      want: undefined,
    },
    {
      who: 'no identity, without ANONYMOUS_ROLE',
      lookup: undefined,
      settings: { defaultRole: 'signed-in', anonymousRole: undefined },
      want: undefined,
    },
  ])('gives $who: $want', ({ lookup, settings, want }) => {
    expect(namedRoleFor(lookup, settings)).toEqual(want);
  });
});

describe('selectNamedRole', () => {
  const found = new Map<string, AuthRecord>([
    ['public', { id: 'public', type: 'ROLE', read_filters: [] }],
    ['ann', { id: 'ann', type: 'USERNAME' }],
    ['untyped', { id: 'untyped' }],
  ]);

  it('selects the ROLE record a setting names', () => {
    expect(selectNamedRole({ setting: 'ANONYMOUS_ROLE', id: 'public' }, found)).toEqual({
      record: found.get('public'),
      type: 'ROLE',
    });
  });

  it.each([
    { what: 'a missing record', id: 'gone', logged: 'ANONYMOUS_ROLE names auth record gone, which does not exist' },
    { what: 'a USERNAME record', id: 'ann', logged: 'of type USERNAME, not ROLE' },
    { what: 'a record without a type', id: 'untyped', logged: 'of type (none), not ROLE' },
  ])('refuses $what as AUTH_CONFIG, naming it only in the log', ({ id, logged }) => {
    expectAuthConfig(() => selectNamedRole({ setting: 'ANONYMOUS_ROLE', id }, found), id, logged);
  });

  it('names the setting in the log', () => {
    expectAuthConfig(() => selectNamedRole({ setting: 'DEFAULT_ROLE', id: 'ann' }, found), 'ann', 'DEFAULT_ROLE');
  });
});

describe('a ROLE record as a role', () => {
  it('merges like any record and names no one: ${user.id} in it matches nothing for an anonymous caller', () => {
    // Prepare
    const role = buildRole(
      { id: 'public', type: 'ROLE', read_filters: [{ field: 'owner', value: '${user.id}' }] },
      'ROLE',
      groupsOf(),
      { kind: 'anonymous', groups: [] },
    );
    // Assess
    expect(role).toMatchObject({ id: 'public', type: 'ROLE' });
    expect(role.filters.read).toBe(false);
  });
});
