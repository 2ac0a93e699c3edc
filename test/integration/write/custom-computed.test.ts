import type { JsonItem } from '../../../src/core/app';
import { defineApp } from '../../../src/core/define-app';
import { as, harnessForFile } from '../../support/harness';
import { snapshot, storedItem } from './support';

// A custom action's view of its request (docs/reference/app-config.md#custom-actions): `req.caller` says who calls, and `ops.update(id, fn)` computes
// the change from the stored item as that caller may see it, on each attempt.

const seen: JsonItem[] = [];
const app = defineApp({
  customActions: {
    TAG: {
      method: 'POST',
      path: '/item/{id}/tag',
      run: (ops, req) =>
        ops.update(req.pathParams.id, (existing) => {
          seen.push(existing);
          const tags = Array.isArray(existing.tags) ? existing.tags : [];
          return { tags: [...tags, String((ops.body() as { tag?: unknown }).tag)] };
        }),
    },
    PROBE: {
      method: 'POST',
      path: '/item/{id}/probe',
      // a change naming a field hidden from the caller, computed from the item: refused as a sent one is
      run: (ops, req) => ops.update(req.pathParams.id, () => ({ cost: 0 })),
    },
    WHO: {
      method: 'POST',
      path: '/who',
      run: async (_ops, req) => ({ status: 200, body: req.caller }),
    },
  },
});

const h = harnessForFile({
  app,
  seed: {
    items: [{ id: 'i-1', name: 'one', cost: 7, tags: ['a'] }],
    authRecords: [
      {
        id: 'tagger',
        type: 'API_KEY',
        permitted_endpoints: [{ method: 'POST', endpoint: '/item/[^/]+/(tag|probe)|/who' }],
        exclude_fields: ['cost'],
      },
      { id: 'g-who', type: 'OIDC_GROUP', permitted_endpoints: [{ method: 'POST', endpoint: '/who' }] },
    ],
  },
});

it('computes the change from the stored item without the fields hidden from the caller or reserved ones', async () => {
  const res = await h.request('POST', '/item/i-1/tag', { headers: as.key('tagger'), body: { tag: 'b' } });
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ id: 'i-1', name: 'one', tags: ['a', 'b'] });
  expect(seen.at(-1)).toEqual({ id: 'i-1', name: 'one', tags: ['a'] });
  expect(await storedItem(h, 'i-1')).toMatchObject({ cost: 7, tags: ['a', 'b'], _version: 1 });
});

it('lands every one of concurrent computed changes from two servers', async () => {
  const peer = await h.peer();
  const tags = Array.from({ length: 10 }, (_, i) => `t${i}`);
  const replies = await Promise.all(
    tags.map((tag, i) =>
      (i % 2 ? h : peer).request('POST', '/item/i-1/tag', { headers: as.key('tagger'), body: { tag } }),
    ),
  );
  expect(replies.map((r) => r.status)).toEqual(tags.map(() => 200));
  const stored = (await storedItem(h, 'i-1')) as { tags: string[] };
  expect(stored.tags.slice(2).sort()).toEqual(tags);
});

it('refuses a computed change naming a hidden field with 403, and writes nothing', async () => {
  const before = await snapshot(h);
  const res = await h.request('POST', '/item/i-1/probe', { headers: as.key('tagger') });
  expect(res.status).toBe(403);
  expect(res.body).toMatchObject({ code: 'FORBIDDEN' });
  expect(JSON.stringify(res.body)).not.toContain('7');
  expect(await snapshot(h)).toEqual(before);
});

it('answers 404 for a computed change on an item that does not exist, without calling the function', async () => {
  const calls = seen.length;
  const res = await h.request('POST', '/item/nope/tag', { headers: as.key('tagger'), body: { tag: 'x' } });
  expect(res.status).toBe(404);
  expect(seen.length).toBe(calls);
});

it('tells the action who calls: kind, id and groups, never how they came', async () => {
  const byKey = await h.request('POST', '/who', { headers: as.key('tagger') });
  expect(byKey.body).toEqual({ kind: 'api_key', id: 'tagger', groups: [] });
  const byUser = await h.request('POST', '/who', { headers: as.user('uma', ['g-who']) });
  expect(byUser.body).toMatchObject({ kind: 'oidc', id: 'uma', groups: ['g-who'] });
  expect(Object.keys(byUser.body as object)).not.toEqual(expect.arrayContaining(['sourceIp']));
  for (const r of [byKey, byUser]) {
    expect(Object.keys(r.body as object).filter((k) => ['sourceIp', 'userAgent', 'apiKeyId'].includes(k))).toEqual([]);
  }
});
