import { restEvent } from '../../factories/events';
import { apiKey, expectError, get, idsOf, invoke, oidcGroup, post, userRecord } from '../../factories/http';
import { as, type Harness, startHarness } from '../../support/harness';

// docs/reference/permissions.md#auth-records-and-groups, docs/reference/permissions.md#404-or-403: rows visible = OR over the roles that permit the request of each role's read filter, which is
// the AND of filter_fields and read_filters over the record and all its groups. A row the caller cannot see is 404.

/** A record value naming the caller (`${user.username}`), as stored in the auth table. */
const callerValue = (attr: string) => `\${user.${attr}}`;

const reader = [get('/items(/[^/]+/[^/]+)?'), get('/item/[^/]+'), post('/search/[^/]+')];
const items = [
  { id: 'r1', owner: 'owen', status: 'Active', type: 'dog', region: 'emea', qty: 3 },
  { id: 'r2', owner: 'owen', status: 'Inactive', type: 'cat', region: 'apac', qty: '3' },
  { id: 'r3', owner: 'zoe', status: 'Active', type: 'cat', region: 'emea', qty: 12 },
  { id: 'r4', status: 'Active', type: 'dog', region: 'apac', qty: 1, contact: 'svc@example.com' },
  { id: 'r5', owner: 'zoe', status: 'Draft', type: 'bird', region: 'amer' },
];
const ALL = ['r1', 'r2', 'r3', 'r4', 'r5'];

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    seed: {
      items,
      groups: [
        { group_id: 'dogs', read_filters: [{ field: 'type', value: 'dog' }] },
        { group_id: 'legacy-emea', filter_fields: [{ field: 'region', value: 'emea' }] },
      ],
      authRecords: [
        apiKey('open', { permitted_endpoints: reader }),
        apiKey('active', { permitted_endpoints: reader, read_filters: [{ field: 'status', value: 'Active' }] }),
        userRecord('owen', {
          permitted_endpoints: reader,
          read_filters: [{ field: 'owner', value: callerValue('username') }],
        }),
        userRecord('u-77', {
          permitted_endpoints: reader,
          read_filters: [{ field: 'owner', value: callerValue('username') }],
        }),
        apiKey('no-email', {
          permitted_endpoints: reader,
          read_filters: [{ field: 'contact', value: callerValue('email') }],
        }),
        apiKey('svc', {
          email: 'svc@example.com',
          permitted_endpoints: reader,
          read_filters: [{ field: 'contact', value: callerValue('email') }],
        }),
        apiKey('zoe-or-me', {
          permitted_endpoints: reader,
          read_filters: [{ field: 'owner', value: [callerValue('id'), 'zoe'] }],
        }),
        apiKey('owen-or-my-email', {
          permitted_endpoints: reader,
          read_filters: [{ field: 'owner', value: ['owen', callerValue('email')] }],
        }),
        apiKey('and', {
          permitted_endpoints: reader,
          groups: ['dogs'],
          read_filters: [{ field: 'status', value: 'Active' }],
        }),
        apiKey('legacy', {
          permitted_endpoints: reader,
          filter_fields: [{ field: 'region', value: 'emea' }],
          read_filters: [{ field: 'type', value: 'cat' }],
        }),
        apiKey('legacy-group', { permitted_endpoints: reader, groups: ['legacy-emea'] }),
        apiKey('writer', {
          permitted_endpoints: reader,
          create_filters: [{ field: 'status', value: 'Draft' }],
          update_filters: [{ field: 'status', value: 'Draft' }],
          delete_filters: [{ field: 'status', value: 'Draft' }],
        }),
        apiKey('cheap', { permitted_endpoints: reader, read_filters: [{ field: 'qty', operator: 'lt', value: 10 }] }),
        apiKey('typed', { permitted_endpoints: reader, read_filters: [{ field: 'qty', value: 3 }] }),
        apiKey('pets', { permitted_endpoints: reader, read_filters: [{ field: 'type', value: ['dog', 'cat'] }] }),
        apiKey('not-owned', {
          permitted_endpoints: reader,
          read_filters: [{ field: 'owner', operator: 'exists', value: false }],
        }),
        apiKey('not-owens', {
          permitted_endpoints: reader,
          read_filters: [{ field: 'owner', operator: 'ne', value: 'owen' }],
        }),
        apiKey('not-owned-by', {
          permitted_endpoints: reader,
          read_filters: [{ field: 'owner', operator: 'notin', value: ['owen', 'zoe'] }],
        }),
        apiKey('no-e-region', {
          permitted_endpoints: reader,
          read_filters: [{ field: 'region', operator: 'notcontains', value: 'e' }],
        }),
        userRecord('ann', { permitted_endpoints: reader, read_filters: [{ field: 'type', value: 'bird' }] }),
        oidcGroup('emea', { permitted_endpoints: reader, read_filters: [{ field: 'region', value: 'emea' }] }),
        oidcGroup('everything', { permitted_endpoints: reader }),
        userRecord('pat', { permitted_endpoints: [get('/items')], read_filters: [{ field: 'type', value: 'cat' }] }),
        oidcGroup('item-any', { permitted_endpoints: [get('/item/[^/]+')] }),
      ],
    },
  });
});
afterAll(() => h.close());

const list = async (headers: Record<string, string>, path = '/items') => {
  const res = await h.request('GET', path, { headers });
  expect(res.status).toBe(200);
  return idsOf(res.body);
};

