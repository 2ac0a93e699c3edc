import { exampleDir } from '../../../scripts/examples';
import { startTestServer } from '../../../src/testing';

// `scoutr/testing` (docs/reference/package.md#testing-helpers-scoutrtesting): a project's API on its own embedded DynamoDB, for the project's tests.

jest.setTimeout(120_000);

it("serves a project's folder as scoutr dev does: its policy applied, its seed put", async () => {
  const api = await startTestServer({ dir: exampleDir('repos') });
  try {
    // Oso's demo: the public repository is read by anyone, a private one only by its role holders
    expect((await api.request('GET', '/repo/react')).status).toBe(200);
    expect((await api.request('GET', '/repo/gmail')).status).toBe(404);
    const larry = await api.request('GET', '/repo/gmail', { headers: { 'Oidc-Claim-Sub': 'larry' } });
    expect(larry).toMatchObject({ status: 200, body: { name: 'gmail', is_public: false } });
    const refused = await api.request('PATCH', '/repo/react', { body: { description: 'x' } });
    expect(refused).toMatchObject({ status: 401, body: { code: 'UNAUTHENTICATED' } });
  } finally {
    await api.close();
  }
});

it('takes an app config, a policy and seed items as values', async () => {
  const api = await startTestServer({
    app: { table: { key: 'sku' }, routes: { items: 'parts', item: 'part' } },
    policy: {
      version: 1,
      records: { shop: { type: 'API_KEY', permitted_endpoints: ['GET /parts'], exclude_fields: ['cost'] } },
    },
    seed: { items: [{ sku: 'a', cost: 3, name: 'bolt' }] },
  });
  try {
    const res = await api.request('GET', '/parts', { headers: { 'x-api-key': 'shop' } });
    expect(res).toMatchObject({ status: 200, body: [{ sku: 'a', name: 'bolt' }] });
    expect((await api.request('GET', '/part/a', { headers: { 'x-api-key': 'shop' } })).status).toBe(403);
  } finally {
    await api.close();
  }
});
