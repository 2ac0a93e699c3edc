import { as, type Harness, startHarness } from '../../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    seed: {
      items: [
        { id: 'a', status: 'Active', qty: 5 },
        { id: 'b', status: 'Inactive', qty: 1 },
      ],
      authRecords: [{ id: 'k1', type: 'API_KEY', permitted_endpoints: [{ method: 'GET', endpoint: '/items' }] }],
    },
  });
});
afterAll(() => h.close());

it('lists visible items through the local server for a permitted API key', async () => {
  // Act
  const res = await h.request('GET', '/items?qty__gt=3', { headers: as.key('k1') });
  // Assess
  expect(res.status).toBe(200);
  expect(res.body).toEqual([{ id: 'a', status: 'Active', qty: 5 }]);
});

it('answers 401 without an identity and 403 outside the permitted endpoints', async () => {
  expect((await h.request('GET', '/items')).status).toBe(401);
  expect((await h.request('GET', '/item/a', { headers: as.key('k1') })).body).toEqual({
    error: 'Not permitted: GET /item/a',
    code: 'FORBIDDEN',
  });
});
