// Seed data for `npm start -- --example repos`: Oso's three repositories and who holds which role on them. The
// permissions (the public-reader role, the users and their group) are example/repos/policy.yml.

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