describe('one role', () => {
  it.each([
    { caller: 'open', why: 'a role without filters', ids: ALL },
    { caller: 'active', why: 'read_filters', ids: ['r1', 'r3', 'r4'] },
    { caller: 'and', why: 'the record AND its group', ids: ['r1', 'r4'] },
    { caller: 'legacy', why: 'filter_fields AND read_filters', ids: ['r3'] },
    { caller: 'legacy-group', why: "a group's filter_fields", ids: ['r1', 'r3'] },
    { caller: 'writer', why: 'create, update and delete filters, which do not narrow reads', ids: ALL },
    { caller: 'cheap', why: 'an operator entry (numbers compare with numbers only)', ids: ['r1', 'r4'] },
    { caller: 'typed', why: 'a typed number value, which does not match the string "3"', ids: ['r1'] },
    { caller: 'pets', why: 'a list value, meaning IN', ids: ['r1', 'r2', 'r3', 'r4'] },
    { caller: 'not-owned', why: 'an exists entry', ids: ['r4'] },
    { caller: 'not-owens', why: 'a ne entry, which also matches rows without the field', ids: ['r3', 'r4', 'r5'] },
    { caller: 'not-owned-by', why: 'a notin entry, which also matches rows without the field', ids: ['r4'] },
    { caller: 'no-e-region', why: 'a notcontains entry', ids: ['r2', 'r4'] },
  ])('shows $caller the rows of $why', async ({ caller, ids }) => {
    expect(await list(as.key(caller))).toEqual(ids);
  });
});

describe('values naming the caller', () => {
  it('substitutes the placeholder user.username for an OIDC user', async () => {
    expect(await list(as.user('owen'))).toEqual(['r1', 'r2']);
  });

  it('substitutes the placeholder user.username from the JWT cognito:username claim', async () => {
    // Act
    const res = await invoke(h.runtime, 'list', restEvent({ claims: { sub: 'u-77', 'cognito:username': 'zoe' } }));
    // Assess
    expect(idsOf(res.body)).toEqual(['r3', 'r5']);
  });

  it("substitutes the placeholder user.email from an API key's record", async () => {
    expect(await list(as.key('svc'))).toEqual(['r4']);
  });

  it('substitutes the placeholder user.id as a whole list element', async () => {
    expect(await list(as.key('zoe-or-me'))).toEqual(['r3', 'r5']);
  });

  it('shows nothing when the named attribute is missing', async () => {
    expect(await list(as.key('no-email'))).toEqual([]);
  });

  it('makes the whole entry match nothing when a list element names a missing attribute', async () => {
    expect(await list(as.key('owen-or-my-email'))).toEqual([]);
  });

  it('answers 404 for a row hidden because the named attribute is missing', async () => {
    expectError(await h.request('GET', '/item/r4', { headers: as.key('no-email') }), 404, 'NOT_FOUND');
  });
});

describe('several roles', () => {
  it('shows the rows any permitting role may see (OR across roles)', async () => {
    expect(await list(as.user('ann', ['emea']))).toEqual(['r1', 'r3', 'r5']);
  });

  it('shows every row when one permitting role has no filters', async () => {
    expect(await list(as.user('ann', ['emea', 'everything']))).toEqual(ALL);
  });

  it('counts only the roles that permit the request', async () => {
    // Act: pat (cats) permits GET /items; item-any (no filters) permits only GET /item/{id}
    const listed = await list(as.user('pat', ['item-any']));
    const got = await h.request('GET', '/item/r1', { headers: as.user('pat', ['item-any']) });
    // Assess
    expect(listed).toEqual(['r2', 'r3']);
    expect(got.status).toBe(200);
  });
});

describe('a row the caller cannot see', () => {
  it('is 404 NOT_FOUND on GET /item/{id}, never 403', async () => {
    // Act
    const hidden = await h.request('GET', '/item/r2', { headers: as.key('active') });
    const absent = await h.request('GET', '/item/no-such', { headers: as.key('active') });
    // Assess: the two answers are the same, so the API never confirms that a row exists
    expect(hidden.status).toBe(404);
    expect(hidden.body).toEqual({ error: 'Item not found', code: 'NOT_FOUND' });
    expect(absent.body).toEqual(hidden.body);
    expect(hidden.headers.get('etag')).toBeNull();
  });

  it('is left out of search answers, by partition key or by another field', async () => {
    // Act
    const byKey = await h.request('POST', '/search/id', { headers: as.key('active'), body: ['r1', 'r2'] });
    const byType = await h.request('POST', '/search/type', { headers: as.key('active'), body: ['cat'] });
    // Assess
    expect(idsOf(byKey.body)).toEqual(['r1']);
    expect(idsOf(byType.body)).toEqual(['r3']);
  });

  it('is left out of path-filtered and query-filtered lists', async () => {
    expect(await list(as.key('active'), '/items/type/cat')).toEqual(['r3']);
    expect(await list(as.key('active'), '/items?type=dog')).toEqual(['r1', 'r4']);
    expect(await list(as.key('active'), '/items?id=r2')).toEqual([]);
  });

  it('is shown with its ETag to a caller who can see it', async () => {
    // Act
    const res = await h.request('GET', '/item/r2', { headers: as.user('owen') });
    // Assess
    expect(res.status).toBe(200);
    expect(res.body).toEqual(items[1]);
    expect(res.headers.get('etag')).toBe('"0"');
  });
});
