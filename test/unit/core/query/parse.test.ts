import { ScoutrError } from '../../../../src/core/errors';
import type { Filter } from '../../../../src/core/filter/types';
import { parseQuery, type QueryInput } from '../../../../src/core/query/parse';
import type { KeySpec, Scalar } from '../../../../src/core/values';
import * as values from '../../../../src/core/values';
import { answered, thrown } from '../../../support/errors';

type Params = [string, string][];
const parse = (params: Params, more: Partial<QueryInput> = {}) => parseQuery({ params, keyTypes: new Map(), ...more });
const filterOf = (params: Params, more: Partial<QueryInput> = {}) => parse(params, more).filter;

const S = (s: string) => ({ S: s });
const N = (n: string) => ({ N: n });
const BOOL = (b: boolean) => ({ BOOL: b });
const inOf = (field: string, ...values: Scalar[]): Filter => ({ op: 'in', field, values: values as [Scalar] });
const DIGITS_39 = '123456789012345678901234567890123456789';

describe('parseQuery: operators', () => {
  it.each<{ query: string; params: Params; want: Filter | boolean }>([
    { query: 'status=Active', params: [['status', 'Active']], want: { op: 'eq', field: 'status', value: S('Active') } },
    {
      query: 'status__eq=Active',
      params: [['status__eq', 'Active']],
      want: { op: 'eq', field: 'status', value: S('Active') },
    },
    {
      query: 'status__ne=Active',
      params: [['status__ne', 'Active']],
      want: { op: 'not', child: { op: 'eq', field: 'status', value: S('Active') } },
    },
    { query: 'n__gt=3', params: [['n__gt', '3']], want: { op: 'gt', field: 'n', value: N('3') } },
    { query: 'n__lt=-2.50', params: [['n__lt', '-2.50']], want: { op: 'lt', field: 'n', value: N('-2.5') } },
    { query: 'n__gte=1e2', params: [['n__gte', '1e2']], want: { op: 'gte', field: 'n', value: N('100') } },
    { query: 'n__ge=3 (alias)', params: [['n__ge', '3']], want: { op: 'gte', field: 'n', value: N('3') } },
    { query: 'n__lte=3', params: [['n__lte', '3']], want: { op: 'lte', field: 'n', value: N('3') } },
    { query: 'n__le=3 (alias)', params: [['n__le', '3']], want: { op: 'lte', field: 'n', value: N('3') } },
    { query: 's__gt=abc', params: [['s__gt', 'abc']], want: { op: 'gt', field: 's', value: S('abc') } },
    { query: 's__gt=true', params: [['s__gt', 'true']], want: { op: 'gt', field: 's', value: S('true') } },
    {
      query: 's__gt=03 (not a JSON number)',
      params: [['s__gt', '03']],
      want: { op: 'gt', field: 's', value: S('03') },
    },
    {
      query: 's__startswith=12',
      params: [['s__startswith', '12']],
      want: { op: 'startswith', field: 's', value: S('12') },
    },
    { query: 's__contains=x', params: [['s__contains', 'x']], want: { op: 'contains', field: 's', value: S('x') } },
    {
      query: 's__notcontains=x',
      params: [['s__notcontains', 'x']],
      want: { op: 'not', child: { op: 'contains', field: 's', value: S('x') } },
    },
    { query: 's__exists=true', params: [['s__exists', 'true']], want: { op: 'exists', field: 's', present: true } },
    { query: 's__exists=false', params: [['s__exists', 'false']], want: { op: 'exists', field: 's', present: false } },
    {
      query: 's__length=3',
      params: [['s__length', '3']],
      want: { op: 'length', cmp: 'eq', field: 's', value: N('3') },
    },
    {
      query: 's__length__gt=0',
      params: [['s__length__gt', '0']],
      want: { op: 'length', cmp: 'gt', field: 's', value: N('0') },
    },
    {
      query: 's__length__lt=10',
      params: [['s__length__lt', '10']],
      want: { op: 'length', cmp: 'lt', field: 's', value: N('10') },
    },
    {
      query: 's__length__gte=2',
      params: [['s__length__gte', '2']],
      want: { op: 'length', cmp: 'gte', field: 's', value: N('2') },
    },
    {
      query: 's__length__lte=2',
      params: [['s__length__lte', '2']],
      want: { op: 'length', cmp: 'lte', field: 's', value: N('2') },
    },
    {
      query: 's__length__ge=2 (alias)',
      params: [['s__length__ge', '2']],
      want: { op: 'length', cmp: 'gte', field: 's', value: N('2') },
    },
    {
      query: 's__length__le=2 (alias)',
      params: [['s__length__le', '2']],
      want: { op: 'length', cmp: 'lte', field: 's', value: N('2') },
    },
    {
      query: 's__in=["a","b"]',
      params: [['s__in', '["a","b"]']],
      want: inOf('s', S('a'), S('b')),
    },
    {
      query: 's__notin=["a","b"]',
      params: [['s__notin', '["a","b"]']],
      want: { op: 'not', child: inOf('s', S('a'), S('b')) },
    },
    {
      query: 'n__between=[1,5]',
      params: [['n__between', '[1,5]']],
      want: { op: 'between', field: 'n', low: N('1'), high: N('5') },
    },
    {
      query: 'n__between=[5,5]',
      params: [['n__between', '[5,5.0]']],
      want: { op: 'between', field: 'n', low: N('5'), high: N('5') },
    },
    {
      query: 'n__between=[-10,2] (numerically ordered)',
      params: [['n__between', '[-10,2]']],
      want: { op: 'between', field: 'n', low: N('-10'), high: N('2') },
    },
    {
      query: 's__between=["a","c"]',
      params: [['s__between', '["a","c"]']],
      want: { op: 'between', field: 's', low: S('a'), high: S('c') },
    },
    {
      query: 's__between=["\uFFFF","😀"] (code point order)',
      params: [['s__between', '["\uFFFF","😀"]']],
      want: { op: 'between', field: 's', low: S('\uFFFF'), high: S('😀') },
    },
    {
      query: 'meta.level=high (nested path)',
      params: [['meta.level', 'high']],
      want: { op: 'eq', field: 'meta.level', value: S('high') },
    },
    {
      query: 'a.b.c__exists=true',
      params: [['a.b.c__exists', 'true']],
      want: { op: 'exists', field: 'a.b.c', present: true },
    },
    {
      query: 'a=x&b__gt=1',
      params: [
        ['a', 'x'],
        ['b__gt', '1'],
      ],
      want: {
        op: 'and',
        children: [
          { op: 'eq', field: 'a', value: S('x') },
          { op: 'gt', field: 'b', value: N('1') },
        ],
      },
    },
    { query: 'nothing', params: [], want: true },
  ])('parses $query', ({ params, want }) => {
    expect(filterOf(params)).toEqual(want);
  });
});

