import fc from 'fast-check';
import type { Caller } from '../../../../src/core/caller';
import { ScoutrError } from '../../../../src/core/errors';
import { matches } from '../../../../src/core/filter/evaluate';
import { itemToJsonExcept } from '../../../../src/core/json';
import {
  checkVisible,
  countingRoles,
  explainPermission,
  grantFor,
  RESERVED_ATTRIBUTES,
  readScope,
  redact,
  visibleJson,
} from '../../../../src/core/permissions/access';
import type { AuthRecord, GroupRecord } from '../../../../src/core/permissions/record';
import { buildRole, type Role } from '../../../../src/core/permissions/roles';
import type { AttributeValue, Item } from '../../../../src/core/values';
import { answered, thrown } from '../../../support/errors';

const caller: Caller = { kind: 'jwt', id: 'u-1', groups: [] };
const role = (id: string, fields: Omit<AuthRecord, 'id'> = {}, groups: GroupRecord[] = []): Role =>
  buildRole({ id, type: 'OIDC_GROUP', ...fields }, 'OIDC_GROUP', new Map(groups.map((g) => [g.group_id, g])), caller);

describe('grantFor', () => {
  const reader = role('reader', {
    permitted_endpoints: [
      { method: 'GET', endpoint: '/items' },
      { method: 'get', endpoint: '/item/[^/]+' },
      { method: '*', endpoint: '/search/.*' },
    ],
  });
  it.each([
    { method: 'GET', path: '/items', want: '/items' },
    { method: 'get', path: '/items', want: '/items' },
    { method: 'GET', path: '/item/1', want: '/item/[^/]+' },
    { method: 'POST', path: '/search/status', want: '/search/.*' },
    { method: 'DELETE', path: '/search/status', want: '/search/.*' },
    { method: 'POST', path: '/items', want: undefined },
    { method: 'GET', path: '/itemsx', want: undefined },
    { method: 'GET', path: '/items/', want: undefined },
    { method: 'GET', path: '/item/1/x', want: undefined },
    { method: 'GET', path: '/x/items', want: undefined },
  ])('$method $path is granted by $want', ({ method, path, want }) => {
    expect(grantFor(reader, method, path)?.endpoint).toBe(want);
  });
});

describe('countingRoles and explainPermission', () => {
  const items = role('items-reader', { permitted_endpoints: [{ method: 'GET', endpoint: '/items' }] });
  const viaGroup = role('editor', { groups: ['writers'] }, [
    { group_id: 'writers', permitted_endpoints: [{ method: 'PUT', endpoint: '/item/.+' }] },
  ]);
  const roles = [items, viaGroup];

  it('counts only the roles that permit the method and path', () => {
    expect(countingRoles(roles, 'GET', '/items').map((r) => r.id)).toEqual(['items-reader']);
    expect(countingRoles(roles, 'put', '/item/1').map((r) => r.id)).toEqual(['editor']);
    expect(countingRoles(roles, 'DELETE', '/item/1')).toEqual([]);
  });

  it('names the role and the rule that decided, and the group it came from', () => {
    expect(explainPermission(roles, 'GET', '/items')).toEqual({
      allowed: true,
      reason: "role 'items-reader' permits GET /items",
    });
    expect(explainPermission(roles, 'put', '/item/1')).toEqual({
      allowed: true,
      reason: "role 'editor' permits PUT /item/.+ (from group writers)",
    });
  });

  it('says which roles were tried when none permits', () => {
    const answer = explainPermission(roles, 'delete', '/item/1');
    expect(answer.allowed).toBe(false);
    expect(answer.reason).toContain("'items-reader'");
    expect(answer.reason).toContain("'editor'");
    expect(answer.reason).toContain('DELETE /item/1');
  });
});

describe('readScope', () => {
  const active = role('active', { read_filters: [{ field: 'status', value: 'Active' }], exclude_fields: ['cost'] });
  const red = role('red', {
    filter_fields: [{ field: 'team', value: 'red' }],
    exclude_fields: ['meta.secret', 'cost'],
  });
  const everything = role('everything');
  const items: Item[] = [
    { id: { S: 'active-blue' }, status: { S: 'Active' }, team: { S: 'blue' } },
    { id: { S: 'gone-red' }, status: { S: 'Gone' }, team: { S: 'red' } },
    { id: { S: 'gone-blue' }, status: { S: 'Gone' }, team: { S: 'blue' } },
  ];
  const visible = (roles: Role[]) =>
    items.filter((item) => matches(readScope(roles).filter, item)).map((item) => (item.id as { S: string }).S);

  it('shows the rows any counting role may read (OR across roles)', () => {
    expect(visible([active])).toEqual(['active-blue']);
    expect(visible([red])).toEqual(['gone-red']);
    expect(visible([active, red])).toEqual(['active-blue', 'gone-red']);
  });

  it('shows every row when one counting role has no read filter', () => {
    expect(readScope([active, everything]).filter).toBe(true);
    expect(visible([active, everything])).toHaveLength(3);
  });

  it('shows nothing without a counting role', () => {
    expect(readScope([]).filter).toBe(false);
  });

  it('hides the union of the exclusions', () => {
    expect(readScope([active, red]).hidden.sort()).toEqual(['cost', 'meta.secret']);
    expect(readScope([everything]).hidden).toEqual([]);
  });
});

