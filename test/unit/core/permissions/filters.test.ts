// biome-ignore-all lint/suspicious/noTemplateCurlyInString: auth records name the caller with the literal text ${user.id}
import type { Caller } from '../../../../src/core/caller';
import { matches } from '../../../../src/core/filter/evaluate';
import type { Filter, Pred } from '../../../../src/core/filter/types';
import { JsonNumber } from '../../../../src/core/json';
import { callerVariable, entriesToPred, entryToPred } from '../../../../src/core/permissions/filters';
import type { FilterEntry } from '../../../../src/core/permissions/record';
import type { Item } from '../../../../src/core/values';
import { expectAuthConfig } from '../../../support/errors';

const caller: Caller = { kind: 'jwt', id: 'u-1', username: 'ann', email: 'ann@example.com', groups: [] };
const num = (text: string) => new JsonNumber(text);
const WHERE = 'record secret-record-name';
const pred = (entry: FilterEntry, who: Caller = caller): Pred => entryToPred(entry, who, WHERE);

describe('entryToPred: operators', () => {
  it.each<{ name: string; entry: FilterEntry; want: Pred }>([
    {
      name: 'a plain value means eq',
      entry: { field: 'status', value: 'Active' },
      want: { op: 'eq', field: 'status', value: { S: 'Active' } },
    },
    {
      name: 'a list value means IN',
      entry: { field: 'status', value: ['a', num('1'), true, null] },
      want: { op: 'in', field: 'status', values: [{ S: 'a' }, { N: '1' }, { BOOL: true }, { NULL: true }] },
    },
    {
      name: 'eq',
      entry: { field: 'a', operator: 'eq', value: num('3') },
      want: { op: 'eq', field: 'a', value: { N: '3' } },
    },
    {
      name: 'ne',
      entry: { field: 'a', operator: 'ne', value: false },
      want: { op: 'ne', field: 'a', value: { BOOL: false } },
    },
    {
      name: 'gt',
      entry: { field: 'a', operator: 'gt', value: num('1.50') },
      want: { op: 'gt', field: 'a', value: { N: '1.5' } },
    },
    {
      name: 'lt',
      entry: { field: 'a', operator: 'lt', value: num('100') },
      want: { op: 'lt', field: 'a', value: { N: '100' } },
    },
    {
      name: 'gte',
      entry: { field: 'a', operator: 'gte', value: 'm' },
      want: { op: 'gte', field: 'a', value: { S: 'm' } },
    },
    {
      name: 'lte',
      entry: { field: 'a', operator: 'lte', value: 'm' },
      want: { op: 'lte', field: 'a', value: { S: 'm' } },
    },
    {
      name: 'ge (alias)',
      entry: { field: 'a', operator: 'ge', value: num('1') },
      want: { op: 'gte', field: 'a', value: { N: '1' } },
    },
    {
      name: 'le (alias)',
      entry: { field: 'a', operator: 'le', value: num('1') },
      want: { op: 'lte', field: 'a', value: { N: '1' } },
    },
    {
      name: 'in',
      entry: { field: 'a', operator: 'in', value: ['x', 'y'] },
      want: { op: 'in', field: 'a', values: [{ S: 'x' }, { S: 'y' }] },
    },
    {
      name: 'notin',
      entry: { field: 'a', operator: 'notin', value: ['x'] },
      want: { op: 'not', child: { op: 'in', field: 'a', values: [{ S: 'x' }] } },
    },
    {
      name: 'between numbers',
      entry: { field: 'a', operator: 'between', value: [num('1'), num('10')] },
      want: { op: 'between', field: 'a', low: { N: '1' }, high: { N: '10' } },
    },
    {
      name: 'between strings',
      entry: { field: 'a', operator: 'between', value: ['a', 'b'] },
      want: { op: 'between', field: 'a', low: { S: 'a' }, high: { S: 'b' } },
    },
    {
      name: 'startswith',
      entry: { field: 'a', operator: 'startswith', value: 'pre' },
      want: { op: 'startswith', field: 'a', value: { S: 'pre' } },
    },
    {
      name: 'contains',
      entry: { field: 'tags', operator: 'contains', value: 'red' },
      want: { op: 'contains', field: 'tags', value: { S: 'red' } },
    },
    {
      name: 'notcontains',
      entry: { field: 'tags', operator: 'notcontains', value: 'red' },
      want: { op: 'not', child: { op: 'contains', field: 'tags', value: { S: 'red' } } },
    },
    {
      name: 'exists',
      entry: { field: 'a.b', operator: 'exists', value: false },
      want: { op: 'exists', field: 'a.b', present: false },
    },
    {
      name: 'length',
      entry: { field: 'a', operator: 'length', value: num('2') },
      want: { op: 'length', cmp: 'eq', field: 'a', value: { N: '2' } },
    },
    {
      name: 'length__gt',
      entry: { field: 'a', operator: 'length__gt', value: num('2') },
      want: { op: 'length', cmp: 'gt', field: 'a', value: { N: '2' } },
    },
    {
      name: 'length__lt',
      entry: { field: 'a', operator: 'length__lt', value: num('2') },
      want: { op: 'length', cmp: 'lt', field: 'a', value: { N: '2' } },
    },
    {
      name: 'length__gte',
      entry: { field: 'a', operator: 'length__gte', value: num('2') },
      want: { op: 'length', cmp: 'gte', field: 'a', value: { N: '2' } },
    },
    {
      name: 'length__lte',
      entry: { field: 'a', operator: 'length__lte', value: num('0') },
      want: { op: 'length', cmp: 'lte', field: 'a', value: { N: '0' } },
    },
    {
      name: 'in with more than 100 values, in groups',
      entry: { field: 'a', value: Array.from({ length: 101 }, (_, i) => `v${i}`) },
      want: {
        op: 'or',
        children: [
          { op: 'in', field: 'a', values: Array.from({ length: 100 }, (_, i) => ({ S: `v${i}` })) },
          { op: 'in', field: 'a', values: [{ S: 'v100' }] },
        ],
      } as unknown as Filter,
    },
  ])('reads $name', ({ entry, want }) => {
    expect(pred(entry)).toEqual(want);
  });
});

