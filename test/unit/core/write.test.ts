import type { Caller } from '../../../src/core/caller';
import type { AuthRecord } from '../../../src/core/permissions/record';
import { buildRole, type Role } from '../../../src/core/permissions/roles';
import type { Item } from '../../../src/core/values';
import {
  applyChanges,
  fieldsNoRoleMayUpdate,
  mayUpdateField,
  rolesAllowingCreate,
  rolesAllowingDelete,
  rolesAllowingUpdate,
  versionOf,
} from '../../../src/core/write';

// The in-memory decisions of a write (docs/reference/permissions.md#writes).

const caller: Caller = { kind: 'oidc', id: 'u-1', username: 'u-1', groups: [] };
const role = (id: string, fields: Omit<AuthRecord, 'id'> = {}): Role =>
  buildRole({ id, type: 'OIDC_GROUP', ...fields }, 'OIDC_GROUP', new Map(), caller);
const ids = (roles: Role[]) => roles.map((r) => r.id);
// biome-ignore lint/suspicious/noTemplateCurlyInString: a Scoutr placeholder, not a JS template
const ME = '${user.username}';

describe('versionOf', () => {
  it.each([
    { item: {}, want: 0 },
    { item: { _version: { N: '7' } }, want: 7 },
    { item: { _version: { S: '7' } }, want: 0 },
  ] as Array<{ item: Item; want: number }>)('$item → $want', ({ item, want }) => {
    expect(versionOf(item)).toBe(want);
  });
});

describe('applyChanges', () => {
  const stored: Item = { id: { S: 'a' }, n: { N: '1' }, s: { S: '1' }, tags: { L: [{ S: 'x' }] } };

  it.each([
    { what: 'a new field', body: { m: { S: 'v' } }, changed: ['m'] },
    { what: 'the same value', body: { s: { S: '1' } }, changed: [] },
    { what: 'the same number written another way', body: { n: { N: '1.0' } }, changed: [] },
    { what: 'the same text as another type', body: { s: { N: '1' } }, changed: ['s'] },
    { what: 'an equal list', body: { tags: { L: [{ S: 'x' }] } }, changed: [] },
    { what: 'a longer list', body: { tags: { L: [{ S: 'x' }, { S: 'y' }] } }, changed: ['tags'] },
    { what: 'null for a present field', body: { n: null }, changed: ['n'] },
    { what: 'null for an absent field', body: { gone: null }, changed: [] },
  ] as Array<{ what: string; body: Record<string, Item[string] | null>; changed: string[] }>)(
    '$what changes $changed',
    ({ body, changed }) => {
      expect(applyChanges(stored, body).changed).toEqual(changed);
    },
  );

  it('sets values and removes nulls in the post-image, leaving the stored item alone', () => {
    const copy = structuredClone(stored);
    const { post } = applyChanges(stored, { n: null, m: { BOOL: true } });
    expect(post).toEqual({ id: { S: 'a' }, s: { S: '1' }, tags: { L: [{ S: 'x' }] }, m: { BOOL: true } });
    expect(stored).toEqual(copy);
  });
});

describe('mayUpdateField', () => {
  it.each([
    { fields: {}, field: 'anything', want: true },
    { fields: { update_fields_permitted: ['name'] }, field: 'name', want: true },
    { fields: { update_fields_permitted: ['name'] }, field: 'price', want: false },
    { fields: { update_fields_permitted: [] }, field: 'name', want: false },
    { fields: { update_fields_restricted: ['owner'] }, field: 'owner', want: false },
    { fields: { update_fields_restricted: ['meta.locked'] }, field: 'meta', want: false },
    { fields: { update_fields_restricted: ['owner'] }, field: 'owner_name', want: true },
    { fields: { exclude_fields: ['cost'] }, field: 'cost', want: false },
    { fields: { exclude_fields: ['supplier.contact'] }, field: 'supplier', want: false },
    { fields: { update_fields_permitted: ['cost'], exclude_fields: ['cost'] }, field: 'cost', want: false },
    {
      fields: { update_fields_permitted: ['owner'], update_fields_restricted: ['owner'] },
      field: 'owner',
      want: false,
    },
  ] as Array<{ fields: Omit<AuthRecord, 'id'>; field: string; want: boolean }>)(
    '$fields: $field → $want',
    ({ fields, field, want }) => {
      expect(mayUpdateField(role('r', fields), field)).toBe(want);
    },
  );

  it('unions permitted lists over a role and its groups', () => {
    const r = buildRole(
      { id: 'r', type: 'OIDC_GROUP', update_fields_permitted: ['name'], groups: ['g'] },
      'OIDC_GROUP',
      new Map([['g', { group_id: 'g', update_fields_permitted: ['notes'] }]]),
      caller,
    );
    expect(['name', 'notes', 'price'].map((f) => mayUpdateField(r, f))).toEqual([true, true, false]);
  });
});

