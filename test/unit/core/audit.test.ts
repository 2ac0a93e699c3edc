import { type AuditInput, auditId, buildAuditRecord, MAX_ITEM_BYTES, queryToAv } from '../../../src/core/audit';
import type { Caller } from '../../../src/core/caller';
import { itemToJson } from '../../../src/core/json';
import { itemSize } from '../../../src/core/values';

// The audit record (docs/reference/audit.md#the-audit-record).

const now = Date.parse('2025-07-08T09:10:11.012Z');
const base: AuditInput = {
  now,
  nonce: 'abc123',
  shard: 2,
  action: 'GET',
  method: 'GET',
  path: '/item/a',
  pathParams: { id: 'a' },
  query: [],
  caller: {
    kind: 'api_key',
    id: 'key-1',
    username: 'web',
    groups: [],
    apiKeyId: 'key-1',
    sourceIp: '10.0.0.1',
    userAgent: 'curl/8',
  },
  resource: { id: { S: 'a' } },
  resourceKey: 'a',
  ttlDays: 30,
};
const json = (input: AuditInput) => itemToJson(buildAuditRecord(input));

it('records a read with a unique time-ordered id, its day shard, the caller and the read TTL', () => {
  expect(json(base)).toEqual({
    id: '2025-07-08T09:10:11.012Z#abc123',
    time: '2025-07-08T09:10:11.012Z',
    day_shard: '2025-07-08#2',
    action: 'GET',
    method: 'GET',
    path: '/item/a',
    path_params: { id: 'a' },
    query_params: {},
    user: { id: 'key-1', username: 'web', api_key_id: 'key-1', source_ip: '10.0.0.1', user_agent: 'curl/8' },
    resource: { id: 'a' },
    resource_key: 'a',
    expire_time: Math.floor(now / 1000) + 30 * 86_400,
  });
});

it('orders ids by time, then by nonce', () => {
  expect(auditId(now, 'b') < auditId(now + 1, 'a')).toBe(true);
  expect(auditId(now, 'a') < auditId(now, 'b')).toBe(true);
});

it('has no expire_time without a TTL', () => {
  expect(json({ ...base, ttlDays: undefined })).not.toHaveProperty('expire_time');
});

it('has no resource for a call about no single item', () => {
  const record = json({ ...base, action: 'LIST', resource: undefined, resourceKey: undefined });
  expect(record).not.toHaveProperty('resource');
  expect(record).not.toHaveProperty('resource_key');
  expect(record).not.toHaveProperty('history_key');
});

it('keeps every value of a repeated query parameter', () => {
  expect(
    queryToAv([
      ['a', '1'],
      ['b', 'x'],
      ['a', '2'],
    ]),
  ).toEqual({ M: { a: { L: [{ S: '1' }, { S: '2' }] }, b: { S: 'x' } } });
});

describe('change records', () => {
  const change = {
    ...base,
    action: 'UPDATE',
    method: 'PATCH',
    body: { M: { n: { N: '2' } } },
    ttlDays: undefined,
    change: { version: 4, item: { id: { S: 'a' }, n: { N: '2' } }, changed: ['n'] },
  };

  it('add history_key, version, the post-image and the changed fields', () => {
    expect(json(change)).toMatchObject({
      history_key: 'a',
      version: 4,
      item: { id: 'a', n: 2 },
      changed: ['n'],
      body: { n: 2 },
    });
  });

  it('carry item null after a DELETE', () => {
    const record = buildAuditRecord({
      ...change,
      action: 'DELETE',
      body: undefined,
      change: { ...change.change, item: null },
    });
    expect(record.item).toEqual({ NULL: true });
    expect(record).not.toHaveProperty('body');
  });

  it('replace a body that would take the record past 400 KB, keeping the post-image and changed', () => {
    const big = { S: 'x'.repeat(250 * 1024) };
    const record = buildAuditRecord({
      ...change,
      body: { M: { blob: big } },
      change: { version: 1, item: { id: { S: 'a' }, blob: big }, changed: ['id', 'blob'] },
    });
    expect(itemToJson(record)).toMatchObject({ body: { _omitted: 'size' }, changed: ['id', 'blob'] });
    expect(record.item).toEqual({ M: { id: { S: 'a' }, blob: big } });
    expect(itemSize(record)).toBeLessThanOrEqual(MAX_ITEM_BYTES);
  });

  it('keep a body that fits', () => {
    const blob = { S: 'x'.repeat(150 * 1024) };
    const record = buildAuditRecord({
      ...change,
      body: { M: { blob } },
      change: { version: 1, item: { blob }, changed: ['blob'] },
    });
    expect(record.body).toEqual({ M: { blob } });
  });
});

it('marks the record of a request without an identity as anonymous, with no id', () => {
  // Prepare: served by ANONYMOUS_ROLE
  const caller: Caller = { kind: 'anonymous', groups: [], sourceIp: '10.0.0.9', userAgent: 'curl/8' };
  // Act
  const record = json({ ...base, caller });
  // Assess
  expect(record.user).toEqual({ anonymous: true, source_ip: '10.0.0.9', user_agent: 'curl/8' });
});
