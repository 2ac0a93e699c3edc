import app from '../../../example/petstore/scoutr.config';
import { items } from '../../../example/petstore/seed';
import { dataTableOf } from '../../../src/core/app';
import { as } from '../../support/harness';
import { scanAudit, storedItem, writeTests } from './support';

// The example's custom action POST /item/{id}/sell (docs/reference/app-config.md#custom-actions): an update under the update rules of the roles that
// permit the custom route, audited and versioned as SELL. Also the example's generateId (docs/reference/writes.md#bodies).

jest.setTimeout(30_000);

// Clocks run in the future: DynamoDB Local, like DynamoDB, deletes records whose expire_time has passed.
let clock = Date.parse('2035-03-01T12:00:00Z');
const sell = { method: 'POST', endpoint: '/item/[^/]+/sell' };
const read = { method: 'GET', endpoint: '/item/[^/]+' };

const { h, expectNothingWritten } = writeTests({
  app,
  dataTable: dataTableOf(app),
  overrides: { now: () => clock },
  seed: {
    items,
    authRecords: [
      { id: 'admin', type: 'API_KEY', username: 'admin', permitted_endpoints: [{ method: '*', endpoint: '.*' }] },
      {
        id: 'dog-seller',
        type: 'API_KEY',
        permitted_endpoints: [sell, read],
        read_filters: [{ field: 'type', operator: 'in', value: ['dog', 'cat', 'rabbit'] }],
        update_filters: [{ field: 'type', value: 'dog' }],
      },
      { id: 'patcher', type: 'API_KEY', permitted_endpoints: [{ method: 'PATCH', endpoint: '/item/[^/]+' }] },
      { id: 'notes-only', type: 'API_KEY', permitted_endpoints: [sell], update_fields_permitted: ['notes'] },
      { id: 'g-patch-all', type: 'OIDC_GROUP', permitted_endpoints: [{ method: 'PATCH', endpoint: '/item/[^/]+' }] },
      {
        id: 'g-sell-dogs',
        type: 'OIDC_GROUP',
        permitted_endpoints: [sell],
        update_filters: [{ field: 'type', value: 'dog' }],
      },
      { id: 'creator', type: 'API_KEY', permitted_endpoints: [{ method: 'POST', endpoint: '/item' }] },
    ],
  },
});

const sellPet = (id: string, who: Record<string, string>, body?: unknown) =>
  h.request('POST', `/item/${id}/sell`, { headers: who, ...(body === undefined ? {} : { body }) });

describe('POST /item/{id}/sell', () => {
  it('updates the item under the update rules, answering the post-image and its ETag', async () => {
    // Act
    const res = await sellPet('p-1', as.key('dog-seller'), { owner: 'olivia' });
    // Assess
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe('"1"');
    expect(res.body).toMatchObject({ id: 'p-1', status: 'sold', owner: 'olivia', name: 'Rex' });
    expect(await storedItem(h, 'p-1')).toMatchObject({ status: 'sold', owner: 'olivia', _version: 1 });
  });

  it('is audited and versioned under its own action name', async () => {
    const records = (await scanAudit(h)).filter((r) => r.resource_key === 'p-1');
    expect(records).toEqual([
      expect.objectContaining({
        action: 'SELL',
        method: 'POST',
        path: '/item/p-1/sell',
        path_params: { id: 'p-1' },
        history_key: 'p-1',
        version: 1,
        changed: ['status', 'owner'],
        body: { owner: 'olivia' },
        item: expect.objectContaining({ id: 'p-1', status: 'sold', owner: 'olivia' }),
      }),
    ]);
    const history = await h.request('GET', '/history/p-1', { headers: as.key('admin') });
    expect(history.status).toBe(200);
    expect(history.body).toEqual([
      expect.objectContaining({ action: 'SELL', version: 1, item: expect.objectContaining({ status: 'sold' }) }),
    ]);
  });

  it('answers 403 before reading for a caller whose roles permit PATCH but not the custom route', async () => {
    await expectNothingWritten(async () => {
      expect((await sellPet('p-7', as.key('patcher'))).status).toBe(403);
    });
  });

  it('counts only the roles that permit the custom route', async () => {
    // g-patch-all could PATCH the cat, but the role that permits selling sells dogs only
    await expectNothingWritten(async () => {
      const res = await sellPet('p-2', as.user('sid', ['g-patch-all', 'g-sell-dogs']));
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ code: 'FORBIDDEN' });
    });
  });

  it('answers 403 naming the fields a permitting role may not update', async () => {
    await expectNothingWritten(async () => {
      const res = await sellPet('p-7', as.key('notes-only'));
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ code: 'FORBIDDEN', details: { fields: ['status'] } });
    });
  });

  it('answers 404 for an item outside the read filters or absent, and 403 for one outside the update filters', async () => {
    await expectNothingWritten(async () => {
      expect((await sellPet('p-4', as.key('dog-seller'))).status).toBe(404); // a fish
      expect((await sellPet('nope', as.key('dog-seller'))).status).toBe(404);
      expect((await sellPet('p-7', as.key('dog-seller'))).status).toBe(403); // a rabbit
    });
  });

  it('writes no new version when the sale changes nothing', async () => {
    const again = await sellPet('p-5', as.key('admin'), { owner: 'owen' });
    expect(again.status).toBe(200);
    expect(again.headers.get('etag')).toBe('"0"'); // nothing changed: no new version
  });
});

describe('generateId', () => {
  const pet = { name: 'Newbie', type: 'cat', status: 'available', price: 30 };

  it('gives a create without a key a unique id that sorts by creation time', async () => {
    // Act
    clock = Date.parse('2035-03-01T12:00:00.000Z');
    const first = await h.request('POST', '/item', { headers: as.key('creator'), body: pet });
    const same = await h.request('POST', '/item', { headers: as.key('creator'), body: pet });
    clock = Date.parse('2035-03-01T12:00:00.001Z');
    const later = await h.request('POST', '/item', { headers: as.key('creator'), body: pet });
    clock = Date.parse('2036-01-01T00:00:00Z');
    const much = await h.request('POST', '/item', { headers: as.key('creator'), body: pet });
    // Assess
    const ids = [first, same, later, much].map((r) => {
      expect(r.status).toBe(201);
      return (r.body as { id: string }).id;
    });
    expect(new Set(ids).size).toBe(4);
    expect(ids[0]! < ids[2]! && ids[1]! < ids[2]! && ids[2]! < ids[3]!).toBe(true);
    for (const id of ids) expect(await storedItem(h, id)).toMatchObject({ ...pet, id, _version: expect.any(Number) });
  });

  it('still takes a key the body gives', async () => {
    const res = await h.request('POST', '/item', { headers: as.key('creator'), body: { ...pet, id: 'chosen' } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id: 'chosen' });
  });
});
