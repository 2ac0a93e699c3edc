import type { AppConfig } from '../../../src/core/app';
import { as } from '../../support/harness';
import { afterNextConsistentGet, scanAudit, storedItem, writeTests } from './support';

// PUT and PATCH /item/{id} through the local server (docs/reference/permissions.md#writes, "404 or 403", "Order of checks",
// "Atomicity"; docs/reference/endpoints.md#single-items): partial updates, who may change which field of which row, ETags, and lost races.

jest.setTimeout(30_000);

const app: AppConfig = {
  fieldValidation: { price: (v) => typeof v === 'number' && v >= 0 },
  updateCondition: { field: 'locked', operator: 'exists', value: false },
  conditionFailureMessage: 'A locked item cannot change',
};

const pet = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  team: 'a',
  name: `pet ${id}`,
  price: 10,
  cost: 4,
  notes: 'n',
  owner: 'o1',
  ...extra,
});

const ids = [
  'partial-PUT',
  'partial-PATCH',
  'remove-PUT',
  'remove-PATCH',
  'noop',
  'key',
  'fields',
  'restricted',
  'per-role',
  'hidden',
  'row-a',
  'move',
  'etag',
  'stale',
  'race-merge',
  'race-move',
  'race-move-visible',
  'race-etag',
  'race-delete',
  'contested',
  'hot-1',
  'hot-2',
  'order',
  'big',
];

const endpoints = (...methods: string[]) => methods.map((method) => ({ method, endpoint: '/item/[^/]+' }));

const { h, expectNothingWritten } = writeTests({
  app,
  seed: {
    items: [
      ...ids.map((id) => pet(id)),
      pet('row-b', { team: 'b' }),
      pet('row-c', { team: 'c' }),
      pet('locked', { locked: true }),
    ],
    authRecords: [
      {
        id: 'admin',
        type: 'API_KEY',
        username: 'admin',
        permitted_endpoints: [{ method: '*', endpoint: '.*' }],
      },
      {
        id: 'editor',
        type: 'API_KEY',
        permitted_endpoints: endpoints('GET', 'PUT', 'PATCH'),
        exclude_fields: ['cost'],
        update_fields_restricted: ['owner'],
      },
      {
        id: 'namer',
        type: 'API_KEY',
        permitted_endpoints: endpoints('PATCH'),
        update_fields_permitted: ['name', 'notes'],
      },
      {
        id: 'team-a',
        type: 'API_KEY',
        permitted_endpoints: endpoints('GET', 'PUT', 'PATCH'),
        read_filters: [{ field: 'team', operator: 'in', value: ['a', 'b'] }],
        update_filters: [{ field: 'team', value: 'a' }],
      },
      {
        id: 'only-a',
        type: 'API_KEY',
        permitted_endpoints: endpoints('GET', 'PATCH'),
        read_filters: [{ field: 'team', value: 'a' }],
        update_filters: [{ field: 'team', value: 'a' }],
      },
      {
        id: 'g-name',
        type: 'OIDC_GROUP',
        permitted_endpoints: endpoints('PATCH'),
        update_fields_permitted: ['name'],
      },
      {
        id: 'g-price',
        type: 'OIDC_GROUP',
        permitted_endpoints: endpoints('PATCH'),
        update_fields_permitted: ['price'],
      },
      {
        id: 'g-get-a',
        type: 'OIDC_GROUP',
        permitted_endpoints: endpoints('GET'),
        read_filters: [{ field: 'team', value: 'a' }],
      },
      { id: 'g-patch', type: 'OIDC_GROUP', permitted_endpoints: endpoints('PATCH') },
    ],
  },
});

const key = (id: string) => ({ headers: as.key(id) });
const write = (method: string, id: string, body: unknown, headers: Record<string, string> = as.key('admin')) =>
  h.request(method, `/item/${id}`, { headers, body });
const patch = (id: string, body: unknown, headers?: Record<string, string>) => write('PATCH', id, body, headers);
// The other writer of a race runs in another process (h.peer): in one process, writes to an item queue.
const theirs = async (method: string, path: string, body?: unknown) =>
  (await h.peer()).request(method, path, { headers: as.key('admin'), body });

