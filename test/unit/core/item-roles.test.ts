import { ScoutrError } from '../../../src/core/errors';
import { compileFilter } from '../../../src/core/filter/compile';
import { matches } from '../../../src/core/filter/evaluate';
import type { Filter } from '../../../src/core/filter/types';
import {
  aclOf,
  aclValue,
  applyGrant,
  checkGrantAllowed,
  checkItemRoles,
  checkNotLastOwner,
  checkRevokeTarget,
  grantRows,
  heldRoles,
  type ItemRolesConfig,
  itemRolePred,
  managers,
  mayReadGrants,
  parseGrantRequest,
} from '../../../src/core/item-roles';
import type { AttributeValue, Item } from '../../../src/core/values';
import { answered } from '../../support/errors';

const repos = checkItemRoles({
  roles: ['admin', 'maintainer', 'contributor'],
  implies: { admin: ['maintainer'], maintainer: ['contributor'] },
  creator: ['admin'],
  grants: [
    { requires: 'admin', grants: ['admin', 'maintainer', 'contributor'] },
    { requires: 'maintainer', grants: ['contributor'] },
  ],
});
const recipes = checkItemRoles({
  roles: ['own', 'edit', 'view'],
  creator: ['own', 'edit', 'view'],
  grants: [
    { requires: 'own', grants: ['own', 'edit', 'view'] },
    { requires: 'edit', grants: ['view'] },
  ],
});
const withAcl = (acl: Record<string, string[]>): Item => ({ id: { S: 'x' }, _acl: aclValue(acl) });
const thrown = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    return err;
  }
  throw new Error('did not throw');
};

describe('checkItemRoles', () => {
  it('closes implies transitively: admin ⇒ maintainer ⇒ contributor', () => {
    expect([...repos.implied.get('admin')!].sort()).toEqual(['admin', 'contributor', 'maintainer']);
    expect([...repos.impliers.get('contributor')!].sort()).toEqual(['admin', 'contributor', 'maintainer']);
    expect([...repos.impliers.get('admin')!]).toEqual(['admin']);
  });

  it('accepts roles named like Object.prototype members, which imply nothing unless declared so', () => {
    const roles = checkItemRoles({ roles: ['constructor', 'toString', 'view'], implies: { toString: ['view'] } });
    expect([...roles.implied.get('constructor')!]).toEqual(['constructor']);
    expect([...roles.impliers.get('view')!].sort()).toEqual(['toString', 'view']);
    const item = withAcl({ toString: ['u1'], constructor: ['u2'] });
    expect([...heldRoles(roles, item, 'u1')].sort()).toEqual(['toString', 'view']);
    expect(matches(itemRolePred(roles, 'view', 'u1'), item)).toBe(true);
    expect(matches(itemRolePred(roles, 'view', 'u2'), item)).toBe(false);
  });

  it.each<[string, ItemRolesConfig, RegExp]>([
    ['no roles', { roles: [] }, /at least one role/],
    ['a bad name', { roles: ['a.b'] }, /'a\.b' is not a plain name/],
    ['a duplicate', { roles: ['a', 'a'] }, /'a' is declared twice/],
    [
      'an undeclared role in implies',
      { roles: ['a'], implies: { a: ['b'] } },
      /implies\.a names the undeclared role 'b'/,
    ],
    ['an undeclared implying role', { roles: ['a'], implies: { z: ['a'] } }, /implies names the undeclared role 'z'/],
    ['an undeclared creator role', { roles: ['a'], creator: ['owner'] }, /creator names the undeclared role 'owner'/],
    [
      'an undeclared requires',
      { roles: ['a'], grants: [{ requires: 'b', grants: ['a'] }] },
      /grants\[0\]\.requires .* 'b'/,
    ],
    [
      'an undeclared granted role',
      { roles: ['a'], grants: [{ requires: 'a', grants: ['c'] }] },
      /grants\[0\]\.grants .* 'c'/,
    ],
    ['an empty grant rule', { roles: ['a'], grants: [{ requires: 'a', grants: [] }] }, /grants\[0\]\.grants must list/],
    ['a cycle', { roles: ['a', 'b', 'c'], implies: { a: ['b'], b: ['c'], c: ['a'] } }, /cycle: a ⇒ b ⇒ c ⇒ a/],
    ['a self-implication', { roles: ['a'], implies: { a: ['a'] } }, /cycle: a ⇒ a/],
  ])('refuses %s with a message naming it', (_what, config, message) => {
    expect(() => checkItemRoles(config)).toThrow(message);
  });
});