describe('entryToPred: record values match their own type only', () => {
  const items: Record<string, Item> = {
    number: { id: { S: 'number' }, v: { N: '5' } },
    string: { id: { S: 'string' }, v: { S: '5' } },
    bool: { id: { S: 'bool' }, v: { BOOL: true } },
    boolText: { id: { S: 'boolText' }, v: { S: 'true' } },
  };
  const visible = (entry: FilterEntry) =>
    Object.values(items)
      .filter((item) => matches(pred(entry), item))
      .map((item) => (item.id as { S: string }).S);

  it.each<{ name: string; entry: FilterEntry; want: string[] }>([
    { name: 'a JSON number', entry: { field: 'v', value: num('5') }, want: ['number'] },
    { name: 'a JSON string', entry: { field: 'v', value: '5' }, want: ['string'] },
    { name: 'a JSON boolean', entry: { field: 'v', value: true }, want: ['bool'] },
    { name: 'the string "true"', entry: { field: 'v', value: 'true' }, want: ['boolText'] },
    { name: 'a list of a number', entry: { field: 'v', value: [num('5')] }, want: ['number'] },
    { name: 'gt a number', entry: { field: 'v', operator: 'gt', value: num('4') }, want: ['number'] },
    { name: 'gt a string', entry: { field: 'v', operator: 'gt', value: '4' }, want: ['string', 'boolText'] },
  ])('$name matches only stored values of its type', ({ entry, want }) => {
    expect(visible(entry)).toEqual(want);
  });
});

describe('entryToPred: caller values', () => {
  it.each<{ value: unknown; want: Pred }>([
    { value: '${user.id}', want: { op: 'eq', field: 'owner', value: { S: 'u-1' } } },
    { value: '${user.username}', want: { op: 'eq', field: 'owner', value: { S: 'ann' } } },
    { value: '${user.email}', want: { op: 'eq', field: 'owner', value: { S: 'ann@example.com' } } },
    {
      value: ['${user.username}', 'shared'],
      want: { op: 'in', field: 'owner', values: [{ S: 'ann' }, { S: 'shared' }] },
    },
    // only whole values and whole list elements name the caller
    { value: 'x-${user.id}', want: { op: 'eq', field: 'owner', value: { S: 'x-${user.id}' } } },
    { value: '${other.id}', want: { op: 'eq', field: 'owner', value: { S: '${other.id}' } } },
  ])('substitutes $value', ({ value, want }) => {
    expect(pred({ field: 'owner', value })).toEqual(want);
  });

  it.each(['${user.name}', '${ user.id }', ['shared', '${user.mail}']])(
    'refuses the unknown caller variable %j: it would match nothing, silently',
    (value) => {
      expect(() => pred({ field: 'owner', value })).toThrow(expect.objectContaining({ code: 'AUTH_CONFIG' }));
    },
  );

  const anonymousEmail: Caller = { kind: 'api_key', id: 'k-1', groups: [] };
  it.each<{ name: string; entry: FilterEntry }>([
    { name: 'eq', entry: { field: 'owner', value: '${user.email}' } },
    { name: 'ne', entry: { field: 'owner', operator: 'ne', value: '${user.username}' } },
    { name: 'a list element', entry: { field: 'owner', value: ['shared', '${user.email}'] } },
    { name: 'notin', entry: { field: 'owner', operator: 'notin', value: ['${user.email}'] } },
    { name: 'notcontains', entry: { field: 'owner', operator: 'notcontains', value: '${user.username}' } },
  ])('matches nothing when the caller lacks the attribute ($name)', ({ entry }) => {
    expect(pred(entry, anonymousEmail)).toBe(false);
  });
});

