// Seed data for `npm start -- --example repos`: Oso's three repositories and three users, each holding one role.

export const env = { DEFAULT_ROLE: 'public-reader', ANONYMOUS_ROLE: 'public-reader' };

export const groups = [
  {
    group_id: 'members',
    description: 'people with roles on repositories: what they may do follows their item roles',
    permitted_endpoints: [
      { method: 'GET', endpoint: '/repos' },
      { method: 'POST', endpoint: '/repo' },
      { method: 'GET', endpoint: '/repo/[^/]+' },
      { method: 'PATCH', endpoint: '/repo/[^/]+' },
      { method: 'DELETE', endpoint: '/repo/[^/]+' },
      { method: 'GET', endpoint: '/repo/[^/]+/grants' },
      { method: 'POST', endpoint: '/repo/[^/]+/grants' },
    ],
    read_filters: [{ item_role: 'contributor' }],
    update_filters: [{ item_role: 'maintainer' }],
    delete_filters: [{ item_role: 'admin' }],
  },
];

export const authRecords = [
  {
    id: 'public-reader',
    type: 'ROLE',
    description: 'everyone, signed in or not (DEFAULT_ROLE and ANONYMOUS_ROLE): reads public repositories',
    permitted_endpoints: [
      { method: 'GET', endpoint: '/repos' },
      { method: 'GET', endpoint: '/repo/[^/]+' },
    ],
    read_filters: [{ field: 'is_public', value: true }],
  },
  { id: 'larry', type: 'USERNAME', name: 'Larry', groups: ['members'] },
  { id: 'anne', type: 'USERNAME', name: 'Anne', groups: ['members'] },
  { id: 'graham', type: 'USERNAME', name: 'Graham', groups: ['members'] },
];

export const items = [
  { name: 'gmail', is_public: false, description: 'mail' },
  { name: 'react', is_public: true, description: 'a UI library' },
  { name: 'oso', is_public: false, description: 'authorization' },
];

export const grants = [
  { item: 'gmail', user: 'larry', roles: ['admin'] },
  { item: 'react', user: 'anne', roles: ['maintainer'] },
  { item: 'oso', user: 'graham', roles: ['contributor'] },
];

/** The identities `npm start` prints curl commands for: [label, curl headers]. */
export const identities: Array<[string, string]> = [
  ['larry (admin of gmail)', "-H 'Oidc-Claim-Sub: larry'"],
  ['anne (maintainer of react)', "-H 'Oidc-Claim-Sub: anne'"],
  ['graham (contributor of oso)', "-H 'Oidc-Claim-Sub: graham'"],
  ['anonymous (no identity)', ''],
];
