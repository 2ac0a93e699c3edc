// The articles example's flows and who may run them (Balrog's roles, docs/tutorials/articles.md): one table, checked through
// `can()` (test/unit/examples/articles-policy.test.ts) and through HTTP (test/integration/examples/articles.test.ts).
import type { RoleName } from '../../../example/articles/policy';

export type Flow =
  | 'list articles'
  | 'read an article'
  | 'post an article'
  | 'comment'
  | 'edit an article'
  | 'delete an article';

/** [flow, method, path] */
export const ARTICLE_FLOWS: Array<[Flow, string, string]> = [
  ['list articles', 'GET', '/articles'],
  ['read an article', 'GET', '/article/welcome'],
  ['post an article', 'POST', '/article'],
  ['comment', 'POST', '/article/welcome/comment'],
  ['edit an article', 'PATCH', '/article/welcome'],
  ['delete an article', 'DELETE', '/article/welcome'],
];

/** [label, identity for can(), role] */
export const ARTICLE_IDENTITIES: Array<[string, string, RoleName]> = [
  ['anonymous', 'anonymous', 'anonymous'],
  ['reader', 'user:reader', 'user'],
  ['writer', 'user:writer', 'author'],
];

const MAY: Record<RoleName, readonly Flow[]> = {
  anonymous: ['list articles', 'read an article'],
  user: ['list articles', 'read an article', 'comment'],
  author: ['list articles', 'read an article', 'post an article', 'comment'],
};

export const expectedFor = (role: RoleName, flow: Flow): boolean => MAY[role].includes(flow);