describe('parseQuery: the number and boolean rule', () => {
  it.each<{ query: string; params: Params; want: Filter }>([
    { query: 'n=3 matches N 3 and S "3"', params: [['n', '3']], want: inOf('n', N('3'), S('3')) },
    { query: 'n=3.0 keeps the text for the string', params: [['n', '3.0']], want: inOf('n', N('3'), S('3.0')) },
    { query: 'n=-0', params: [['n', '-0']], want: inOf('n', N('0'), S('-0')) },
    { query: 'n=1e2', params: [['n', '1e2']], want: inOf('n', N('100'), S('1e2')) },
    {
      query: 'n=38 digits, exactly',
      params: [['n', '12345678901234567890123456789012345678']],
      want: inOf('n', N('12345678901234567890123456789012345678'), S('12345678901234567890123456789012345678')),
    },
    { query: 'n=03 is only a string', params: [['n', '03']], want: { op: 'eq', field: 'n', value: S('03') } },
    { query: 'f=true matches BOOL and S', params: [['f', 'true']], want: inOf('f', BOOL(true), S('true')) },
    { query: 'f=false matches BOOL and S', params: [['f', 'false']], want: inOf('f', BOOL(false), S('false')) },
    { query: 'f=True is only a string', params: [['f', 'True']], want: { op: 'eq', field: 'f', value: S('True') } },
    {
      query: 'n__ne=3 excludes both',
      params: [['n__ne', '3']],
      want: { op: 'not', child: inOf('n', N('3'), S('3')) },
    },
    {
      query: 'in: number elements double, string elements stay strings',
      params: [['n__in', '[1,"2",true,"false"]']],
      want: inOf('n', N('1'), S('1'), S('2'), BOOL(true), S('true'), S('false')),
    },
    {
      query: 'in: duplicates once',
      params: [['n__in', '[1,"1",1.0]']],
      want: inOf('n', N('1'), S('1'), S('1.0')),
    },
    {
      query: 'notin: number elements double',
      params: [['n__notin', '[7]']],
      want: { op: 'not', child: inOf('n', N('7'), S('7')) },
    },
    {
      query: 'a repeated key without an operator means IN',
      params: [
        ['s', 'x'],
        ['s', 'y'],
      ],
      want: inOf('s', S('x'), S('y')),
    },
    {
      query: 'a repeated key with numbers doubles them',
      params: [
        ['n', '1'],
        ['n', '2'],
      ],
      want: inOf('n', N('1'), S('1'), N('2'), S('2')),
    },
    {
      query: 'a repeated identical value once',
      params: [
        ['s', 'x'],
        ['s', 'x'],
      ],
      want: { op: 'eq', field: 's', value: S('x') },
    },
    {
      query: 'between on numbers compares numbers',
      params: [['n__between', '[2,10]']],
      want: { op: 'between', field: 'n', low: N('2'), high: N('10') },
    },
    {
      query: 'between on number-like strings compares strings',
      params: [['n__between', '["10","2"]']],
      want: { op: 'between', field: 'n', low: S('10'), high: S('2') },
    },
  ])('$query', ({ params, want }) => {
    expect(filterOf(params)).toEqual(want);
  });
});