describe.each(['PUT', 'PATCH'])('%s', (method) => {
  it('changes only the fields the body names and bumps the version', async () => {
    // Act
    const res = await write(method, `partial-${method}`, { name: 'renamed', extra: { a: 1 } });
    // Assess
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe('"1"');
    const want = { ...pet(`partial-${method}`), name: 'renamed', extra: { a: 1 } };
    expect(res.body).toEqual(want);
    expect(await storedItem(h, `partial-${method}`)).toEqual({ ...want, _version: 1 });
  });

  it('removes a field sent as null', async () => {
    const res = await write(method, `remove-${method}`, { notes: null, owner: null });
    expect(res.status).toBe(200);
    const { notes, owner, ...rest } = pet(`remove-${method}`);
    expect(res.body).toEqual(rest);
    expect(await storedItem(h, `remove-${method}`)).toEqual({ ...rest, _version: 1 });
  });
});

it('answers a change that changes nothing with the item and keeps its version', async () => {
  const before = await storedItem(h, 'noop');
  const res = await patch('noop', { name: 'pet noop', gone: null });
  expect(res.status).toBe(200);
  expect(res.headers.get('etag')).toBe('"0"');
  expect(await storedItem(h, 'noop')).toEqual(before);
  expect((await scanAudit(h)).filter((r) => r.resource_key === 'noop' && r.history_key !== undefined)).toEqual([]);
});

describe('the partition key', () => {
  it('may be sent with its own value', async () => {
    const res = await patch('key', { id: 'key', name: 'same key' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: 'key', name: 'same key' });
  });

  it.each([{ id: 'other' }, { id: null }, { id: 5 }])('cannot change: %j → 400', async (body) => {
    await expectNothingWritten(async () => {
      const res = await patch('key', { ...body, name: 'x' });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'INVALID_BODY', details: { field: 'id' } });
    });
  });
});

it.each(['_version', '_anything'])('refuses the reserved name %s in the body with 400', async (name) => {
  await expectNothingWritten(async () => {
    const res = await patch('key', { [name]: 9 });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'INVALID_BODY', details: { field: name } });
  });
});

describe('fields a role may not change', () => {
  it('answers 403 naming the changed fields outside update_fields_permitted', async () => {
    await expectNothingWritten(async () => {
      const res = await patch('fields', { name: 'x', price: 11, cost: 1 }, as.key('namer'));
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ code: 'FORBIDDEN', details: { fields: ['price', 'cost'] } });
    });
  });

  it('accepts a body naming such a field with its stored value: only changed fields count', async () => {
    const res = await patch('fields', { name: 'renamed', price: 10 }, as.key('namer'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'renamed', price: 10 });
  });

  it('answers 403 naming a changed field in update_fields_restricted', async () => {
    await expectNothingWritten(async () => {
      const res = await patch('restricted', { owner: 'o2', name: 'x' }, as.key('editor'));
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ code: 'FORBIDDEN', details: { fields: ['owner'] } });
    });
    expect((await patch('restricted', { owner: 'o1', name: 'y' }, as.key('editor'))).status).toBe(200);
  });

  it('needs one role that may change every changed field', async () => {
    const both = as.user('pat', ['g-name', 'g-price']);
    await expectNothingWritten(async () => {
      const res = await patch('per-role', { name: 'x', price: 12 }, both);
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ code: 'FORBIDDEN' });
    });
    expect((await patch('per-role', { name: 'x' }, both)).status).toBe(200);
    expect((await patch('per-role', { price: 12 }, both)).status).toBe(200);
    expect(await storedItem(h, 'per-role')).toMatchObject({ name: 'x', price: 12, _version: 2 });
  });

  it('answers 403 for a hidden field in the body even when its value is unchanged, before looking for the item', async () => {
    await expectNothingWritten(async () => {
      const same = await patch('hidden', { cost: 4 }, as.key('editor'));
      expect(same.status).toBe(403);
      expect(same.body).toMatchObject({ code: 'FORBIDDEN', details: { fields: ['cost'] } });
      expect((await patch('absent', { cost: 4 }, as.key('editor'))).status).toBe(403);
    });
  });

  it('answers without hidden fields', async () => {
    const res = await patch('hidden', { name: 'seen' }, as.key('editor'));
    expect(res.status).toBe(200);
    expect(res.body).not.toHaveProperty('cost');
    expect(await storedItem(h, 'hidden')).toMatchObject({ cost: 4, name: 'seen' });
  });
});

