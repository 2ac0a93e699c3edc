import { AuthRecordSchema, describeIssues, GroupSchema } from '../../../../src/core/permissions/record';

describe('AuthRecordSchema', () => {
  it('accepts a record with every field of docs/reference/permissions.md#auth-records-and-groups', () => {
    const record = {
      id: 'key-1',
      type: 'API_KEY',
      name: 'Service',
      username: 'svc',
      email: 'svc@example.com',
      groups: ['readers'],
      permitted_endpoints: [{ method: 'GET', endpoint: '^/items$' }],
      filter_fields: [{ field: 'status', value: 'Active' }],
      read_filters: [{ field: 'amount', operator: 'lt', value: 100 }],
      create_filters: [],
      update_filters: [],
      delete_filters: [],
      exclude_fields: ['meta.secret'],
      update_fields_permitted: ['status'],
      update_fields_restricted: ['owner'],
      explain: true,
    };
    expect(AuthRecordSchema.safeParse(record).success).toBe(true);
  });

  it.each([
    { why: 'a misspelt field, which would silently widen access', record: { id: 'k', exclude_field: ['x'] } },
    { why: 'no id', record: { type: 'API_KEY' } },
    { why: 'an empty id', record: { id: '' } },
    { why: 'an endpoint rule without a method', record: { id: 'k', permitted_endpoints: [{ endpoint: '/x' }] } },
    {
      why: 'an extra key in an endpoint rule',
      record: { id: 'k', permitted_endpoints: [{ method: 'GET', endpoint: '/x', x: 1 }] },
    },
    { why: 'a filter entry without a field', record: { id: 'k', read_filters: [{ value: 'x' }] } },
    {
      why: 'a filter entry with an extra key',
      record: { id: 'k', read_filters: [{ field: 'a', value: 'x', op: 'eq' }] },
    },
    { why: 'exclude_fields that is not a list', record: { id: 'k', exclude_fields: 'secret' } },
    { why: 'an empty excluded field', record: { id: 'k', exclude_fields: [''] } },
    { why: 'explain as a string', record: { id: 'k', explain: 'true' } },
    { why: 'groups as a string', record: { id: 'k', groups: 'readers' } },
  ])('rejects $why', ({ record }) => {
    expect(AuthRecordSchema.safeParse(record).success).toBe(false);
  });

  it('describes a failure by field path without the values', () => {
    const result = AuthRecordSchema.safeParse({ id: 'k', exclude_fields: ['ok', 42], explain: 'hunter2' });
    expect(result.success).toBe(false);
    const text = describeIssues(result.error!);
    expect(text).toContain('exclude_fields.1');
    expect(text).toContain('explain');
    expect(text).not.toContain('hunter2');
  });
});

describe('GroupSchema', () => {
  it('accepts a group with nested groups and rejects record-only fields', () => {
    expect(GroupSchema.safeParse({ group_id: 'g', groups: ['h'], explain: false }).success).toBe(true);
    expect(GroupSchema.safeParse({ group_id: 'g', type: 'OIDC_GROUP' }).success).toBe(false);
    expect(GroupSchema.safeParse({ id: 'g' }).success).toBe(false);
  });
});