describe('rolesAllowingUpdate', () => {
  const teamA: Item = { id: { S: 'x' }, team: { S: 'a' } };
  const teamB: Item = { id: { S: 'x' }, team: { S: 'b' } };
  const editsA = role('edits-a', {
    read_filters: [{ field: 'team', operator: 'in', value: ['a', 'b'] }],
    update_filters: [{ field: 'team', value: 'a' }],
  });
  const readsA = role('reads-a', { read_filters: [{ field: 'team', value: 'a' }] });
  const names = role('names', { update_fields_permitted: ['name'] });

  it('needs the stored row inside the read and update filters', () => {
    expect(ids(rolesAllowingUpdate([editsA, readsA], teamA, teamA, ['name']))).toEqual(['edits-a', 'reads-a']);
    expect(ids(rolesAllowingUpdate([editsA], teamB, teamB, ['name']))).toEqual([]);
  });

  it('needs the post-image inside them too: no role moves a row out of its own reach', () => {
    expect(ids(rolesAllowingUpdate([editsA, readsA], teamA, teamB, ['team']))).toEqual([]);
  });

  it('needs every changed field updatable in the same role', () => {
    expect(ids(rolesAllowingUpdate([names], teamA, teamA, ['name']))).toEqual(['names']);
    expect(ids(rolesAllowingUpdate([names], teamA, teamA, ['name', 'price']))).toEqual([]);
    expect(ids(rolesAllowingUpdate([names], teamA, teamA, []))).toEqual(['names']);
  });

  it('combines filter_fields with the update filters', () => {
    const legacy = role('legacy', { filter_fields: [{ field: 'team', value: 'a' }] });
    expect(ids(rolesAllowingUpdate([legacy], teamA, teamA, ['n']))).toEqual(['legacy']);
    expect(ids(rolesAllowingUpdate([legacy], teamB, teamB, ['n']))).toEqual([]);
  });

  it('names the changed fields no role may update', () => {
    const prices = role('prices', { update_fields_permitted: ['price'] });
    expect(fieldsNoRoleMayUpdate([names, prices], ['name', 'price', 'cost'])).toEqual(['cost']);
    expect(fieldsNoRoleMayUpdate([names, prices], ['name', 'price'])).toEqual([]);
  });
});