describe('parseQuery: IN groups of at most 100 operands', () => {
  const numbers = (n: number) => JSON.stringify(Array.from({ length: n }, (_, i) => i));
  const strings = (n: number) => JSON.stringify(Array.from({ length: n }, (_, i) => `s${i}`));
  const sizes = (f: Filter | boolean): unknown => {
    if (typeof f === 'boolean') return f;
    if (f.op === 'in') return f.values.length;
    if (f.op === 'not') return { not: sizes(f.child) };
    if (f.op === 'and' || f.op === 'or') return { [f.op]: f.children.map(sizes) };
    return f.op;
  };

  it.each([
    { query: 'in of 50 numbers (100 operands)', params: [['n__in', numbers(50)]] as Params, want: 100 },
    { query: 'in of 51 numbers (102 operands)', params: [['n__in', numbers(51)]] as Params, want: { or: [100, 2] } },
    { query: 'in of 100 strings', params: [['n__in', strings(100)]] as Params, want: 100 },
    { query: 'in of 101 strings', params: [['n__in', strings(101)]] as Params, want: { or: [100, 1] } },
    {
      query: 'in of 120 numbers',
      params: [['n__in', numbers(120)]] as Params,
      want: { or: [100, 100, 40] },
    },
    {
      query: 'notin of 60 numbers',
      params: [['n__notin', numbers(60)]] as Params,
      want: { and: [{ not: 100 }, { not: 20 }] },
    },
    { query: 'notin of 50 numbers', params: [['n__notin', numbers(50)]] as Params, want: { not: 100 } },
    {
      query: 'a key repeated 60 times with numbers',
      params: Array.from({ length: 60 }, (_, i): [string, string] => ['n', String(i)]),
      want: { or: [100, 20] },
    },
  ])('splits $query: $want', ({ params, want }) => {
    expect(sizes(filterOf(params))).toEqual(want);
  });

  it('keeps every operand, in order, across the groups', () => {
    const filter = filterOf([['n__in', numbers(51)]]);
    const groups = typeof filter !== 'boolean' && filter.op === 'or' ? filter.children : [];
    const operands = groups.flatMap((g) => (g.op === 'in' ? g.values : []));
    expect(operands).toEqual(Array.from({ length: 51 }, (_, i) => [N(String(i)), S(String(i))]).flat());
  });
});