describe('entryToPred: mistakes in the records are 500 AUTH_CONFIG, without the record name', () => {
  it.each<{ name: string; entry: FilterEntry }>([
    { name: 'an unknown operator', entry: { field: 'a', operator: 'like', value: 'x' } },
    { name: 'an upper-case operator', entry: { field: 'a', operator: 'EQ', value: 'x' } },
    { name: 'an inherited name as operator', entry: { field: 'a', operator: 'toString', value: 'x' } },
    { name: 'a field starting with _', entry: { field: '_version', value: 'x' } },
    { name: 'an empty path segment', entry: { field: 'a..b', value: 'x' } },
    { name: 'an object value', entry: { field: 'a', value: { x: 1 } } },
    { name: 'a number out of range', entry: { field: 'a', value: num('1e200') } },
    { name: 'a number with 39 digits', entry: { field: 'a', value: num('123456789012345678901234567890123456789') } },
    { name: 'eq with a list', entry: { field: 'a', operator: 'eq', value: ['x'] } },
    { name: 'in with an empty list', entry: { field: 'a', operator: 'in', value: [] } },
    { name: 'in with a single value', entry: { field: 'a', operator: 'in', value: 'x' } },
    { name: 'gt on a boolean', entry: { field: 'a', operator: 'gt', value: true } },
    { name: 'lt on null', entry: { field: 'a', operator: 'lt', value: null } },
    { name: 'between with one value', entry: { field: 'a', operator: 'between', value: [num('1')] } },
    { name: 'between with three values', entry: { field: 'a', operator: 'between', value: ['a', 'b', 'c'] } },
    { name: 'between low > high', entry: { field: 'a', operator: 'between', value: [num('2'), num('1')] } },
    { name: 'between of mixed types', entry: { field: 'a', operator: 'between', value: [num('1'), 'z'] } },
    { name: 'between of booleans', entry: { field: 'a', operator: 'between', value: [false, true] } },
    { name: 'startswith a number', entry: { field: 'a', operator: 'startswith', value: num('1') } },
    { name: 'contains a boolean', entry: { field: 'a', operator: 'contains', value: true } },
    { name: 'exists "true"', entry: { field: 'a', operator: 'exists', value: 'true' } },
    { name: 'length of a string', entry: { field: 'a', operator: 'length', value: '2' } },
    { name: 'length negative', entry: { field: 'a', operator: 'length__gt', value: num('-1') } },
    { name: 'length fractional', entry: { field: 'a', operator: 'length', value: num('1.5') } },
  ])('rejects $name', ({ entry }) => {
    expectAuthConfig(() => pred(entry), 'secret-record-name');
  });

  it('checks the operator even when the caller value is missing', () => {
    const nobody: Caller = { kind: 'anonymous', groups: [] };
    expectAuthConfig(
      () => pred({ field: 'a', operator: 'like', value: '${user.email}' }, nobody),
      'secret-record-name',
    );
  });
});

describe('entriesToPred', () => {
  it('ANDs the entries of one list', () => {
    expect(
      entriesToPred(
        [
          { field: 'a', value: 'x' },
          { field: 'b', value: '${user.id}' },
        ],
        caller,
        WHERE,
      ),
    ).toEqual({
      op: 'and',
      children: [
        { op: 'eq', field: 'a', value: { S: 'x' } },
        { op: 'eq', field: 'b', value: { S: 'u-1' } },
      ],
    });
  });

  it('is true for no entries and false when one entry matches nothing', () => {
    expect(entriesToPred(undefined, caller, WHERE)).toBe(true);
    expect(entriesToPred([], caller, WHERE)).toBe(true);
    expect(
      entriesToPred(
        [
          { field: 'a', value: 'x' },
          { field: 'b', value: '${user.email}' },
        ],
        { kind: 'jwt', id: 'u', groups: [] },
        WHERE,
      ),
    ).toBe(false);
  });
});

describe('callerVariable', () => {
  it.each([
    ['${user.id}', 'id'],
    ['${user.username}', 'username'],
    ['${user.email}', 'email'],
    ['${user.mail}', undefined],
    ['${ user.id }', undefined],
    ['x${user.id}', undefined],
    ['ann', undefined],
    [3, undefined],
    [['${user.id}'], undefined],
  ])('%j stands for %s', (value, want) => {
    expect(callerVariable(value)).toBe(want);
  });
});