describe('rolesAllowingUpdate with update_check_filters (WITH CHECK)', () => {
  // "Members may set borrower to themselves on a book nobody has borrowed" (docs/reference/permissions.md#auth-records-and-groups, docs/reference/permissions.md#writes).
  const free: Item = { id: { S: 'b1' } };
  const mine: Item = { id: { S: 'b1' }, borrower: { S: 'u-1' } };
  const theirs: Item = { id: { S: 'b1' }, borrower: { S: 'u-2' } };
  const borrowing = {
    update_filters: [{ field: 'borrower', operator: 'exists', value: false }],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Scoutr placeholder, not a JS template
    update_check_filters: [{ field: 'borrower', value: '${user.id}' }],
  };
  const member = role('member', borrowing);

  it('decides the stored row on update_filters and the new row on update_check_filters', () => {
    expect(ids(rolesAllowingUpdate([member], free, mine, ['borrower']))).toEqual(['member']);
  });

  it('refuses a new row outside update_check_filters, and a stored row outside update_filters', () => {
    expect(ids(rolesAllowingUpdate([member], free, theirs, ['borrower']))).toEqual([]);
    expect(ids(rolesAllowingUpdate([member], free, free, ['title']))).toEqual([]);
    expect(ids(rolesAllowingUpdate([member], theirs, mine, ['borrower']))).toEqual([]);
  });

  it('checks the new row against update_filters for a role without update_check_filters, as before', () => {
    const only = role('only', { update_filters: borrowing.update_filters });
    expect(ids(rolesAllowingUpdate([only], free, mine, ['borrower']))).toEqual([]);
    expect(ids(rolesAllowingUpdate([only], free, free, ['title']))).toEqual(['only']);
  });

  it('still needs the new row inside the read filters', () => {
    const hidesMine = role('hides', {
      ...borrowing,
      read_filters: [{ field: 'borrower', operator: 'ne', value: 'u-1' }],
    });
    expect(ids(rolesAllowingUpdate([hidesMine], free, mine, ['borrower']))).toEqual([]);
  });

  it('takes them from any set of the role: a group declaring them replaces update_filters as the check', () => {
    const r = buildRole(
      { id: 'r', type: 'OIDC_GROUP', update_filters: borrowing.update_filters, groups: ['g'] },
      'OIDC_GROUP',
      new Map([['g', { group_id: 'g', update_check_filters: borrowing.update_check_filters }]]),
      caller,
    );
    expect(ids(rolesAllowingUpdate([r], free, mine, ['borrower']))).toEqual(['r']);
    expect(ids(rolesAllowingUpdate([r], free, theirs, ['borrower']))).toEqual([]);
  });

  it('ANDs filter_fields into the check, and an empty list checks nothing beyond them', () => {
    const legacy = role('legacy', {
      filter_fields: [{ field: 'shelf', value: 'a' }],
      update_check_filters: [],
      update_filters: borrowing.update_filters,
    });
    const onShelf = (item: Item): Item => ({ ...item, shelf: { S: 'a' } });
    expect(ids(rolesAllowingUpdate([legacy], onShelf(free), onShelf(theirs), ['borrower']))).toEqual(['legacy']);
    expect(ids(rolesAllowingUpdate([legacy], onShelf(free), theirs, ['borrower', 'shelf']))).toEqual([]);
  });
});

describe('rolesAllowingCreate', () => {
  it.each([
    { what: 'no filters', fields: {}, item: { team: { S: 'z' } }, ok: true },
    {
      what: 'inside the create filters',
      fields: { create_filters: [{ field: 'team', value: 'a' }] },
      item: { team: { S: 'a' } },
      ok: true,
    },
    {
      what: 'outside the create filters',
      fields: { create_filters: [{ field: 'team', value: 'a' }] },
      item: { team: { S: 'b' } },
      ok: false,
    },
    {
      what: 'outside the read filters',
      fields: { read_filters: [{ field: 'owner', value: ME }] },
      item: { owner: { S: 'someone' } },
      ok: false,
    },
    {
      what: 'inside the read filters',
      fields: { read_filters: [{ field: 'owner', value: ME }] },
      item: { owner: { S: 'u-1' } },
      ok: true,
    },
    { what: 'carrying an excluded field', fields: { exclude_fields: ['cost'] }, item: { cost: { N: '1' } }, ok: false },
    {
      what: 'carrying the parent of an excluded path',
      fields: { exclude_fields: ['meta.secret'] },
      item: { meta: { M: {} } },
      ok: false,
    },
    {
      what: 'with update filters it does not meet',
      fields: { update_filters: [{ field: 'team', value: 'a' }] },
      item: { team: { S: 'b' } },
      ok: true,
    },
  ] as Array<{ what: string; fields: Omit<AuthRecord, 'id'>; item: Item; ok: boolean }>)(
    'a new item $what: allowed=$ok',
    ({ fields, item, ok }) => {
      expect(rolesAllowingCreate([role('r', fields)], { id: { S: 'n' }, ...item }).length > 0).toBe(ok);
    },
  );
});

describe('rolesAllowingDelete', () => {
  const r = role('r', {
    read_filters: [{ field: 'team', operator: 'in', value: ['a', 'b'] }],
    delete_filters: [{ field: 'team', value: 'a' }],
  });
  it.each([
    { team: 'a', ok: true },
    { team: 'b', ok: false },
    { team: 'c', ok: false },
  ])('team $team: allowed=$ok', ({ team, ok }) => {
    expect(rolesAllowingDelete([r], { team: { S: team } }).length > 0).toBe(ok);
  });
});