describe('rows a role may change', () => {
  const teamA = as.key('team-a');

  it('changes a row that satisfies the read and update filters before and after', async () => {
    expect((await patch('row-a', { name: 'mine' }, teamA)).status).toBe(200);
  });

  it('answers 403 for a visible row outside the update filters', async () => {
    await expectNothingWritten(async () => {
      const res = await patch('row-b', { name: 'x' }, teamA);
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ code: 'FORBIDDEN' });
    });
  });

  it.each([
    { to: 'b', why: 'still readable, no longer updatable' },
    { to: 'c', why: 'neither readable nor updatable' },
  ])('answers 403 for moving a row out of reach (team → $to: $why)', async ({ to }) => {
    await expectNothingWritten(async () => {
      const res = await patch('move', { team: to }, teamA);
      expect(res.status).toBe(403);
    });
  });

  it.each([
    { what: 'an absent item', id: 'absent' },
    { what: 'an item outside the read filters', id: 'row-c' },
  ])('answers 404, never 403, for $what', async ({ id }) => {
    await expectNothingWritten(async () => {
      const res = await patch(id, { name: 'x', owner: 'z' }, teamA);
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ code: 'NOT_FOUND' });
    });
  });

  it('decides 404 by the read filters of the roles that permit GET on the item', async () => {
    // g-patch may change any row, but the caller's only reader, g-get-a, sees team a alone
    const split = as.user('sam', ['g-get-a', 'g-patch']);
    await expectNothingWritten(async () => {
      expect((await patch('row-b', { name: 'x' }, split)).status).toBe(404);
    });
    expect((await patch('row-a', { notes: 'by sam' }, split)).status).toBe(200);
  });
});

describe('order of checks (docs/reference/permissions.md#order-of-checks)', () => {
  it.each([
    { what: '400 body before 403 fields', id: 'order', body: { cost: 1, _x: 1 }, as: 'editor', want: 'INVALID_BODY' },
    { what: '403 fields before 404', id: 'absent', body: { cost: 1 }, as: 'editor', want: 'FORBIDDEN' },
    { what: '404 before 403 row', id: 'row-c', body: { team: 'a' }, as: 'team-a', want: 'NOT_FOUND' },
    { what: '403 row before 400 validation', id: 'row-b', body: { price: -1 }, as: 'team-a', want: 'FORBIDDEN' },
    {
      what: '403 field not updatable before 400 validation',
      id: 'order',
      body: { price: -1 },
      as: 'namer',
      want: 'FORBIDDEN',
    },
    {
      what: '400 validation before 400 condition',
      id: 'locked',
      body: { price: -1 },
      as: 'admin',
      want: 'VALIDATION_FAILED',
    },
  ])('$what', async ({ id, body, as: who, want }) => {
    await expectNothingWritten(async () => {
      const res = await patch(id, body, as.key(who));
      expect(res.body).toMatchObject({ code: want });
    });
  });

  it('answers 400 CONDITION_FAILED with the configured message when everything else passes', async () => {
    await expectNothingWritten(async () => {
      const res = await patch('locked', { price: 3 }, as.key('admin'));
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'A locked item cannot change', code: 'CONDITION_FAILED' });
    });
  });
});

