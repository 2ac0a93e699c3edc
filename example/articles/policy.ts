import type { PolicyDocument } from 'scoutr';

// The articles example's roles, declared in code as Balrog declares them (docs/tutorials/articles.md) and applied at seed time
// through the same code as `scoutr policy apply example/articles/policy.ts`. A permission is a group naming the
// endpoints of one action; a role is a group of permissions; each identity holds exactly one role.

type Group = NonNullable<PolicyDocument['groups']>[string];

/** Balrog's permissions: `article.read`, `article.post`, `article.comment`. */
const permissions = {
  'article.read': {
    description: 'list and read articles',
    permitted_endpoints: ['GET /articles', 'GET /article/[^/]+'],
  },
  'article.post': {
    description: 'write a new article',
    permitted_endpoints: ['POST /article'],
  },
  'article.comment': {
    description: 'comment on an article: the comment action may change comments and nothing else',
    permitted_endpoints: ['POST /article/[^/]+/comment'],
    update_fields_permitted: ['comments'],
  },
} satisfies Record<string, Group>;
type Permission = keyof typeof permissions;

const role = (description: string, granted: Permission[]): Group => ({ description, groups: granted });

/** Balrog's roles. */
export const roles = {
  anonymous: role('anonymous visitors read articles', ['article.read']),
  user: role('user accounts read and comment on articles', ['article.read', 'article.comment']),
  author: role('author accounts read, post and comment on articles', [
    'article.read',
    'article.post',
    'article.comment',
  ]),
} satisfies Record<string, Group>;
export type RoleName = keyof typeof roles;

const policy: PolicyDocument = {
  version: 1,
  groups: { ...permissions, ...roles },
  records: {
    // Callers without an identity, by ANONYMOUS_ROLE=anonymous (example/articles/seed.ts).
    anonymous: { type: 'ROLE', description: 'no identity', groups: ['anonymous'] },
    reader: { type: 'USERNAME', name: 'Reader', groups: ['user'] },
    writer: { type: 'USERNAME', name: 'Writer', groups: ['author'] },
  },
};
export default policy;
