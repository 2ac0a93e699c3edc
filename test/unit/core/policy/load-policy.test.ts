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
