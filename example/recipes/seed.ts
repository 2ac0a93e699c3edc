// Seed data for `npm start -- --example recipes`: no recipes and no grants at start (users user1, user2 and user3
// are whoever sends `Oidc-Claim-Sub`). Permissions: example/recipes/policy.yml (a ROLE record given by DEFAULT_ROLE).

export const items = [];
