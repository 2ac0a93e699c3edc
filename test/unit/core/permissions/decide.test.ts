import { loadPolicy as corePolicy } from '../../../../src/core/policy/load-policy';
import { shownDecision } from '../../../../src/http/decision';

// The core decides with codes; the HTTP status, and the "(403)" after a reason, are the edge's (issue 22, item 5).

const doc = {
  version: 1,
  records: {
    reader: { type: 'API_KEY', permitted_endpoints: ['GET /items', 'GET /item/[^/]+'] },
    owner: {
      type: 'USERNAME',
      permitted_endpoints: ['* /item/[^/]+'],
      update_filters: [{ field: 'owner', value: 'owen' }],
    },
  },
};
const policy = corePolicy(doc);
const sold = { id: 'p-2', owner: 'ann' };

it.each([
  { who: 'key:reader', method: 'DELETE', path: '/item/p-1', item: undefined, code: 'FORBIDDEN', status: 403 },
  { who: 'key:nobody', method: 'GET', path: '/items', item: undefined, code: 'UNAUTHENTICATED', status: 401 },
  { who: 'user:owner', method: 'PATCH', path: '/item/p-2', item: sold, code: 'FORBIDDEN', status: 403 },
] as const)(
  'denies $who $method $path with $code, and no status in its reason',
  ({ who, method, path, item, code, status }) => {
    const d = policy.can(who, method, path, item);
    expect(d).toMatchObject({ allowed: false, code });
    expect(d.reason).not.toMatch(/\(\d{3}\)$/);
    expect('status' in d).toBe(false);
    expect(shownDecision(d)).toMatchObject({ code, status, reason: `${d.reason} (${status})` });
  },
);

it('shows an allowed decision as it is, and a shown decision once', () => {
  const allowed = policy.can('key:reader', 'GET', '/items');
  expect(shownDecision(allowed)).toBe(allowed);
  const denied = shownDecision(policy.can('key:reader', 'DELETE', '/item/p-1'));
  expect(shownDecision(denied)).toBe(denied);
});
