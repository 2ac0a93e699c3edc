import { InvalidPolicy, loadPolicy } from '../../../../src';
import { parseIdentity } from '../../../../src/core/policy/load-policy';

const policy = loadPolicy({
  version: 1,
  groups: {
    'catalog-read': { permitted_endpoints: ['GET /items', 'GET /item/[^/]+'] },
    editors: { groups: ['catalog-read'], permitted_endpoints: [{ method: 'patch', endpoint: '/item/[^/]+' }] },
  },
  records: {
    'public-key': {
      type: 'API_KEY',
      groups: ['catalog-read'],
      exclude_fields: ['cost'],
      read_filters: [{ field: 'status', value: 'available' }],
    },
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Scoutr placeholder, not a JS template
    owen: { type: 'USERNAME', groups: ['editors'], update_filters: [{ field: 'owner', value: '${user.id}' }] },
    staff: { type: 'OIDC_GROUP', permitted_endpoints: ['* /.*'] },
  },
});
const pets = [
  { id: 'p-1', status: 'available', cost: 10, owner: 'owen' },
  { id: 'p-2', status: 'sold', cost: 20, owner: 'ann' },
];

describe('loadPolicy', () => {
  it.each([
    {
      who: 'key:public-key',
      method: 'GET',
      path: '/items',
      allowed: true,
      reason: /^role 'public-key' permits GET \/items \(from group catalog-read\)$/,
    },
    {
      who: 'key:public-key',
      method: 'DELETE',
      path: '/item/p-1',
      allowed: false,
      reason: /^no rule of role 'public-key' matches DELETE \/item\/p-1 \(403\)$/,
    },
    {
      who: 'key:owen',
      method: 'GET',
      path: '/items',
      allowed: false,
      reason: /no role applies to this identity \(401\)/,
    },
    { who: 'user:owen', method: 'PATCH', path: '/item/p-1', allowed: true, reason: /from group editors/ },
    {
      who: 'user:someone:staff',
      method: 'DELETE',
      path: '/item/p-1',
      allowed: true,
      reason: /role 'staff' permits \* \/\.\*/,
    },
    { who: 'anonymous', method: 'GET', path: '/items', allowed: false, reason: /\(401\)/ },
  ])('$who $method $path → allowed $allowed', ({ who, method, path, allowed, reason }) => {
    const got = policy.can(who, method, path);
    expect(got.allowed).toBe(allowed);
    expect(got.reason).toMatch(reason);
  });

  it('decides on a given item with the read and update filters, without a database', () => {
    expect(policy.can('key:public-key', 'GET', '/item/p-1', pets[0]).allowed).toBe(true);
    expect(policy.can('key:public-key', 'GET', '/item/p-2', pets[1])).toMatchObject({
      allowed: false,
      reason: 'the row is outside the read filters (404)',
      item: { visible: false },
    });
    expect(policy.can('user:owen', 'PATCH', '/item/p-1', pets[0])).toMatchObject({ allowed: true, roles: ['owen'] });
    expect(policy.can('user:owen', 'PATCH', '/item/p-2', pets[1])).toMatchObject({
      allowed: false,
      reason: 'no role may change this row (403)',
      item: { visible: true, changeable: false },
    });
  });

  it('names the fields no role may update, as the server does', () => {
    // Prepare: a vet may change the status of any pet, and nothing else
    const vets = loadPolicy({
      version: 1,
      groups: {},
      records: {
        vera: { type: 'USERNAME', permitted_endpoints: ['PATCH /item/[^/]+'], update_fields_permitted: ['status'] },
      },
    });
    // Act + Assess
    expect(vets.can('user:vera', 'PATCH', '/item/p-1', pets[0], { status: 'sold' }).allowed).toBe(true);
    expect(vets.can('user:vera', 'PATCH', '/item/p-1', pets[0], { status: 'sold', cost: 1, owner: 'x' })).toMatchObject(
      {
        allowed: false,
        reason: 'not permitted to update: cost, owner (403)',
        item: { visible: true, changeable: false },
      },
    );
  });

  it('filters items to the visible rows, without hidden fields', () => {
    expect(policy.filter('key:public-key', 'GET', '/items', pets)).toEqual([
      { id: 'p-1', status: 'available', owner: 'owen' },
    ]);
    expect(policy.filter('key:public-key', 'GET', '/audit', pets)).toEqual([]);
    expect(policy.filter('user:owen', 'GET', '/items', pets)).toHaveLength(2);
  });

  it('throws InvalidPolicy listing every mistake', () => {
    const load = () =>
      loadPolicy({ version: 1, records: { k: { type: 'API_KEY', groups: ['nope'], exclude_field: ['x'] } } });
    expect(load).toThrow(InvalidPolicy);
    expect(load).toThrow(
      "invalid policy:\n  records.k.exclude_field: unknown field (did you mean 'exclude_fields'?)\n" +
        "  records.k.groups[0]: unknown group_id 'nope'",
    );
  });

  it.each([
    { text: 'key:k-1', want: { kind: 'api_key', id: 'k-1', groups: [] } },
    { text: 'user:u-1', want: { kind: 'jwt', id: 'u-1', username: 'u-1', groups: [] } },
    { text: 'user:u-1:a,b', want: { kind: 'jwt', id: 'u-1', username: 'u-1', groups: ['a', 'b'] } },
    { text: 'anonymous', want: { kind: 'anonymous', groups: [] } },
  ])('parses the identity $text', ({ text, want }) => {
    expect(parseIdentity(text)).toEqual(want);
  });

  it.each(['key:', 'user', 'key:a:b', 'robot:x'])('refuses the identity %j', (text) => {
    expect(() => parseIdentity(text)).toThrow(/expected key:ID, user:ID\[:group,group\.\.\.\] or anonymous/);
  });
});

