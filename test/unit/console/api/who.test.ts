// biome-ignore-all lint/suspicious/noTemplateCurlyInString: auth records name the caller with the literal text ${user.id}
import { namedInItem } from '../../../../src/console/api/who';
import type { AuthRecord, GroupRecord } from '../../../../src/core/permissions/record';
import type { Item } from '../../../../src/core/values';

const owners: GroupRecord = {
  group_id: 'owners',
  read_filters: [{ field: 'owner', value: '${user.username}' }],
  update_filters: [{ field: 'editors', operator: 'contains', value: ['${user.id}'] }],
};
const byEmail: AuthRecord = {
  id: 'mailers',
  type: 'OIDC_GROUP',
  read_filters: [{ field: 'contact', value: '${user.email}' }],
};
const literal: AuthRecord = { id: 'k', type: 'API_KEY', read_filters: [{ field: 'status', value: 'sold' }] };

describe('namedInItem: the users an item names where a filter compares a field with ${user.id} or ${user.username}', () => {
  it('takes a string, a string set and the strings of a list, each user once, with its field', () => {
    const item: Item = {
      owner: { S: 'carol' },
      editors: { L: [{ S: 'dan' }, { N: '7' }, { S: 'carol' }] },
      contact: { S: 'erin@example.com' },
      status: { S: 'sold' },
    };
    expect([...namedInItem(item, [owners, byEmail, literal])]).toEqual([
      ['dan', 'editors'],
      ['carol', 'editors'],
    ]);
    expect([...namedInItem({ owner: { SS: ['b', 'a'] } }, [owners])]).toEqual([
      ['b', 'owner'],
      ['a', 'owner'],
    ]);
  });

  it('leaves out what no identity can spell, an empty name, and more than 20 users', () => {
    expect([...namedInItem({ owner: { S: 'a:b' } }, [owners])]).toEqual([]);
    expect([...namedInItem({ owner: { S: 'a,b' } }, [owners])]).toEqual([]);
    expect([...namedInItem({ owner: { S: '' } }, [owners])]).toEqual([]);
    const many = Array.from({ length: 30 }, (_, i) => `u${i}`);
    expect(namedInItem({ owner: { SS: many } }, [owners]).size).toBe(20);
  });

  it('names nobody without such a filter, or when the item lacks the field', () => {
    expect(namedInItem({ owner: { S: 'carol' } }, [byEmail, literal]).size).toBe(0);
    expect(namedInItem({ name: { S: 'Rex' } }, [owners]).size).toBe(0);
  });
});