describe('held roles and the item_role predicate', () => {
  const item = withAcl({ admin: ['larry'], maintainer: ['anne'], contributor: ['graham'] });

  it.each([
    ['larry', ['admin', 'contributor', 'maintainer']],
    ['anne', ['contributor', 'maintainer']],
    ['graham', ['contributor']],
    ['nobody', []],
  ])('%s holds %j', (user, want) => {
    expect([...heldRoles(repos, item, user)].sort()).toEqual(want);
  });

  it.each([
    ['contributor', 'larry', true],
    ['contributor', 'graham', true],
    ['maintainer', 'graham', false],
    ['maintainer', 'anne', true],
    ['admin', 'anne', false],
  ])('item_role %s matches %s: %s, exactly as heldRoles says', (role, user, want) => {
    expect(matches(itemRolePred(repos, role, user), item)).toBe(want);
    expect(heldRoles(repos, item, user).has(role)).toBe(want);
  });

  it('matches nothing for a caller without a user id, and nothing on an item without _acl', () => {
    expect(itemRolePred(repos, 'contributor', undefined)).toBe(false);
    expect(matches(itemRolePred(repos, 'contributor', 'larry'), { id: { S: 'y' } })).toBe(false);
    expect(heldRoles(repos, item, undefined).size).toBe(0);
  });

  it('is set membership on every role implying the asked one, for DynamoDB', () => {
    expect(itemRolePred(repos, 'maintainer', 'u')).toEqual({
      op: 'or',
      children: [
        { op: 'member', field: '_acl.admin', value: { S: 'u' } },
        { op: 'member', field: '_acl.maintainer', value: { S: 'u' } },
      ],
    });
    expect(compileFilter(itemRolePred(repos, 'admin', 'u') as Filter).expression).toBe(
      '(attribute_type(#n0.#n1, :v0) AND contains(#n0.#n1, :v1))',
    );
  });

  it('holds only in a string set: an _acl written by another program with a plain string or a list matches nothing', () => {
    const pred = itemRolePred(repos, 'contributor', 'larry');
    const withAcl = (view: AttributeValue): Item => ({ id: { S: 'y' }, _acl: { M: { contributor: view } } });
    expect(matches(pred, withAcl({ SS: ['larry'] }))).toBe(true);
    expect(matches(pred, withAcl({ S: 'larry' }))).toBe(false);
    expect(matches(pred, withAcl({ S: 'larryfriend' }))).toBe(false);
    expect(matches(pred, withAcl({ L: [{ S: 'larry' }] }))).toBe(false);
    expect(matches(pred, withAcl({ SS: ['larryfriend'] }))).toBe(false);
  });
});

describe('grant requests', () => {
  it.each([
    [{ user: 'u', grants: ['cook'] }, 'grants', "unknown role 'cook'"],
    [{ user: 'u', grants: ['view', 7] }, 'grants', "unknown role '7'"],
    [{ grants: ['view'] }, 'user', 'a non-empty string (the user id) is required'],
    [{ user: 7, grants: ['view'] }, 'user', 'a non-empty string (the user id) is required'],
    [{ user: '', grants: ['view'] }, 'user', 'a non-empty string (the user id) is required'],
    [{ user: 'é'.repeat(513), grants: ['view'] }, 'user', 'at most 1024 bytes'],
    [{ user: 'u', grants: [] }, 'grants', 'a non-empty list of roles is required'],
    [{ user: 'u', grants: 'view' }, 'grants', 'a non-empty list of roles is required'],
    [{ user: 'u', grants: ['view'], requires: 'x' }, 'requires', "unknown role 'x'"],
    [{ user: 'u', grants: ['view'], requires: 3 }, 'requires', "unknown role '3'"],
    [{ user: 'u', grants: ['view'], revoke: 1 }, 'revoke', 'true or false'],
    [{ user: 'u', grants: ['view'], extra: 1 }, 'extra', 'not a field of a grant'],
    [{ user: 7, grants: 'view', extra: 1 }, 'extra', 'not a field of a grant'],
  ])('refuses %j naming %s', (body, field, message) => {
    expect(thrown(() => parseGrantRequest(recipes, body))).toMatchObject({
      code: 'INVALID_BODY',
      message: `${field}: ${message}`,
      details: { field },
    });
  });

  it('accepts a user of exactly 1024 bytes, and gives each role once', () => {
    expect(parseGrantRequest(recipes, { user: 'é'.repeat(512), grants: ['view', 'view'], revoke: false })).toEqual({
      user: 'é'.repeat(512),
      grants: ['view'],
      requires: undefined,
      revoke: false,
    });
  });

  it('lets a rule grant and revoke only what it lists, to holders of its requires', () => {
    const req = (grants: string[], requires?: string) => parseGrantRequest(recipes, { user: 'u', grants, requires });
    const editor = new Set(['edit']);
    expect(() => checkGrantAllowed(recipes, editor, req(['view']))).not.toThrow();
    expect(() => checkGrantAllowed(recipes, editor, req(['view', 'edit']))).toThrow(ScoutrError);
    expect(() => checkGrantAllowed(recipes, editor, req(['view'], 'own'))).toThrow(/do not hold 'own'/);
    expect(() => checkGrantAllowed(recipes, new Set(['view']), req(['view']))).toThrow(ScoutrError);
    expect(mayReadGrants(recipes, editor)).toBe(true);
    expect(mayReadGrants(recipes, new Set(['view']))).toBe(false);
  });

  it('applies a grant or revoke and says whether anything changed', () => {
    const acl = { own: ['a'], view: ['a'] };
    const g = parseGrantRequest(recipes, { user: 'b', grants: ['view', 'edit'] });
    expect(applyGrant(acl, g)).toEqual({ acl: { own: ['a'], view: ['a', 'b'], edit: ['b'] }, changed: true });
    expect(applyGrant({ own: ['a'], view: ['a', 'b'], edit: ['b'] }, g).changed).toBe(false);
    const r = parseGrantRequest(recipes, { user: 'a', grants: ['view'], revoke: true });
    expect(applyGrant(acl, r)).toEqual({ acl: { own: ['a'] }, changed: true });
    expect(acl).toEqual({ own: ['a'], view: ['a'] }); // not modified
  });

  it('refuses to leave an item with nobody who may grant every role (LAST_OWNER), counting implied roles', () => {
    expect(answered(thrown(() => checkNotLastOwner(recipes, { own: ['a'] }, {})))).toMatchObject({
      code: 'LAST_OWNER',
      status: 409,
    });
    expect(() => checkNotLastOwner(recipes, { own: ['a', 'b'] }, { own: ['b'] })).not.toThrow();
    expect(() => checkNotLastOwner(recipes, { view: ['a'] }, {})).not.toThrow();
    // in repos, admin grants every role: removing the last admin is refused even if maintainers remain
    expect(() => checkNotLastOwner(repos, { admin: ['l'], maintainer: ['m'] }, { maintainer: ['m'] })).toThrow(
      ScoutrError,
    );
  });
});