describe('loadPolicy with the server settings: DEFAULT_ROLE, ANONYMOUS_ROLE and item roles', () => {
  const doc = {
    version: 1,
    records: {
      reader: {
        type: 'ROLE',
        permitted_endpoints: ['GET /repos', 'GET /repo/[^/]+'],
        read_filters: [{ field: 'is_public', value: true }],
      },
      anne: { type: 'USERNAME', groups: ['members'] },
      larry: { type: 'USERNAME', groups: ['members'] },
    },
    groups: {
      members: {
        permitted_endpoints: ['GET /repo/[^/]+', 'PATCH /repo/[^/]+'],
        read_filters: [{ item_role: 'contributor' }],
        update_filters: [{ item_role: 'maintainer' }],
      },
    },
  };
  const itemRoles = {
    roles: ['admin', 'maintainer', 'contributor'],
    implies: { admin: ['maintainer'], maintainer: ['contributor'] },
  };
  const policy = loadPolicy(doc, { defaultRole: 'reader', anonymousRole: 'reader', itemRoles });
  const react = { name: 'react', is_public: true };
  const gmail = { name: 'gmail', is_public: false };
  const anneMaintains = { name: 'x', is_public: false, _acl: { maintainer: ['anne'] } };

  it('gives an anonymous caller the ANONYMOUS_ROLE, and nothing without it', () => {
    expect(policy.can('anonymous', 'GET', '/repo/react').allowed).toBe(true);
    expect(policy.can('anonymous', 'PATCH', '/repo/react').allowed).toBe(false);
    expect(loadPolicy(doc).can('anonymous', 'GET', '/repo/react').allowed).toBe(false);
    expect(policy.rolesOf('anonymous').roles.map((r) => r.id)).toEqual(['reader']);
  });

  it('adds the DEFAULT_ROLE to every caller with an identity, even one without a record', () => {
    expect(policy.rolesOf('user:anne').roles.map((r) => r.id)).toEqual(['anne', 'reader']);
    expect(policy.rolesOf('user:sam').roles.map((r) => r.id)).toEqual(['reader']);
  });

  it("filters by the app's item roles, implied ones included, as the server does", () => {
    expect(policy.filter('user:anne', 'GET', '/repo/x', [react, gmail])).toEqual([{ name: 'react', is_public: true }]);
    const items = [anneMaintains, { ...gmail, _acl: { admin: ['larry'] } }]; // admin ⇒ contributor
    expect(policy.filter('user:larry', 'GET', '/repo/x', items)).toEqual([{ name: 'gmail', is_public: false }]);
    expect(policy.filter('user:anne', 'GET', '/repo/x', items)).toEqual([{ name: 'x', is_public: false }]);
  });

  it('refuses a setting naming a record that is not a ROLE', () => {
    expect(() => loadPolicy(doc, { defaultRole: 'anne' }).rolesOf('user:sam')).toThrow(
      expect.objectContaining({ code: 'AUTH_CONFIG' }),
    );
  });
});
