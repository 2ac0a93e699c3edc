// The planning decision of docs/reference/item-roles.md#planning-what-a-list-costs: a list whose every counting role needs an item role of the caller
// is served from the caller's grants rows; key lookups stay key lookups; anything else plans as before.
import { and, type Filter, type Pred } from '../../../src/core/filter/types';
import { checkItemRoles, isItemRolePred, itemRolePred, needsItemRole } from '../../../src/core/item-roles';
import { planList, planRead, planSearch, summarize } from '../../../src/core/plan';
import type { TableSchema } from '../../../src/core/schema';

const schema: TableSchema = {
  table: 'recipes',
  partitionKey: { name: 'id', type: 'S' },
  indexes: [{ name: 'owner-index', partitionKey: { name: 'owner', type: 'S' }, sortKey: undefined, projectsAll: true }],
};
const roles = checkItemRoles({ roles: ['own', 'edit', 'view'], implies: { own: ['edit'], edit: ['view'] } });
const view = (user: string | undefined) => itemRolePred(roles, 'view', user);
const own = (user: string | undefined) => itemRolePred(roles, 'own', user);
const eq = (field: string, value: string): Filter => ({ op: 'eq', field, value: { S: value } });

describe('isItemRolePred', () => {
  it('recognises the item-role condition of the user, for a role implied by several or by itself alone', () => {
    // Prepare
    const byMany = view('u1') as Filter;
    const byOne = own('u1') as Filter;
    // Assess
    expect(byMany.op).toBe('or');
    expect(byOne.op).toBe('member');
    expect(isItemRolePred(byMany, 'u1')).toBe(true);
    expect(isItemRolePred(byOne, 'u1')).toBe(true);
  });

  it.each<{ name: string; f: Filter }>([
    { name: 'another user', f: view('u2') as Filter },
    { name: 'an ordinary contains', f: { op: 'contains', field: 'tags', value: { S: 'u1' } } },
    { name: 'a nested _acl path', f: { op: 'member', field: '_acl.view.x', value: { S: 'u1' } } },
    { name: 'a contains on _acl, not membership', f: { op: 'contains', field: '_acl.view', value: { S: 'u1' } } },
    { name: 'an OR mixing in another field', f: { op: 'or', children: [own('u1') as Filter, eq('public', 'yes')] } },
    { name: 'an equality', f: eq('owner', 'u1') },
  ])('does not take $name for one', ({ f }) => {
    expect(isItemRolePred(f, 'u1')).toBe(false);
  });
});

describe('needsItemRole', () => {
  it.each<{ name: string; filters: Pred[]; user: string | undefined; want: boolean }>([
    { name: 'one role reading by item role', filters: [view('u1')], user: 'u1', want: true },
    {
      name: 'an item role among other conjuncts',
      filters: [and([eq('kind', 'soup'), view('u1')])],
      user: 'u1',
      want: true,
    },
    {
      name: 'two roles, both by item role',
      filters: [view('u1'), and([own('u1'), eq('a', 'b')])],
      user: 'u1',
      want: true,
    },
    { name: 'a role that shows nothing beside one by item role', filters: [false, view('u1')], user: 'u1', want: true },
    { name: 'a role reading every row', filters: [view('u1'), true], user: 'u1', want: false },
    { name: 'a role reading by another field', filters: [view('u1'), eq('public', 'yes')], user: 'u1', want: false },
    {
      name: 'an item role only inside an OR',
      filters: [{ op: 'or', children: [own('u1') as Filter, eq('p', 'y')] }],
      user: 'u1',
      want: false,
    },
    { name: 'no user id', filters: [view(undefined)], user: undefined, want: false },
    { name: 'only roles showing nothing', filters: [false], user: 'u1', want: false },
    { name: 'no counting role', filters: [], user: 'u1', want: false },
  ])('is $want for $name', ({ filters, user, want }) => {
    expect(needsItemRole(filters, user)).toBe(want);
  });
});

describe('planList', () => {
  const grants = (filters: Pred[], user: string | undefined = 'u1') => ({ user, readFilters: filters });

  it('reads the grants rows when every counting role needs an item role, checking the whole filter in memory', () => {
    // Prepare
    const visible = and([eq('title', 'soup'), view('u1')]);
    // Act
    const plan = planList(visible, schema, grants([view('u1')]));
    // Assess
    expect(plan).toEqual({ kind: 'grants', user: 'u1', residual: visible });
    expect(summarize(plan)).toEqual({
      operation: 'GrantsQuery+BatchGetItem',
      keyCondition: ['principal eq'],
      inMemory: ['_acl.edit', '_acl.own', '_acl.view', 'title'],
    });
  });

  it('prefers the grants rows to an index Query, whose cost follows the index, not the caller', () => {
    const visible = and([eq('owner', 'bob'), view('u1')]);
    expect(planRead(visible, schema).kind).toBe('query');
    expect(planList(visible, schema, grants([view('u1')])).kind).toBe('grants');
  });

  it('keeps a lookup by partition key: GetItem and BatchGetItem read at most the keys named', () => {
    const one = and([eq('id', 'r1'), view('u1')]);
    const two = and([{ op: 'in', field: 'id', values: [{ S: 'r1' }, { S: 'r2' }] }, view('u1')]);
    expect(planList(one, schema, grants([view('u1')])).kind).toBe('get');
    expect(planList(two, schema, grants([view('u1')])).kind).toBe('batch');
  });

  it('falls back to the plan of planRead for mixed roles, without a grants table, or when nothing is visible', () => {
    const mixed = and([view('u1')]);
    expect(planList(mixed, schema, grants([view('u1'), eq('public', 'yes')]))).toEqual(planRead(mixed, schema));
    expect(planList(mixed, schema)).toEqual(planRead(mixed, schema));
    expect(planList(view(undefined), schema, grants([view(undefined)], undefined))).toEqual({ kind: 'none' });
  });
});

describe('planSearch', () => {
  const scope = (user: string | undefined) => ({ user, readFilters: [view(user)] });
  it('reads the grants rows for a search on any field but the partition key, checking the values in memory', () => {
    const onTitle = planSearch('title', [{ S: 'soup' }], view('u1'), schema, scope('u1'));
    expect(onTitle).toMatchObject({ kind: 'grants', user: 'u1' });
    const residual = (onTitle as { residual: Pred }).residual;
    expect(residual).toEqual(and([{ op: 'in', field: 'title', values: [{ S: 'soup' }] }, view('u1')]));
    expect(planSearch('owner', [{ S: 'u9' }], view('u1'), schema, scope('u1'))).toMatchObject({ kind: 'grants' });
  });

  it('keeps a search on the partition key a key lookup, and plans as before without a user id or a scope', () => {
    expect(planSearch('id', [{ S: 'a' }, { S: 'b' }], view('u1'), schema, scope('u1')).kind).toBe('batch');
    expect(planSearch('title', [{ S: 'soup' }], view('u1'), schema).kind).toBe('scan');
    expect(planSearch('owner', [{ S: 'u9' }], view('u1'), schema).kind).toBe('query');
    expect(planSearch('title', [{ S: 'soup' }], view(undefined), schema, scope(undefined)).kind).toBe('none');
  });
});
