// Seed data for `npm start -- --example recipes`: no recipes and no grants at start (users user1, user2 and user3
// are whoever sends `Oidc-Claim-Sub`); one ROLE record that DEFAULT_ROLE gives every signed-in caller.

export const env = { DEFAULT_ROLE: 'member' };

export const groups = [];

export const authRecords = [
  {
    id: 'member',
    type: 'ROLE',
    description: 'every signed-in user: create recipes; read, edit and delete them as their item roles allow',
    permitted_endpoints: [
      { method: 'GET', endpoint: '/recipes' },
      { method: 'POST', endpoint: '/recipe' },
      { method: 'GET', endpoint: '/recipe/[^/]+' },
      { method: 'PATCH', endpoint: '/recipe/[^/]+' },
      { method: 'DELETE', endpoint: '/recipe/[^/]+' },
      { method: 'GET', endpoint: '/recipe/[^/]+/grants' },
      { method: 'POST', endpoint: '/recipe/[^/]+/grants' },
      { method: 'GET', endpoint: '/history/[^/]+' },
    ],
    read_filters: [{ item_role: 'view' }],
    update_filters: [{ item_role: 'edit' }],
    delete_filters: [{ item_role: 'own' }],
  },
];

export const items = [];

/** The identities `npm start` prints curl commands for: [label, curl headers]. */
export const identities: Array<[string, string]> = [
  ['user1', "-H 'Oidc-Claim-Sub: user1'"],
  ['user2', "-H 'Oidc-Claim-Sub: user2'"],
  ['user3', "-H 'Oidc-Claim-Sub: user3'"],
];
