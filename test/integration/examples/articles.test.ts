// The articles example (Balrog's demo, docs/tutorials/articles.md) replayed through HTTP on DynamoDB Local: anonymous visitors
// read, the reader reads and comments, the writer also posts; the comment action appends {by, text} atomically.

import policyDoc from '../../../example/articles/policy';
import app from '../../../example/articles/scoutr.config';
import { loadPolicy } from '../../../src';
import { startExample } from '../../support/examples';
import { as, type Harness } from '../../support/harness';
import { ARTICLE_FLOWS, ARTICLE_IDENTITIES } from '../../unit/examples/articles-flows';
import { scanAudit, snapshot, storedItem } from '../write/support';

let h: Harness;
beforeAll(async () => {
  h = await startExample('articles');
});
afterAll(() => h.close());

const headersOf = (identity: string) => (identity === 'anonymous' ? {} : as.user(identity.slice('user:'.length)));
const BODIES: Record<string, unknown> = {
  POST: { title: 'On rings', body: 'One to rule them all.' },
  PATCH: { title: 'Retitled' },
};
const policy = loadPolicy(policyDoc, { anonymousRole: app.anonymousRole });

describe.each(ARTICLE_IDENTITIES)('%s', (_who, identity) => {
  it.each(ARTICLE_FLOWS)('%s: the server decides as can() does', async (_flow, method, path) => {
    const body = path.endsWith('/comment') ? { text: 'well said' } : BODIES[method];
    const before = await snapshot(h);
    const res = await h.request(method, path, { headers: headersOf(identity), ...(body ? { body } : {}) });
    if (policy.can(identity, method, path).allowed) {
      expect(res.status).toBe(method === 'POST' && path === '/article' ? 201 : 200);
    } else {
      // Without an identity the answer is 401 (sign in); with one, 403. Nothing is written either way.
      expect(res.status).toBe(identity === 'anonymous' ? 401 : 403);
      expect(res.body).toMatchObject({ code: identity === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN' });
      const after = await snapshot(h);
      expect(after.data).toEqual(before.data);
    }
  });
});

it('replays the demo: the writer posts, both comment, anyone reads the comments in order', async () => {
  const posted = await h.request('POST', '/article', {
    headers: as.user('writer'),
    body: { title: 'You shall not pass', body: 'A Balrog of Morgoth.' },
  });
  expect(posted.status).toBe(201);
  const id = (posted.body as { id: string }).id;
  expect(id).toMatch(/\S/);

  const byReader = await h.request('POST', `/article/${id}/comment`, {
    headers: as.user('reader'),
    body: { text: 'Fly, you fools!' },
  });
  expect(byReader.status).toBe(200);
  expect(byReader.body).toEqual({
    id,
    title: 'You shall not pass',
    body: 'A Balrog of Morgoth.',
    comments: [{ by: 'reader', text: 'Fly, you fools!' }],
  });
  const byWriter = await h.request('POST', `/article/${id}/comment`, {
    headers: as.user('writer'),
    body: { text: 'Thanks' },
  });
  expect(byWriter.status).toBe(200);

  const read = await h.request('GET', `/article/${id}`);
  expect(read.status).toBe(200);
  expect((read.body as { comments: unknown }).comments).toEqual([
    { by: 'reader', text: 'Fly, you fools!' },
    { by: 'writer', text: 'Thanks' },
  ]);
  const list = await h.request('GET', '/articles');
  expect((list.body as { id: string }[]).map((a) => a.id)).toContain(id);

  // Each comment is audited under the action's own name, with the body the caller sent.
  const comments = (await scanAudit(h)).filter((r) => r.action === 'COMMENT' && r.resource_key === id);
  expect(comments).toHaveLength(2);
  expect(comments.map((r) => r.body)).toEqual(
    expect.arrayContaining([{ text: 'Fly, you fools!' }, { text: 'Thanks' }]),
  );
});

it.each([
  ['no body', undefined, 400, 'INVALID_BODY'],
  ['an empty text', { text: '' }, 400, 'INVALID_BODY'],
  ['a text of white space', { text: '   ' }, 400, 'INVALID_BODY'],
  ['a text that is not a string', { text: 42 }, 400, 'INVALID_BODY'],
  ['a forged author', { text: 'hi', by: 'writer' }, 400, 'INVALID_BODY'],
  ['a text over 2000 characters', { text: 'x'.repeat(2001) }, 400, 'INVALID_BODY'],
  ['a list', [{ text: 'hi' }], 400, 'INVALID_BODY'],
])('refuses a comment with %s, and writes nothing', async (_label, body, status, code) => {
  const before = await snapshot(h);
  const res = await h.request('POST', '/article/welcome/comment', {
    headers: as.user('reader'),
    ...(body === undefined ? {} : { body }),
  });
  expect({ status: res.status, code: (res.body as { code?: string }).code }).toEqual({ status, code });
  expect(await snapshot(h)).toEqual(before);
});

it('answers 404 for a comment on an article that does not exist', async () => {
  const res = await h.request('POST', '/article/nope/comment', { headers: as.user('reader'), body: { text: 'hi' } });
  expect(res.status).toBe(404);
  expect(res.body).toMatchObject({ code: 'NOT_FOUND' });
});

it('keeps comments to the comment action: a post carrying comments is refused', async () => {
  const before = await snapshot(h);
  const res = await h.request('POST', '/article', {
    headers: as.user('writer'),
    body: { title: 'Forged', body: 'x', comments: [{ by: 'reader', text: 'I never said this' }] },
  });
  expect(res.status).toBe(400);
  expect(res.body).toMatchObject({ code: 'CONDITION_FAILED' });
  expect((await snapshot(h)).data).toEqual(before.data);
});

it('lands every one of concurrent comments from two servers: each is appended to what its attempt read', async () => {
  const posted = await h.request('POST', '/article', {
    headers: as.user('writer'),
    body: { title: 'Busy', body: 'b' },
  });
  const id = (posted.body as { id: string }).id;
  const peer = await h.peer();
  const texts = Array.from({ length: 12 }, (_, i) => `comment ${i}`);
  const replies = await Promise.all(
    texts.map((text, i) =>
      (i % 2 === 0 ? h : peer).request('POST', `/article/${id}/comment`, {
        headers: as.user(i % 3 === 0 ? 'writer' : 'reader'),
        body: { text },
      }),
    ),
  );
  expect(replies.map((r) => r.status)).toEqual(texts.map(() => 200));
  const stored = (await storedItem(h, id)) as { comments: { text: string }[] };
  expect(stored.comments.map((c) => c.text).sort()).toEqual([...texts].sort());
});
