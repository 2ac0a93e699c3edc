// Seed data for `npm start -- --example articles`: one article with one comment. The roles are
// example/articles/policy.ts; callers without an identity hold its `anonymous` role by ANONYMOUS_ROLE.

export const items = [
  {
    id: 'welcome',
    title: 'You shall not pass',
    body: 'Roles declared in code, tested flow by flow.',
    comments: [{ by: 'reader', text: 'First!' }],
  },
];