describe('parseQuery: work grows with the query, not with its square', () => {
  // Counted, never timed: de-duplicating n values once compared each value with every value kept (n²/2 comparisons
  // of numbers through big.js: 5,000 values of one key held the event loop for 9 s).
  const comparisons = (run: () => void): number => {
    const spies = [jest.spyOn(values, 'valuesEqual'), jest.spyOn(values, 'compareNumbers')];
    try {
      run();
      return spies.reduce((sum, s) => sum + s.mock.calls.length, 0);
    } finally {
      for (const s of spies) s.mockRestore();
    }
  };
  const n = 2000;

  it.each([
    {
      query: `a key repeated ${n} times`,
      params: Array.from({ length: n }, (_, i): [string, string] => ['n', String(i)]),
    },
    {
      query: `an in of ${n} numbers`,
      params: [['n__in', JSON.stringify(Array.from({ length: n }, (_, i) => i))]] as Params,
    },
  ])('de-duplicates $query without comparing values pairwise', ({ params }) => {
    expect(comparisons(() => parse(params))).toBeLessThanOrEqual(n);
  });

  it.each([
    {
      query: 'n=1&n=1.0&n=1e0',
      params: [
        ['n', '1'],
        ['n', '1.0'],
        ['n', '1e0'],
      ] as Params,
      want: [N('1'), S('1'), S('1.0'), S('1e0')],
    },
    {
      query: 'n__in=[1,1.0,"1",true,"true"]',
      params: [['n__in', '[1,1.0,"1",true,"true"]']] as Params,
      want: [N('1'), S('1'), S('1.0'), BOOL(true), S('true')],
    },
  ])('still answers each distinct value once, first occurrence first: $query', ({ params, want }) => {
    const filter = filterOf(params);
    expect(filter).toEqual({ op: 'in', field: 'n', values: want });
  });
});