describe('ETag and If-Match', () => {
  it('answers the ETag of the stored version and accepts a matching If-Match', async () => {
    const got = await h.request('GET', '/item/etag', key('admin'));
    expect(got.headers.get('etag')).toBe('"0"');
    const res = await h.request('PATCH', '/item/etag', {
      headers: { ...as.key('admin'), 'if-match': got.headers.get('etag')! },
      body: { name: 'v1' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe('"1"');
    const star = await h.request('PATCH', '/item/etag', {
      headers: { ...as.key('admin'), 'if-match': '*' },
      body: { name: 'v2' },
    });
    expect(star.headers.get('etag')).toBe('"2"');
  });

  it('answers 412 for an ETag that a concurrent update made stale', async () => {
    const etag = (await h.request('GET', '/item/stale', key('admin'))).headers.get('etag')!;
    expect((await patch('stale', { name: 'someone else' })).status).toBe(200);
    await expectNothingWritten(async () => {
      const res = await h.request('PATCH', '/item/stale', {
        headers: { ...as.key('admin'), 'if-match': etag },
        body: { name: 'mine' },
      });
      expect(res.status).toBe(412);
      expect(res.body).toMatchObject({ code: 'PRECONDITION_FAILED' });
    });
  });

  it('answers 412 when the item changes between the read and the write', async () => {
    // Prepare: another writer changes the item right after this request's consistent read
    const raced = afterNextConsistentGet(h, 'race-etag', () => theirs('PATCH', '/item/race-etag', { notes: 'theirs' }));
    // Act
    const res = await h.request('PATCH', '/item/race-etag', {
      headers: { ...as.key('admin'), 'if-match': '"0"' },
      body: { name: 'mine' },
    });
    await raced;
    // Assess
    expect(res.status).toBe(412);
    expect(await storedItem(h, 'race-etag')).toMatchObject({ name: 'pet race-etag', notes: 'theirs', _version: 1 });
  });
});

describe('a change between the read and the write', () => {
  it('makes the write retry on the new version, keeping both changes', async () => {
    const raced = afterNextConsistentGet(h, 'race-merge', () =>
      theirs('PATCH', '/item/race-merge', { notes: 'theirs' }),
    );
    const res = await patch('race-merge', { name: 'mine' }, as.key('only-a'));
    await raced;
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe('"2"');
    expect(await storedItem(h, 'race-merge')).toMatchObject({ name: 'mine', notes: 'theirs', _version: 2 });
    const versions = (await scanAudit(h))
      .filter((r) => r.history_key === 'race-merge')
      .map((r) => [r.version, r.changed]);
    expect(versions.sort()).toEqual([
      [1, ['notes']],
      [2, ['name']],
    ]);
  });

  it('never widens access: a row moved out of the read filters answers 404 and keeps the other change', async () => {
    // only-a may read and update team a alone; right after its read, an admin moves the row to team b
    const raced = afterNextConsistentGet(h, 'race-move', () => theirs('PATCH', '/item/race-move', { team: 'b' }));
    const res = await patch('race-move', { name: 'mine' }, as.key('only-a'));
    await raced;
    expect(res.status).toBe(404);
    expect(await storedItem(h, 'race-move')).toMatchObject({ team: 'b', name: 'pet race-move', _version: 1 });
    expect((await scanAudit(h)).filter((r) => r.history_key === 'race-move')).toHaveLength(1);
  });

  it('never widens access: an item deleted and created again between the read and the write is never overwritten', async () => {
    // Prepare: an item created through the API (its versions are the API's); only-a may see it (team a)
    const created = await h.request('POST', '/item', { headers: as.key('admin'), body: pet('race-recreate') });
    expect(created.status).toBe(201);
    // right after only-a's read, the item is deleted and created again, in team b, with the same key
    const raced = afterNextConsistentGet(h, 'race-recreate', async () => {
      expect((await theirs('DELETE', '/item/race-recreate')).status).toBe(200);
      const again = await (await h.peer()).request('POST', '/item', {
        headers: as.key('admin'),
        body: pet('race-recreate', { team: 'b', name: 'second life' }),
      });
      expect(again.status).toBe(201);
    });
    // Act
    const res = await patch('race-recreate', { name: 'mine' }, as.key('only-a'));
    await raced;
    // Assess: the write decided on the first item cannot land on the second (its version never repeats)
    expect(res.status).toBe(404);
    expect(await storedItem(h, 'race-recreate')).toMatchObject({ team: 'b', name: 'second life' });
    const changes = (await scanAudit(h)).filter((r) => r.history_key === 'race-recreate').map((r) => r.action);
    expect(changes.sort()).toEqual(['CREATE', 'CREATE', 'DELETE']);
  });

  it('never widens access: a row moved out of the update filters answers 403 and keeps the other change', async () => {
    // team-a may still read team b, but not update it
    const raced = afterNextConsistentGet(h, 'race-move-visible', () =>
      theirs('PATCH', '/item/race-move-visible', { team: 'b' }),
    );
    const res = await patch('race-move-visible', { name: 'mine' }, as.key('team-a'));
    await raced;
    expect(res.status).toBe(403);
    expect(await storedItem(h, 'race-move-visible')).toMatchObject({
      team: 'b',
      name: 'pet race-move-visible',
      _version: 1,
    });
  });
});

describe('concurrent writers', () => {
  it('answers 404 and resurrects nothing when the item is deleted between the read and the write', async () => {
    const raced = afterNextConsistentGet(h, 'race-delete', () => theirs('DELETE', '/item/race-delete'));
    const res = await patch('race-delete', { name: 'mine' });
    await raced;
    expect(res.status).toBe(404);
    expect(await storedItem(h, 'race-delete')).toBeUndefined();
  });

  it('lose no update: every 200 is in the final item, every refused change is not, one version each', async () => {
    // Act: 12 writers each set their own field at once
    const replies = await Promise.all(
      Array.from({ length: 12 }, (_, i) => patch('contested', { [`w${i}`]: i }).then((r) => ({ i, r }))),
    );
    // Assess
    const ok = replies.filter(({ r }) => r.status === 200).map(({ i }) => i);
    const refused = replies.filter(({ r }) => r.status !== 200);
    for (const { r } of refused) expect(r.body).toMatchObject({ code: 'CONFLICT' });
    expect(ok.length).toBeGreaterThan(0);
    const stored = (await storedItem(h, 'contested'))!;
    for (const i of ok) expect(stored[`w${i}`]).toBe(i);
    for (const { i } of refused) expect(stored).not.toHaveProperty(`w${i}`);
    expect(stored._version).toBe(ok.length);
    const versions = (await scanAudit(h)).filter((r) => r.history_key === 'contested').map((r) => r.version);
    expect(versions.sort((a, b) => Number(a) - Number(b))).toEqual(ok.map((_, n) => n + 1));
  });
});

describe('contention on one item (issue 10.5)', () => {
  it('in one process, 50 concurrent updates all succeed, one version each, and each is in the history', async () => {
    // Act
    const replies = await Promise.all(
      Array.from({ length: 50 }, (_, i) => patch('hot-1', { counter: i, [`w${i}`]: i })),
    );
    // Assess: no CONFLICT: the process queued the writes instead of racing them
    expect(replies.map((r) => r.status)).toEqual(Array(50).fill(200));
    const stored = (await storedItem(h, 'hot-1'))!;
    for (let i = 0; i < 50; i++) expect(stored[`w${i}`]).toBe(i);
    expect(stored._version).toBe(50);
    const versions = (await scanAudit(h)).filter((r) => r.history_key === 'hot-1').map((r) => Number(r.version));
    expect(versions.sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, n) => n + 1));
  });

  it('across two processes, lost races retry with backoff: nothing is lost and nearly all succeed', async () => {
    const peer = await h.peer();
    // Act: 2 × 20 concurrent writers, each setting its own field
    const replies = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 ? peer : h).request('PATCH', '/item/hot-2', { headers: as.key('admin'), body: { [`w${i}`]: i } }),
      ),
    );
    // Assess
    const ok = replies.flatMap((r, i) => (r.status === 200 ? [i] : []));
    for (const r of replies.filter((r) => r.status !== 200)) expect(r.body).toMatchObject({ code: 'CONFLICT' });
    expect(ok.length).toBeGreaterThanOrEqual(36);
    const stored = (await storedItem(h, 'hot-2'))!;
    for (let i = 0; i < 40; i++) {
      if (ok.includes(i)) expect(stored[`w${i}`]).toBe(i);
      else expect(stored).not.toHaveProperty(`w${i}`);
    }
    expect(stored._version).toBe(ok.length);
    const records = (await scanAudit(h)).filter((r) => r.history_key === 'hot-2');
    expect(records).toHaveLength(ok.length);
  });
});

describe('size', () => {
  it('answers 413 for an update that would grow the item past 400 KB', async () => {
    const blob = 'x'.repeat(240 * 1024);
    expect((await patch('big', { a: blob })).status).toBe(200);
    await expectNothingWritten(async () => {
      const res = await patch('big', { b: blob });
      expect(res.status).toBe(413);
      expect(res.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    });
    // the same bytes in place of the old ones fit
    expect((await patch('big', { a: blob.replace('x', 'y') })).status).toBe(200);
  });
});
