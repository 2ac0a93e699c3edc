import { matches } from '../../../../src/core/filter/evaluate';
import type { Filter } from '../../../../src/core/filter/types';
import type { Item } from '../../../../src/core/values';

// The expectations are DynamoDB's answers; the differential test (test/integration/core) checks the same
// semantics against DynamoDB Local on random filters.
const item: Item = {
  id: { S: 'i1' },
  name: { S: 'Ada' },
  emoji: { S: 'a😀' },
  count: { N: '10' },
  big: { N: '12345678901234567890123456789012345678' },
  flag: { BOOL: true },
  nothing: { NULL: true },
  text3: { S: '3' },
  tags: { SS: ['red', 'blue'] },
  scores: { NS: ['1', '2.5'] },
  blobs: { BS: [new Uint8Array([1])] },
  bin: { B: new Uint8Array([1, 2, 3]) },
  list: { L: [{ S: 'red' }, { N: '7' }, { NULL: true }] },
  meta: { M: { level: { N: '2' }, team: { S: 'core' }, inner: { M: { deep: { S: 'x' } } } } },
  empty: { M: {} },
};

describe('matches', () => {
  it.each<{ name: string; filter: Filter; want: boolean }>([
    // equality: same type and value only
    { name: 'eq on a string', filter: { op: 'eq', field: 'name', value: { S: 'Ada' } }, want: true },
    { name: 'eq is case-sensitive', filter: { op: 'eq', field: 'name', value: { S: 'ada' } }, want: false },
    { name: 'eq on a number', filter: { op: 'eq', field: 'count', value: { N: '10' } }, want: true },
    { name: 'eq on a number, other text', filter: { op: 'eq', field: 'count', value: { N: '1E+1' } }, want: true },
    { name: 'eq N does not match S', filter: { op: 'eq', field: 'text3', value: { N: '3' } }, want: false },
    { name: 'eq S does not match N', filter: { op: 'eq', field: 'count', value: { S: '10' } }, want: false },
    { name: 'eq on a boolean', filter: { op: 'eq', field: 'flag', value: { BOOL: true } }, want: true },
    { name: 'eq BOOL does not match S', filter: { op: 'eq', field: 'flag', value: { S: 'true' } }, want: false },
    { name: 'eq on null', filter: { op: 'eq', field: 'nothing', value: { NULL: true } }, want: true },
    { name: 'eq on a missing field', filter: { op: 'eq', field: 'absent', value: { NULL: true } }, want: false },
    { name: 'eq against a set', filter: { op: 'eq', field: 'tags', value: { S: 'red' } }, want: false },
    { name: 'eq on a nested path', filter: { op: 'eq', field: 'meta.team', value: { S: 'core' } }, want: true },
    { name: 'eq deeply nested', filter: { op: 'eq', field: 'meta.inner.deep', value: { S: 'x' } }, want: true },
    {
      name: 'eq on 38 digits',
      filter: { op: 'eq', field: 'big', value: { N: '12345678901234567890123456789012345678' } },
      want: true,
    },
    {
      name: 'eq on 38 digits, last differs',
      filter: { op: 'eq', field: 'big', value: { N: '12345678901234567890123456789012345679' } },
      want: false,
    },
    // ne: missing attributes are "not equal"
    { name: 'ne on another value', filter: { op: 'ne', field: 'name', value: { S: 'Bob' } }, want: true },
    { name: 'ne on the same value', filter: { op: 'ne', field: 'name', value: { S: 'Ada' } }, want: false },
    { name: 'ne on a missing field', filter: { op: 'ne', field: 'absent', value: { S: 'x' } }, want: true },
    { name: 'ne against another type', filter: { op: 'ne', field: 'count', value: { S: '10' } }, want: true },
    // ordering: numbers numerically, strings by code point, mismatched types never
    { name: 'gt numerically', filter: { op: 'gt', field: 'count', value: { N: '9' } }, want: true },
    { name: 'lt numerically, not as text', filter: { op: 'lt', field: 'count', value: { N: '9' } }, want: false },
    { name: 'gte equal', filter: { op: 'gte', field: 'count', value: { N: '10' } }, want: true },
    { name: 'lte equal', filter: { op: 'lte', field: 'count', value: { N: '10.0' } }, want: true },
    {
      name: 'lt by less than a double can tell',
      filter: { op: 'lt', field: 'big', value: { N: '12345678901234567890123456789012345679' } },
      want: true,
    },
    { name: 'gt on strings', filter: { op: 'gt', field: 'name', value: { S: 'Ab' } }, want: true },
    { name: 'lt: upper case before lower', filter: { op: 'lt', field: 'name', value: { S: 'a' } }, want: true },
    { name: 'gt: astral after U+FFFF', filter: { op: 'gt', field: 'emoji', value: { S: 'a\uFFFF' } }, want: true },
    { name: 'gt across types', filter: { op: 'gt', field: 'text3', value: { N: '1' } }, want: false },
    { name: 'lt across types', filter: { op: 'lt', field: 'count', value: { S: 'zzz' } }, want: false },
    { name: 'gt on a missing field', filter: { op: 'gt', field: 'absent', value: { N: '1' } }, want: false },
    { name: 'gt on a set', filter: { op: 'gt', field: 'scores', value: { N: '0' } }, want: false },
    { name: 'gt on a boolean', filter: { op: 'gt', field: 'flag', value: { S: 'a' } }, want: false },
    {
      name: 'NOT gt across types',
      filter: { op: 'not', child: { op: 'gt', field: 'text3', value: { N: '1' } } },
      want: true,
    },
    // in
    {
      name: 'in with the number',
      filter: { op: 'in', field: 'count', values: [{ S: '10' }, { N: '10' }] },
      want: true,
    },
    {
      name: 'in without a match',
      filter: { op: 'in', field: 'count', values: [{ S: '10' }, { N: '11' }] },
      want: false,
    },
    {
      name: 'in with null',
      filter: { op: 'in', field: 'nothing', values: [{ BOOL: false }, { NULL: true }] },
      want: true,
    },
    { name: 'in on a missing field', filter: { op: 'in', field: 'absent', values: [{ NULL: true }] }, want: false },
    {
      name: 'NOT in on a missing field',
      filter: { op: 'not', child: { op: 'in', field: 'absent', values: [{ S: 'x' }] } },
      want: true,
    },
    // between: inclusive, same type
    {
      name: 'between inclusive low',
      filter: { op: 'between', field: 'count', low: { N: '10' }, high: { N: '20' } },
      want: true,
    },
    {
      name: 'between inclusive high',
      filter: { op: 'between', field: 'count', low: { N: '1' }, high: { N: '10' } },
      want: true,
    },
    {
      name: 'between outside',
      filter: { op: 'between', field: 'count', low: { N: '11' }, high: { N: '20' } },
      want: false,
    },
    {
      name: 'between strings',
      filter: { op: 'between', field: 'name', low: { S: 'A' }, high: { S: 'B' } },
      want: true,
    },
    {
      name: 'between other type',
      filter: { op: 'between', field: 'text3', low: { N: '1' }, high: { N: '5' } },
      want: false,
    },
    // begins_with
    { name: 'startswith', filter: { op: 'startswith', field: 'name', value: { S: 'Ad' } }, want: true },
    { name: 'startswith whole value', filter: { op: 'startswith', field: 'name', value: { S: 'Ada' } }, want: true },
    { name: 'startswith no', filter: { op: 'startswith', field: 'name', value: { S: 'da' } }, want: false },
    { name: 'startswith on a number', filter: { op: 'startswith', field: 'count', value: { S: '1' } }, want: false },
    { name: 'startswith on a set', filter: { op: 'startswith', field: 'tags', value: { S: 're' } }, want: false },
    { name: 'startswith on a list', filter: { op: 'startswith', field: 'list', value: { S: 're' } }, want: false },
    // contains: substring, set member, list element
    { name: 'contains a substring', filter: { op: 'contains', field: 'name', value: { S: 'd' } }, want: true },
    { name: 'contains no substring', filter: { op: 'contains', field: 'name', value: { S: 'x' } }, want: false },
    { name: 'contains a set member', filter: { op: 'contains', field: 'tags', value: { S: 'red' } }, want: true },
    {
      name: 'contains no part of a member',
      filter: { op: 'contains', field: 'tags', value: { S: 're' } },
      want: false,
    },
    { name: 'contains a list element', filter: { op: 'contains', field: 'list', value: { S: 'red' } }, want: true },
    { name: 'contains no list element', filter: { op: 'contains', field: 'list', value: { S: '7' } }, want: false },
    {
      name: 'contains in a number set, as text',
      filter: { op: 'contains', field: 'scores', value: { S: '1' } },
      want: false,
    },
    { name: 'contains on a number', filter: { op: 'contains', field: 'count', value: { S: '1' } }, want: false },
    { name: 'contains on a map', filter: { op: 'contains', field: 'meta', value: { S: 'team' } }, want: false },
    {
      name: 'NOT contains on a missing field',
      filter: { op: 'not', child: { op: 'contains', field: 'absent', value: { S: 'x' } } },
      want: true,
    },
    // attribute_exists
    { name: 'exists', filter: { op: 'exists', field: 'name', present: true }, want: true },
    { name: 'exists null', filter: { op: 'exists', field: 'nothing', present: true }, want: true },
    { name: 'exists nested', filter: { op: 'exists', field: 'meta.level', present: true }, want: true },
    { name: 'exists missing', filter: { op: 'exists', field: 'meta.absent', present: true }, want: false },
    { name: 'not exists missing', filter: { op: 'exists', field: 'absent', present: false }, want: true },
    { name: 'exists through a string', filter: { op: 'exists', field: 'name.x', present: true }, want: false },
    { name: 'exists through a list', filter: { op: 'exists', field: 'list.x', present: false }, want: true },
    // size()
    { name: 'size of a string', filter: { op: 'length', cmp: 'eq', field: 'name', value: { N: '3' } }, want: true },
    {
      name: 'size of an astral char is 2 (UTF-16)',
      filter: { op: 'length', cmp: 'eq', field: 'emoji', value: { N: '3' } },
      want: true,
    },
    { name: 'size of binary', filter: { op: 'length', cmp: 'eq', field: 'bin', value: { N: '3' } }, want: true },
    { name: 'size of a string set', filter: { op: 'length', cmp: 'eq', field: 'tags', value: { N: '2' } }, want: true },
    {
      name: 'size of a number set',
      filter: { op: 'length', cmp: 'gt', field: 'scores', value: { N: '1' } },
      want: true,
    },
    {
      name: 'size of a binary set',
      filter: { op: 'length', cmp: 'lte', field: 'blobs', value: { N: '1' } },
      want: true,
    },
    { name: 'size of a list', filter: { op: 'length', cmp: 'gte', field: 'list', value: { N: '3' } }, want: true },
    { name: 'size of a map', filter: { op: 'length', cmp: 'eq', field: 'meta', value: { N: '3' } }, want: true },
    {
      name: 'size of an empty map',
      filter: { op: 'length', cmp: 'eq', field: 'empty', value: { N: '0' } },
      want: true,
    },
    {
      name: 'size of a string, lt',
      filter: { op: 'length', cmp: 'lt', field: 'name', value: { N: '3' } },
      want: false,
    },
    { name: 'size of a number', filter: { op: 'length', cmp: 'gte', field: 'count', value: { N: '0' } }, want: false },
    { name: 'size of a boolean', filter: { op: 'length', cmp: 'gte', field: 'flag', value: { N: '0' } }, want: false },
    {
      name: 'size of a missing field',
      filter: { op: 'length', cmp: 'gte', field: 'absent', value: { N: '0' } },
      want: false,
    },
    {
      name: 'NOT size of a number',
      filter: { op: 'not', child: { op: 'length', cmp: 'gte', field: 'count', value: { N: '0' } } },
      want: true,
    },
    // combinators
    {
      name: 'and',
      filter: {
        op: 'and',
        children: [
          { op: 'exists', field: 'name', present: true },
          { op: 'eq', field: 'count', value: { N: '10' } },
        ],
      },
      want: true,
    },
    {
      name: 'and with a false child',
      filter: {
        op: 'and',
        children: [
          { op: 'exists', field: 'name', present: true },
          { op: 'eq', field: 'count', value: { N: '1' } },
        ],
      },
      want: false,
    },
    {
      name: 'or with a true child',
      filter: {
        op: 'or',
        children: [
          { op: 'exists', field: 'absent', present: true },
          { op: 'eq', field: 'count', value: { N: '10' } },
        ],
      },
      want: true,
    },
    {
      name: 'or with no true child',
      filter: {
        op: 'or',
        children: [
          { op: 'exists', field: 'absent', present: true },
          { op: 'eq', field: 'count', value: { N: '1' } },
        ],
      },
      want: false,
    },
  ])('decides $name: $want', ({ filter, want }) => {
    expect(matches(filter, item)).toBe(want);
  });

  it('treats true as every item and false as none', () => {
    expect(matches(true, {})).toBe(true);
    expect(matches(false, item)).toBe(false);
  });
});

describe('attributes named like Object.prototype members', () => {
  const item = { id: { S: 'a' }, meta: { M: {} } };
  it.each([
    [{ op: 'exists', field: 'toString', present: true }, false],
    [{ op: 'exists', field: 'toString', present: false }, true],
    [{ op: 'exists', field: 'meta.hasOwnProperty', present: true }, false],
    [{ op: 'ne', field: 'valueOf', value: { S: 'x' } }, true],
  ] as const)('are absent unless the item has them: %j → %s', (filter, want) => {
    expect(matches(filter as never, item as never)).toBe(want);
  });
  it('are data when the item has them', () => {
    expect(matches({ op: 'eq', field: 'toString', value: { S: 'x' } }, { toString: { S: 'x' } } as never)).toBe(true);
  });
});