describe('parseQuery: key attributes use the schema type', () => {
  const keyTypes = new Map<string, KeySpec>([
    ['id', { type: 'N', maxBytes: 2048 }],
    ['sku', { type: 'S', maxBytes: 1024 }],
  ]);
  it.each<{ query: string; params: Params; want: Filter }>([
    { query: 'id=3 (N key)', params: [['id', '3']], want: { op: 'eq', field: 'id', value: N('3') } },
    { query: 'id=3.0 (N key)', params: [['id', '3.0']], want: { op: 'eq', field: 'id', value: N('3') } },
    { query: 'sku=3 (S key)', params: [['sku', '3']], want: { op: 'eq', field: 'sku', value: S('3') } },
    { query: 'sku=true (S key)', params: [['sku', 'true']], want: { op: 'eq', field: 'sku', value: S('true') } },
    { query: 'sku__gt=5 (S key)', params: [['sku__gt', '5']], want: { op: 'gt', field: 'sku', value: S('5') } },
    {
      query: 'id__in=[1,"2"] (N key)',
      params: [['id__in', '[1,"2"]']],
      want: inOf('id', N('1'), N('2')),
    },
    {
      query: 'sku__in=[1,2] (S key)',
      params: [['sku__in', '[1,2]']],
      want: inOf('sku', S('1'), S('2')),
    },
    {
      query: 'sku__between=[1,2] (S key)',
      params: [['sku__between', '[1,2]']],
      want: { op: 'between', field: 'sku', low: S('1'), high: S('2') },
    },
    {
      query: 'id repeated (N key)',
      params: [
        ['id', '1'],
        ['id', '2'],
      ],
      want: inOf('id', N('1'), N('2')),
    },
  ])('types $query', ({ params, want }) => {
    expect(filterOf(params, { keyTypes })).toEqual(want);
  });

  it.each<{ query: string; params: Params }>([
    { query: 'id=abc', params: [['id', 'abc']] },
    { query: 'id__gt=abc', params: [['id__gt', 'abc']] },
    { query: 'id__in=["x"]', params: [['id__in', '["x"]']] },
  ])('rejects $query on a number key', ({ params }) => {
    expectInvalid(() => parse(params, { keyTypes }), params[0]![0]);
  });

  it.each([
    ['sku', 'é'.repeat(513)],
    ['sku__gt', 'x'.repeat(1025)],
    ['sku__in', JSON.stringify(['x', 'y'.repeat(1025)])],
  ])('rejects %s longer than the key accepts (a sort key: 1024 bytes)', (param, value) => {
    expectInvalid(() => parse([[param, value]], { keyTypes }), param);
  });

  it('accepts a key value of exactly its limit', () => {
    expect(filterOf([['sku', 'x'.repeat(1024)]], { keyTypes })).toEqual({
      op: 'eq',
      field: 'sku',
      value: S('x'.repeat(1024)),
    });
  });

  it('rejects a value for a binary key, which a query cannot carry', () => {
    expectInvalid(
      () => parse([['blob', 'AQI=']], { keyTypes: new Map([['blob', { type: 'B', maxBytes: 2048 }]]) }),
      'blob',
    );
  });
});

describe('parseQuery: path filters', () => {
  it('adds field = value for the route, with the number rule', () => {
    const parsed = parse([], { pathFilters: [{ field: 'size', value: '3', param: 'search_value' }] });
    expect(parsed.filter).toEqual(inOf('size', N('3'), S('3')));
    expect(parsed.conditions).toEqual([{ field: 'size', op: 'path' }]);
  });

  it('replaces every query condition on the same field and keeps the others', () => {
    const parsed = parse(
      [
        ['status__ne', 'Active'],
        ['status', 'Gone'],
        ['status.sub', 'x'],
        ['kind', 'dog'],
      ],
      { pathFilters: [{ field: 'status', value: 'Active', param: 'status' }] },
    );
    expect(parsed.filter).toEqual({
      op: 'and',
      children: [
        { op: 'eq', field: 'status.sub', value: S('x') },
        { op: 'eq', field: 'kind', value: S('dog') },
        { op: 'eq', field: 'status', value: S('Active') },
      ],
    });
  });

  it('types the value of a key attribute by the schema', () => {
    const keyTypes = new Map<string, KeySpec>([['id', { type: 'N', maxBytes: 2048 }]]);
    const pathFilters = [{ field: 'id', value: '7', param: 'search_value' }];
    expect(filterOf([], { keyTypes, pathFilters })).toEqual({ op: 'eq', field: 'id', value: N('7') });
    expectInvalid(
      () => parse([], { keyTypes, pathFilters: [{ field: 'id', value: 'x', param: 'search_value' }] }),
      'search_value',
    );
  });

  it.each(['_secret', 'a._b', '__proto__', 'constructor', 'a..b'])('rejects the path field %s', (field) => {
    expectInvalid(() => parse([], { pathFilters: [{ field, value: 'x', param: 'search_key' }] }), 'search_key');
  });
});

