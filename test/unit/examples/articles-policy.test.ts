// The articles example's roles (Balrog, docs/tutorials/articles.md), tested as Balrog recommends: one test per role and flow,
// through the package's `loadPolicy(...).can()` (the server's own evaluator), without a database. The same table is
// replayed through HTTP by test/integration/examples/articles.test.ts.

import policyDoc, { roles } from '../../../example/articles/policy';
import app from '../../../example/articles/scoutr.config';
import { loadPolicy } from '../../../src';
import { ARTICLE_FLOWS, ARTICLE_IDENTITIES, expectedFor } from './articles-flows';

const policy = loadPolicy(policyDoc, { anonymousRole: app.anonymousRole, itemRoles: app.itemRoles });

describe.each(ARTICLE_IDENTITIES)('%s', (who, identity, role) => {
  it(`holds exactly one role: ${role}`, () => {
    // One record applies, and its one group is the role.
    expect(policy.rolesOf(identity).roles.map((r) => r.id)).toEqual([who]);
    expect(policyDoc.records![who]!.groups).toEqual([role]);
  });

  it.each(ARTICLE_FLOWS)('%s', (flow, method, path) => {
    const allowed = expectedFor(role, flow);
    const d = policy.can(identity, method, path);
    expect({ allowed: d.allowed, reason: d.reason }).toEqual({ allowed, reason: expect.any(String) });
    if (allowed) expect(d.roles).toEqual([who]);
    else expect(d.roles).toEqual([]);
  });
});

it('declares each Balrog role from the permissions it names', () => {
  expect(roles.anonymous.groups).toEqual(['article.read']);
  expect(roles.user.groups).toEqual(['article.read', 'article.comment']);
  expect(roles.author.groups).toEqual(['article.read', 'article.post', 'article.comment']);
});

it('filter gives every role the articles it may read, and nothing to a signed-in user without a role', () => {
  const articles = [
    { id: 'a', title: 'A', body: 'a' },
    { id: 'b', title: 'B', body: 'b', comments: [{ by: 'reader', text: 'hi' }] },
  ];
  for (const [, identity] of ARTICLE_IDENTITIES) {
    expect(policy.filter(identity, 'GET', '/articles', articles)).toEqual(articles);
  }
  expect(policy.filter('user:stranger', 'GET', '/articles', articles)).toEqual([]);
  expect(policy.can('user:stranger', 'GET', '/articles').allowed).toBe(false);
});

it('lets the comment action change comments only', () => {
  const d = policy.can('user:reader', 'POST', '/article/a/comment', { id: 'a', title: 'A', body: 'a' });
  expect(d.allowed).toBe(true);
  expect(d.item).toMatchObject({ visible: true });
});