describe('keeping an item manageable', () => {
  // recipes' read rule asks for view: a user reads the item when they hold view directly
  const readsWithView = (acl: Readonly<Record<string, readonly string[]>>, user: string) =>
    acl.view?.includes(user) ?? false;

  it('counts as managers only the holders of a role granting every role who also read the item', () => {
    const acl = { own: ['a', 'b'], view: ['a', 'c'] };
    expect(managers(recipes, acl, (u) => readsWithView(acl, u))).toEqual(['a']);
    expect(managers(repos, { admin: ['l'], maintainer: ['m'] }, () => true)).toEqual(['l']);
  });

  it('refuses a change that leaves no manager (409 LAST_OWNER), and leaves an item that had none alone', () => {
    const owner = { own: ['a'], edit: ['a'], view: ['a'] };
    expect(
      answered(thrown(() => checkNotLastOwner(recipes, owner, { own: ['a'], edit: ['a'] }, readsWithView))),
    ).toMatchObject({
      code: 'LAST_OWNER',
      status: 409,
    });
    // another owner who may read: fine; another owner who may not: still refused
    const two = { ...owner, own: ['a', 'b'], view: ['a', 'b'] };
    expect(() => checkNotLastOwner(recipes, two, { ...two, view: ['b'] }, readsWithView)).not.toThrow();
    const blind = { ...owner, own: ['a', 'b'] };
    expect(() => checkNotLastOwner(recipes, blind, { ...blind, view: [] }, readsWithView)).toThrow(ScoutrError);
    // nobody managed it before: nothing is taken away
    expect(() => checkNotLastOwner(recipes, { own: ['a'] }, { own: ['a'], view: ['b'] }, readsWithView)).not.toThrow();
  });

  it('refuses a revoke from a user holding a role no rule of the caller could grant (403)', () => {
    const revoke = (user: string, grants: string[]) => parseGrantRequest(recipes, { user, grants, revoke: true });
    const editor = new Set(['edit', 'view']);
    const owner = new Set(['own', 'edit', 'view']);
    expect(answered(thrown(() => checkRevokeTarget(recipes, editor, revoke('o', ['view']), owner)))).toMatchObject({
      code: 'FORBIDDEN',
      status: 403,
    });
    expect(() => checkRevokeTarget(recipes, editor, revoke('v', ['view']), new Set(['view']))).not.toThrow();
    expect(() => checkRevokeTarget(recipes, owner, revoke('o', ['view']), owner)).not.toThrow();
    // grants are not revokes: granting view to an owner changes nothing of theirs
    const grant = parseGrantRequest(recipes, { user: 'o', grants: ['view'] });
    expect(() => checkRevokeTarget(recipes, editor, grant, owner)).not.toThrow();
    // implied roles count: a maintainer cannot revoke contributor from an admin
    const maintainer = new Set(['maintainer', 'contributor']);
    const admin = new Set(['admin', 'maintainer', 'contributor']);
    const r = parseGrantRequest(repos, { user: 'l', grants: ['contributor'], revoke: true });
    expect(() => checkRevokeTarget(repos, maintainer, r, admin)).toThrow(/admin, maintainer/);
  });
});

describe('the _acl attribute and grants rows', () => {
  it('round-trips, leaving out roles nobody holds (sets cannot be empty)', () => {
    const v = aclValue({ own: ['b', 'a'], edit: [] });
    expect(v).toEqual({ M: { own: { SS: ['a', 'b'] } } });
    expect(aclOf({ _acl: v })).toEqual({ own: ['a', 'b'] });
    expect(aclOf({})).toEqual({});
  });

  it("gives one row per user with that user's direct roles", () => {
    expect(Object.fromEntries(grantRows({ own: ['a'], view: ['a', 'b'] }))).toEqual({
      a: ['own', 'view'],
      b: ['view'],
    });
  });
});
