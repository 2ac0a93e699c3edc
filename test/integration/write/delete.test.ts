import type { AppConfig } from '../../../src/core/app';
import { as } from '../../support/harness';
import { afterNextConsistentGet, scanAudit, storedItem, writeTests } from './support';

// DELETE /item/{id} through the local server (docs/reference/permissions.md#writes, docs/reference/endpoints.md#single-items, docs/reference/app-config.md#conditions, docs/reference/audit.md#the-audit-record).

jest.setTimeout(30_000);

const app: AppConfig = {
  deleteCondition: { field: 'protected', operator: 'exists', value: false },
  conditionFailureMessage: 'A protected item cannot be deleted',
};

const row = (id: string, extra: Record<string, unknown> = {}) => ({ id, team: 'a', name: id, cost: 3, ...extra });

const { h, expectNothingWritten } = writeTests({
  app,
  seed: {
    items: [
      row('gone'),
      row('mine'),
      row('team-b', { team: 'b' }),
      row('team-c', { team: 'c' }),
      row('protected', { protected: true }),
      row('protected-b', { team: 'b', protected: true }),
      row('protected-c', { team: 'c', protected: true }),
      row('stale'),
      row('race-update'),
      row('race-move'),
      row('split-b', { team: 'b' }),
    ],
    authRecords: [
      { id: 'admin', type: 'API_KEY', permitted_endpoints: [{ method: '*', endpoint: '.*' }] },
      {
        id: 'deleter',
        type: 'API_KEY',
        permitted_endpoints: [{ method: 'DELETE', endpoint: '/item/[^/]+' }],
        read_filters: [{ field: 'team', operator: 'in', value: ['a', 'b'] }],
        delete_filters: [{ field: 'team', value: 'a' }],
        exclude_fields: ['cost'],
      },
      { id: 'reader', type: 'API_KEY', permitted_endpoints: [{ method: 'GET', endpoint: '/item/[^/]+' }] },
      {
        id: 'g-get-a',
        type: 'OIDC_GROUP',
        permitted_endpoints: [{ method: 'GET', endpoint: '/item/[^/]+' }],
        read_filters: [{ field: 'team', value: 'a' }],
      },
      { id: 'g-delete', type: 'OIDC_GROUP', permitted_endpoints: [{ method: 'DELETE', endpoint: '/item/[^/]+' }] },
    ],
  },
});

const del = (id: string, headers: Record<string, string> = as.key('deleter')) =>
  h.request('DELETE', `/item/${id}`, { headers });

it('answers 200 with the deleted item as the caller may see it, and records a DELETE version with item null', async () => {
  // Act
  const res = await del('gone');
  // Assess
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ id: 'gone', team: 'a', name: 'gone' });
  expect(await storedItem(h, 'gone')).toBeUndefined();
  const records = (await scanAudit(h)).filter((r) => r.resource_key === 'gone');
  expect(records).toEqual([
    expect.objectContaining({
      action: 'DELETE',
      method: 'DELETE',
      history_key: 'gone',
      version: 1,
      item: null,
      changed: expect.arrayContaining(['id', 'team', 'name', 'cost']),
    }),
  ]);
  expect(records[0]).not.toHaveProperty('expire_time');
  // gone for good
  expect((await h.request('GET', '/item/gone', { headers: as.key('admin') })).status).toBe(404);
  expect((await del('gone')).status).toBe(404);
});

it('deletes a row inside the read and delete filters', async () => {
  expect((await del('mine')).status).toBe(200);
  expect(await storedItem(h, 'mine')).toBeUndefined();
});

it.each([
  { what: 'an absent item', id: 'absent' },
  { what: 'an item outside the read filters', id: 'team-c' },
])('answers 404, never 403, for $what', async ({ id }) => {
  await expectNothingWritten(async () => {
    const res = await del(id);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: 'NOT_FOUND' });
  });
});

it('answers 403 for a visible row outside the delete filters', async () => {
  await expectNothingWritten(async () => {
    const res = await del('team-b');
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'FORBIDDEN' });
  });
});

it('answers 403 before reading anything for a caller without the DELETE endpoint', async () => {
  await expectNothingWritten(async () => {
    expect((await del('team-b', as.key('reader'))).status).toBe(403);
  });
});

it('decides 404 by the read filters of the roles that permit GET on the item', async () => {
  await expectNothingWritten(async () => {
    expect((await del('split-b', as.user('sam', ['g-get-a', 'g-delete']))).status).toBe(404);
  });
});

it('answers 400 CONDITION_FAILED with the configured message when deleteCondition fails', async () => {
  await expectNothingWritten(async () => {
    const res = await del('protected');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'A protected item cannot be deleted', code: 'CONDITION_FAILED' });
  });
});

it.each([
  { what: '404 before 403 row and the condition', id: 'protected-c', want: 404 },
  { what: '403 row before the condition', id: 'protected-b', want: 403 },
])('checks in order: $what', async ({ id, want }) => {
  await expectNothingWritten(async () => {
    expect((await del(id)).status).toBe(want);
  });
});

it('answers 412 for a stale If-Match and deletes with a current one', async () => {
  expect((await h.request('PATCH', '/item/stale', { headers: as.key('admin'), body: { name: 'v1' } })).status).toBe(
    200,
  );
  await expectNothingWritten(async () => {
    const res = await h.request('DELETE', '/item/stale', { headers: { ...as.key('deleter'), 'if-match': '"0"' } });
    expect(res.status).toBe(412);
  });
  const ok = await h.request('DELETE', '/item/stale', { headers: { ...as.key('deleter'), 'if-match': '"1"' } });
  expect(ok.status).toBe(200);
  expect(ok.body).toMatchObject({ name: 'v1' });
});

describe('a change between the read and the delete', () => {
  it('makes the delete retry and answer the item it actually deleted', async () => {
    const raced = afterNextConsistentGet(h, 'race-update', async () =>
      (await h.peer()).request('PATCH', '/item/race-update', { headers: as.key('admin'), body: { name: 'renamed' } }),
    );
    const res = await del('race-update');
    await raced;
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'renamed' });
    expect(await storedItem(h, 'race-update')).toBeUndefined();
    const versions = (await scanAudit(h)).filter((r) => r.history_key === 'race-update').map((r) => r.version);
    expect(versions.sort()).toEqual([1, 2]);
  });

  it('never widens access: a row moved out of the delete filters answers 403 and stays', async () => {
    const raced = afterNextConsistentGet(h, 'race-move', async () =>
      (await h.peer()).request('PATCH', '/item/race-move', { headers: as.key('admin'), body: { team: 'b' } }),
    );
    const res = await del('race-move');
    await raced;
    expect(res.status).toBe(403);
    expect(await storedItem(h, 'race-move')).toMatchObject({ team: 'b', _version: 1 });
  });
});
