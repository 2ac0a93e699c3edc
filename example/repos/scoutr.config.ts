import { defineApp } from 'scoutr';

// Repositories with roles on each one (Oso's demo, docs/tutorials/repos.md): admin ⇒ maintainer ⇒ contributor; reading needs
// contributor, pushing (PATCH) maintainer, deleting admin; an admin may grant any role, a maintainer contributor.
// Public repositories are read by everyone, signed in or not. A repository you cannot read is 404, never 403.
export default defineApp({
  routes: { items: 'repos', item: 'repo' },
  generateId: false,
  requiredFields: ['name'],
  fieldValidation: {
    is_public: (value) => typeof value === 'boolean',
    description: (value) => typeof value === 'string' && value.length <= 1000,
  },
  itemRoles: {
    roles: ['admin', 'maintainer', 'contributor'],
    implies: { admin: ['maintainer'], maintainer: ['contributor'] },
    creator: ['admin'],
    grants: [
      { requires: 'admin', grants: ['admin', 'maintainer', 'contributor'] },
      { requires: 'maintainer', grants: ['contributor'] },
    ],
  },
  table: { name: 'repos', key: 'name' },
  // Every caller, signed in or not, reads public repositories (policy.yml).
  defaultRole: 'public-reader',
  anonymousRole: 'public-reader',
});
