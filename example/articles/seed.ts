// Seed data for `npm start -- --example articles`: one article with one comment. The roles are
// example/articles/policy.ts; callers without an identity hold its `anonymous` role by ANONYMOUS_ROLE.

export const env = { ANONYMOUS_ROLE: 'anonymous' };

export const items = [
  {
    id: 'welcome',
    title: 'You shall not pass',
    body: 'Roles declared in code, tested flow by flow.',
    comments: [{ by: 'reader', text: 'First!' }],
  },
];

/** The identities `npm start` prints curl commands for: [label, curl headers]. */
export const identities: Array<[string, string]> = [
  ['anonymous (no identity; read)', ''],
  ['reader (user: read, comment)', "-H 'Oidc-Claim-Sub: reader'"],
  ['writer (author: read, post, comment)', "-H 'Oidc-Claim-Sub: writer'"],
];