describe('parseQuery: reserved parameters', () => {
  it.each([
    { value: '1', want: 1 },
    { value: '50', want: 50 },
    { value: '1000', want: 1000 },
  ])('reads _limit=$value', ({ value, want }) => {
    expect(parse([['_limit', value]]).limit).toBe(want);
  });

  it.each(['0', '1001', '-1', '1.5', 'abc', '01', '1e2', '99999', ' 5'])('rejects _limit=%s', (value) => {
    expectInvalid(() => parse([['_limit', value]]), '_limit');
  });

  it('reads _cursor and _explain, and defaults them', () => {
    expect(parse([['_cursor', 'abc.def']])).toMatchObject({ cursor: 'abc.def', explain: false, limit: undefined });
    expect(parse([['_explain', 'true']]).explain).toBe(true);
    expect(parse([['_explain', 'false']]).explain).toBe(false);
  });

  it.each<{ query: string; params: Params; param: string }>([
    { query: '_cursor=', params: [['_cursor', '']], param: '_cursor' },
    { query: '_explain=yes', params: [['_explain', 'yes']], param: '_explain' },
    { query: '_explain=1', params: [['_explain', '1']], param: '_explain' },
    { query: '_sort=name (unknown)', params: [['_sort', 'name']], param: '_sort' },
    { query: '_=x', params: [['_', 'x']], param: '_' },
    {
      query: '_limit twice',
      params: [
        ['_limit', '1'],
        ['_limit', '2'],
      ],
      param: '_limit',
    },
  ])('rejects $query', ({ params, param }) => {
    expectInvalid(() => parse(params), param);
  });

  it('rejects paging parameters on a route without paging', () => {
    expectInvalid(() => parse([['_limit', '5']], { allowPaging: false }), '_limit');
    expectInvalid(() => parse([['_cursor', 'x']], { allowPaging: false }), '_cursor');
    expect(parse([['_explain', 'true']], { allowPaging: false }).explain).toBe(true);
  });

  it('keeps reserved parameters out of the filter', () => {
    expect(
      parse([
        ['_limit', '5'],
        ['a', 'x'],
      ]).filter,
    ).toEqual({ op: 'eq', field: 'a', value: S('x') });
  });
});

