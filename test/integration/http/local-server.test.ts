import { as, type Harness, startHarness } from '../../support/harness';

// The local server's event adapter must treat every query key as data, as API Gateway does.

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    seed: {
      items: [
        { id: 'a', toString: 'x', valueOf: 1 },
        { id: 'b', toString: 'y' },
      ],
      authRecords: [{ id: 'k', type: 'API_KEY', permitted_endpoints: [{ method: 'GET', endpoint: '/items' }] }],
    },
  });
});
afterAll(() => h.close());

it.each([
  ['toString=x', ['a']],
  ['valueOf=1', ['a']],
  ['hasOwnProperty__exists=false', ['a', 'b']],
])('filters on a field named like an Object.prototype member: %s', async (query, ids) => {
  const res = await h.request('GET', `/items?${query}`, { headers: as.key('k') });
  expect(res.status).toBe(200);
  expect((res.body as Array<{ id: string }>).map((i) => i.id).sort()).toEqual(ids);
});

it.each(['__proto__=1', 'constructor=1', 'a.prototype=1'])(
  'answers %s with 400 INVALID_QUERY, not 500',
  async (query) => {
    const res = await h.request('GET', `/items?${query}`, { headers: as.key('k') });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'INVALID_QUERY' });
  },
);
