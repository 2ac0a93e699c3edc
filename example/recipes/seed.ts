// Seed data for `npm start -- --example recipes`: no recipes and no grants at start (users user1, user2 and user3
// are whoever sends `Oidc-Claim-Sub`). Permissions: example/recipes/policy.yml (a ROLE record given by DEFAULT_ROLE).

export const env = { DEFAULT_ROLE: 'member' };

export const items = [];

/** The identities `npm start` prints curl commands for: [label, curl headers]. */
export const identities: Array<[string, string]> = [
  ['user1', "-H 'Oidc-Claim-Sub: user1'"],
  ['user2', "-H 'Oidc-Claim-Sub: user2'"],
  ['user3', "-H 'Oidc-Claim-Sub: user3'"],
];