describe('parseQuery: bad input is 400 INVALID_QUERY naming the parameter', () => {
  it.each<{ why: string; key: string; value: string }>([
    { why: 'unknown operator', key: 'a__like', value: 'x' },
    { why: 'upper-case operator', key: 'a__EQ', value: 'x' },
    { why: 'operator after an operator', key: 'a__eq__gt', value: 'x' },
    { why: 'empty operator', key: 'a__', value: 'x' },
    { why: 'prototype operator', key: 'a____proto__', value: 'x' },
    { why: 'inherited operator name', key: 'a__toString', value: 'x' },
    { why: 'unknown length comparison', key: 'a__length__ne', value: '1' },
    { why: 'length comparison with more', key: 'a__length__gt__x', value: '1' },
    { why: 'length not a number', key: 'a__length', value: 'abc' },
    { why: 'negative length', key: 'a__length__gt', value: '-1' },
    { why: 'fractional length', key: 'a__length', value: '1.5' },
    { why: 'empty value', key: 'a', value: '' },
    { why: 'empty value with operator', key: 'a__in', value: '' },
    { why: 'malformed JSON', key: 'a__in', value: '[1,' },
    { why: 'malformed JSON quotes', key: 'a__in', value: "['x']" },
    { why: 'in without an array', key: 'a__in', value: '1' },
    { why: 'in with an object', key: 'a__in', value: '{"a":1}' },
    { why: 'in with an empty array', key: 'a__in', value: '[]' },
    { why: 'notin with an empty array', key: 'a__notin', value: '[]' },
    { why: 'in with a nested array', key: 'a__in', value: '[[1]]' },
    { why: 'in with null', key: 'a__in', value: '[null]' },
    { why: 'in with an object element', key: 'a__in', value: '[{"x":1}]' },
    { why: 'in with 39 digits', key: 'a__in', value: `[${DIGITS_39}]` },
    { why: 'between with one value', key: 'a__between', value: '[1]' },
    { why: 'between with three values', key: 'a__between', value: '[1,2,3]' },
    { why: 'between without an array', key: 'a__between', value: '1' },
    { why: 'between of mixed types', key: 'a__between', value: '[1,"2"]' },
    { why: 'between of booleans', key: 'a__between', value: '[false,true]' },
    { why: 'between high < low', key: 'a__between', value: '[2,1]' },
    { why: 'between high < low, strings', key: 'a__between', value: '["b","a"]' },
    { why: 'between high < low, code points', key: 'a__between', value: '["😀","\uFFFF"]' },
    { why: 'between malformed', key: 'a__between', value: '[1,2' },
    { why: 'exists yes', key: 'a__exists', value: 'yes' },
    { why: 'exists TRUE', key: 'a__exists', value: 'TRUE' },
    { why: 'exists 1', key: 'a__exists', value: '1' },
    { why: 'eq with 39 digits', key: 'a', value: DIGITS_39 },
    { why: 'gt with 39 digits', key: 'a__gt', value: DIGITS_39 },
    { why: 'gt out of range', key: 'a__gt', value: '1e126' },
    { why: 'gt too small', key: 'a__gt', value: '1e-131' },
    { why: 'name starting with _ inside a path', key: 'a._b', value: 'x' },
    { why: '__proto__', key: '__proto__', value: 'x' },
    { why: '__proto__ inside a path', key: 'a.__proto__.b', value: 'x' },
    { why: 'constructor', key: 'constructor', value: 'x' },
    { why: 'constructor with an operator', key: 'constructor__eq', value: 'x' },
    { why: 'prototype inside a path', key: 'a.prototype', value: 'x' },
    { why: 'empty segment', key: 'a..b', value: 'x' },
    { why: 'leading dot', key: '.a', value: 'x' },
    { why: 'trailing dot', key: 'a.', value: 'x' },
    { why: 'empty name', key: '', value: 'x' },
    { why: 'empty name with operator', key: '__eq', value: 'x' },
  ])('rejects $why ($key=$value)', ({ key, value }) => {
    expectInvalid(() => parse([[key, value]]), key);
  });

  it('rejects a repeated key with an operator', () => {
    expectInvalid(
      () =>
        parse([
          ['a__gt', '1'],
          ['a__gt', '2'],
        ]),
      'a__gt',
    );
  });

  it('names the bad parameter, not a good one next to it', () => {
    expectInvalid(
      () =>
        parse([
          ['good', 'x'],
          ['bad__nope', 'y'],
        ]),
      'bad__nope',
    );
  });
});

describe('parseQuery: conditions for the exclusion check and the log', () => {
  it('lists each field with its operator, never a value', () => {
    const { conditions } = parse([
      ['a', 'x'],
      ['b', '1'],
      ['b', '2'],
      ['c__ge', '1'],
      ['d__length__gt', '1'],
      ['e.f__notin', '["v"]'],
    ]);
    expect(conditions).toEqual([
      { field: 'a', op: 'eq' },
      { field: 'b', op: 'in' },
      { field: 'c', op: 'gte' },
      { field: 'd', op: 'length_gt' },
      { field: 'e.f', op: 'notin' },
    ]);
  });
});

function expectInvalid(fn: () => unknown, param: string): void {
  const err = thrown(fn);
  expect(err).toBeInstanceOf(ScoutrError);
  expect(answered(err)).toMatchObject({ code: 'INVALID_QUERY', status: 400, expose: true, details: { param } });
}

describe('operator names are never looked up on Object.prototype', () => {
  it.each(['n__constructor', 'n__toString', 'n__length__constructor', 'n__length__valueOf', 'n__length__eq'])(
    'answers %s with 400 unknown operator',
    (param) => {
      expect(() => parseQuery({ params: [[param, '1']], keyTypes: new Map() })).toThrow(
        expect.objectContaining({ code: 'INVALID_QUERY', details: { param } }),
      );
    },
  );
});