describe('checkVisible', () => {
  const hidden = ['meta.secret', 'cost'];
  it.each([
    { field: 'meta.secret', why: 'equals' },
    { field: 'meta.secret.inner', why: 'extends' },
    { field: 'meta', why: 'is a prefix of' },
    { field: 'cost', why: 'equals' },
    { field: 'cost.currency', why: 'extends' },
  ])('forbids $field, which $why a hidden path', ({ field }) => {
    const err = thrown(() => checkVisible(['status', field], hidden));
    expect(err).toBeInstanceOf(ScoutrError);
    expect(answered(err)).toMatchObject({ code: 'FORBIDDEN', status: 403, details: { fields: [field] } });
  });

  it.each(['meta.public', 'metadata', 'meta2', 'costs', 'secret', 'status'])('allows %s', (field) => {
    expect(() => checkVisible([field], hidden)).not.toThrow();
  });

  it('names every blocked field once', () => {
    const err = thrown(() => checkVisible(['cost', 'meta', 'cost', 'ok'], hidden));
    expect(err).toMatchObject({ details: { fields: ['cost', 'meta'] } });
  });
});

describe('redact', () => {
  const item: Item = {
    id: { S: '1' },
    cost: { N: '5' },
    meta: { M: { secret: { S: 's' }, public: { S: 'p' }, deeper: { M: { secret: { S: 'x' }, kept: { S: 'k' } } } } },
    list: { L: [{ M: { secret: { S: 'in list' } } }] },
  };

  it('removes top-level and nested hidden paths and keeps their siblings', () => {
    expect(redact(item, ['cost', 'meta.secret', 'meta.deeper.secret'])).toEqual({
      id: { S: '1' },
      meta: { M: { public: { S: 'p' }, deeper: { M: { kept: { S: 'k' } } } } },
      list: { L: [{ M: { secret: { S: 'in list' } } }] },
    });
  });

  it('removes a whole map when the map itself is hidden', () => {
    expect(redact(item, ['meta'])).not.toHaveProperty('meta');
  });

  it('ignores hidden paths the item does not have, or that go through a non-map', () => {
    expect(redact(item, ['absent', 'cost.currency', 'list.secret', 'meta.absent.x'])).toEqual(item);
  });

  it('does not modify the input', () => {
    const before = structuredClone(item);
    redact(item, ['cost', 'meta.secret', 'meta.deeper.secret', 'meta']);
    expect(item).toEqual(before);
  });

  it('returns the item itself when nothing is hidden', () => {
    expect(redact(item, [])).toBe(item);
  });

  it('reads an attribute name as the path its dots spell, at the top and inside maps', () => {
    // Prepare: names written with dots, next to names that only share a prefix
    const dotted: Item = {
      'meta.secret': { S: 'top' },
      'meta.secret.x': { S: 'below' },
      'meta.public': { S: 'kept' },
      'meta.secretive': { S: 'kept too' },
      'cost.note': { S: 'below cost' },
      costs: { N: '1' },
      meta: { M: { 'deeper.secret': { S: 'inside' }, 'deeper.kept': { S: 'k' } } },
    };
    // Act
    const out = redact(dotted, ['meta.secret', 'cost', 'meta.deeper.secret']);
    // Assess
    expect(out).toEqual({
      'meta.public': { S: 'kept' },
      'meta.secretive': { S: 'kept too' },
      costs: { N: '1' },
      meta: { M: { 'deeper.kept': { S: 'k' } } },
    });
  });

  it('hides every dotted name below a hidden map, and no name that only shares its first letters', () => {
    expect(redact({ 'meta.a.b': { S: 'x' }, metab: { S: 'y' } }, ['meta'])).toEqual({ metab: { S: 'y' } });
  });
});

describe('visibleJson', () => {
  // Names from a small alphabet, so that hidden paths, dotted names and prefixes ('a', 'a.b', 'ab') meet often.
  const name = fc.constantFrom('a', 'b', 'ab', 'a.b', 'b.a', 'a.b.c', '.a', '_version', '_acl', '__proto__');
  const value: fc.Arbitrary<AttributeValue> = fc.letrec<{ v: AttributeValue }>((tie) => ({
    v: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.string().map((S) => ({ S })),
      fc.integer().map((n) => ({ N: String(n) })),
      fc.dictionary(name, tie('v'), { maxKeys: 4 }).map((M) => ({ M })),
    ),
  })).v;
  const item = fc.dictionary(name, value, { maxKeys: 6 });
  const hidden = fc.array(fc.constantFrom('a', 'b', 'a.b', 'a.b.c', 'ab.a', 'b.a.b', 'x'), { maxLength: 3 });

  it('answers what redact, then leaving out the reserved attributes, answers, and leaves the item as it was', () => {
    fc.assert(
      fc.property(item, hidden, (it, paths) => {
        const before = structuredClone(it);
        const want = itemToJsonExcept(redact(it, paths), RESERVED_ATTRIBUTES);
        const got = visibleJson(it, paths);
        expect(JSON.stringify(got)).toBe(JSON.stringify(want));
        expect(got).toStrictEqual(want);
        expect(it).toEqual(before);
      }),
      { numRuns: 2000 },
    );
  });
});
