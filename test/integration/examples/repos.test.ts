// The repos example (Oso's demo, docs/tutorials/repos.md) replayed through HTTP on DynamoDB Local: roles on each repository,
// admin ⇒ maintainer ⇒ contributor, public repositories read by everyone, a denied read answered 404.
import { startExample } from '../../support/examples';
import { as, type Harness } from '../../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startExample('repos');
});
afterAll(() => h.close());

const user = (id: string) => ({ headers: as.user(id) });
const anonymous = { headers: {} };
const names = (body: unknown) => (body as { name: string }[]).map((r) => r.name).sort();

it.each([
  ['larry', ['gmail', 'react']],
  ['anne', ['react']],
  ['graham', ['oso', 'react']],
  ['a stranger', ['react']],
  ['anonymous', ['react']],
])('%s reads exactly %j', async (who, want) => {
  const as_ = who === 'anonymous' ? anonymous : user(who === 'a stranger' ? 'sam' : who);
  const res = await h.request('GET', '/repos', as_);
  expect(res.status).toBe(200);
  expect(names(res.body)).toEqual(want);
  for (const repo of ['gmail', 'react', 'oso']) {
    expect((await h.request('GET', `/repo/${repo}`, as_)).status).toBe(want.includes(repo) ? 200 : 404);
  }
});

it('lets a maintainer push, not a contributor; only an admin deletes; never 403 for what cannot be read', async () => {
  expect((await h.request('PATCH', '/repo/react', { ...user('anne'), body: { description: 'pushed' } })).status).toBe(
    200,
  );
  expect((await h.request('PATCH', '/repo/oso', { ...user('graham'), body: { description: 'pushed' } })).status).toBe(
    403,
  );
  expect((await h.request('PATCH', '/repo/gmail', { ...user('anne'), body: { description: 'pushed' } })).status).toBe(
    404,
  );
  expect((await h.request('DELETE', '/repo/react', user('anne'))).status).toBe(403);
  expect((await h.request('DELETE', '/repo/gmail', user('graham'))).status).toBe(404);
  expect((await h.request('PATCH', '/repo/react', { ...anonymous, body: { description: 'x' } })).status).toBe(401);
});

it('lets an admin grant any role and a maintainer only contributor', async () => {
  // anne (maintainer of react) adds graham as contributor, but cannot make him maintainer
  const grant = (who: string, repo: string, body: unknown) =>
    h.request('POST', `/repo/${repo}/grants`, { ...user(who), body });
  expect((await grant('anne', 'react', { user: 'graham', grants: ['contributor'] })).status).toBe(200);
  expect((await grant('anne', 'react', { user: 'graham', grants: ['maintainer'] })).status).toBe(403);
  // larry (admin of gmail) makes anne maintainer: she reads and pushes gmail, since maintainer ⇒ contributor
  const res = await grant('larry', 'gmail', { user: 'anne', grants: ['maintainer'] });
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ admin: ['larry'], maintainer: ['anne'] });
  expect((await h.request('GET', '/repo/gmail', user('anne'))).status).toBe(200);
  expect((await h.request('PATCH', '/repo/gmail', { ...user('anne'), body: { description: 'mail!' } })).status).toBe(
    200,
  );
  // the last admin cannot leave
  expect((await grant('larry', 'gmail', { user: 'larry', grants: ['admin'], revoke: true })).status).toBe(409);
  // graham cannot see gmail's grants: 404; anne (a granting role) may read them
  expect((await h.request('GET', '/repo/gmail/grants', user('graham'))).status).toBe(404);
  expect((await h.request('GET', '/repo/gmail/grants', user('anne'))).status).toBe(200);
});
