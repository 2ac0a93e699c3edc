import { ScoutrError } from '../../../../src/core/errors';
import {
  checkLimits,
  compileFilter,
  countOperators,
  MAX_EXPRESSION_BYTES,
  MAX_OPERATORS,
  Placeholders,
} from '../../../../src/core/filter/compile';
import type { Filter, NonEmpty } from '../../../../src/core/filter/types';
import type { AttributeValue } from '../../../../src/core/values';
import { answered, thrown } from '../../../support/errors';

const eq = (field: string, S: string): Filter => ({ op: 'eq', field, value: { S } });

describe('compileFilter', () => {
  it.each<{ name: string; filter: Filter; expression: string; names: object; values: Record<string, AttributeValue> }>([
    {
      name: 'eq',
      filter: eq('status', 'Active'),
      expression: '#n0 = :v0',
      names: { '#n0': 'status' },
      values: { ':v0': { S: 'Active' } },
    },
    {
      name: 'ne',
      filter: { op: 'ne', field: 'a', value: { N: '3' } },
      expression: '#n0 <> :v0',
      names: { '#n0': 'a' },
      values: { ':v0': { N: '3' } },
    },
    {
      name: 'gt',
      filter: { op: 'gt', field: 'a', value: { N: '3' } },
      expression: '#n0 > :v0',
      names: { '#n0': 'a' },
      values: { ':v0': { N: '3' } },
    },
    {
      name: 'gte',
      filter: { op: 'gte', field: 'a', value: { N: '3' } },
      expression: '#n0 >= :v0',
      names: { '#n0': 'a' },
      values: { ':v0': { N: '3' } },
    },
    {
      name: 'lt',
      filter: { op: 'lt', field: 'a', value: { S: 'm' } },
      expression: '#n0 < :v0',
      names: { '#n0': 'a' },
      values: { ':v0': { S: 'm' } },
    },
    {
      name: 'lte',
      filter: { op: 'lte', field: 'a', value: { S: 'm' } },
      expression: '#n0 <= :v0',
      names: { '#n0': 'a' },
      values: { ':v0': { S: 'm' } },
    },
    {
      name: 'in',
      filter: { op: 'in', field: 'a', values: [{ N: '3' }, { S: '3' }, { BOOL: true }, { NULL: true }] },
      expression: '#n0 IN (:v0, :v1, :v2, :v3)',
      names: { '#n0': 'a' },
      values: { ':v0': { N: '3' }, ':v1': { S: '3' }, ':v2': { BOOL: true }, ':v3': { NULL: true } },
    },
    {
      name: 'between',
      filter: { op: 'between', field: 'a', low: { N: '1' }, high: { N: '5' } },
      expression: '#n0 BETWEEN :v0 AND :v1',
      names: { '#n0': 'a' },
      values: { ':v0': { N: '1' }, ':v1': { N: '5' } },
    },
    {
      name: 'startswith',
      filter: { op: 'startswith', field: 'a', value: { S: 'ab' } },
      expression: 'begins_with(#n0, :v0)',
      names: { '#n0': 'a' },
      values: { ':v0': { S: 'ab' } },
    },
    {
      name: 'contains',
      filter: { op: 'contains', field: 'tags', value: { S: 'red' } },
      expression: 'contains(#n0, :v0)',
      names: { '#n0': 'tags' },
      values: { ':v0': { S: 'red' } },
    },
    {
      name: 'exists',
      filter: { op: 'exists', field: 'a', present: true },
      expression: 'attribute_exists(#n0)',
      names: { '#n0': 'a' },
      values: {},
    },
    {
      name: 'not exists',
      filter: { op: 'exists', field: 'a', present: false },
      expression: 'attribute_not_exists(#n0)',
      names: { '#n0': 'a' },
      values: {},
    },
    {
      name: 'length',
      filter: { op: 'length', cmp: 'gte', field: 'a', value: { N: '3' } },
      expression: 'size(#n0) >= :v0',
      names: { '#n0': 'a' },
      values: { ':v0': { N: '3' } },
    },
    {
      name: 'not',
      filter: { op: 'not', child: { op: 'contains', field: 'a', value: { S: 'x' } } },
      expression: '(NOT contains(#n0, :v0))',
      names: { '#n0': 'a' },
      values: { ':v0': { S: 'x' } },
    },
    {
      name: 'and',
      filter: { op: 'and', children: [eq('a', 'x'), eq('b', 'y')] },
      expression: '(#n0 = :v0 AND #n1 = :v1)',
      names: { '#n0': 'a', '#n1': 'b' },
      values: { ':v0': { S: 'x' }, ':v1': { S: 'y' } },
    },
    {
      name: 'or inside and',
      filter: {
        op: 'and',
        children: [
          { op: 'or', children: [eq('a', 'x'), eq('b', 'y')] },
          { op: 'exists', field: 'c', present: true },
        ],
      },
      expression: '((#n0 = :v0 OR #n1 = :v1) AND attribute_exists(#n2))',
      names: { '#n0': 'a', '#n1': 'b', '#n2': 'c' },
      values: { ':v0': { S: 'x' }, ':v1': { S: 'y' } },
    },
    {
      // DynamoDB answers '((NOT ...))' with "The expression has redundant parentheses".
      name: 'a single-child and, without redundant parentheses',
      filter: { op: 'and', children: [{ op: 'not', child: { op: 'exists', field: 'a', present: false } }] },
      expression: '(NOT attribute_not_exists(#n0))',
      names: { '#n0': 'a' },
      values: {},
    },
    {
      name: 'a single-child or of a single-child and',
      filter: { op: 'or', children: [{ op: 'and', children: [eq('a', 'x')] }] },
      expression: '#n0 = :v0',
      names: { '#n0': 'a' },
      values: { ':v0': { S: 'x' } },
    },
    {
      name: 'nested paths, one placeholder per segment, reused',
      filter: {
        op: 'and',
        children: [
          eq('status', 'Active'),
          { op: 'in', field: 'owner.team', values: [{ S: 'a' }, { S: 'b' }] },
          eq('owner', 'z'),
        ],
      },
      expression: '(#n0 = :v0 AND #n1.#n2 IN (:v1, :v2) AND #n1 = :v3)',
      names: { '#n0': 'status', '#n1': 'owner', '#n2': 'team' },
      values: { ':v0': { S: 'Active' }, ':v1': { S: 'a' }, ':v2': { S: 'b' }, ':v3': { S: 'z' } },
    },
    {
      name: 'a name that looks like expression syntax',
      filter: eq('a) OR (#n0', ':v0 OR size(x) > 0'),
      expression: '#n0 = :v0',
      names: { '#n0': 'a) OR (#n0' },
      values: { ':v0': { S: ':v0 OR size(x) > 0' } },
    },
  ])('compiles $name', ({ filter, expression, names, values }) => {
    expect(compileFilter(filter)).toEqual({ expression, names, values });
  });

  it('prefixes placeholders so a key condition and a filter share one request without colliding', () => {
    const key = compileFilter(eq('pk', 'x'), new Placeholders('k'));
    const filter = compileFilter(eq('pk', 'y'), new Placeholders('f'));
    expect(key).toEqual({ expression: '#kn0 = :kv0', names: { '#kn0': 'pk' }, values: { ':kv0': { S: 'x' } } });
    expect(filter).toEqual({ expression: '#fn0 = :fv0', names: { '#fn0': 'pk' }, values: { ':fv0': { S: 'y' } } });
  });

  it('emits exactly the placeholders its expression uses', () => {
    const filter: Filter = {
      op: 'or',
      children: [
        { op: 'and', children: [eq('a.b', '1'), { op: 'not', child: eq('a', '2') }] },
        { op: 'between', field: 'c', low: { N: '1' }, high: { N: '2' } },
        { op: 'length', cmp: 'lt', field: 'a.b.c', value: { N: '2' } },
      ],
    };
    const { expression, names, values } = compileFilter(filter);
    const used = new Set(expression.match(/[#:][nv]\d+/g));
    expect(new Set([...Object.keys(names), ...Object.keys(values)])).toEqual(used);
  });
});

describe('countOperators', () => {
  const leaf = eq('a', 'x');
  it.each<{ name: string; filter: Filter; want: number }>([
    { name: 'a comparison', filter: leaf, want: 1 },
    { name: 'an IN', filter: { op: 'in', field: 'a', values: [{ S: 'x' }, { S: 'y' }] }, want: 1 },
    { name: 'a size comparison', filter: { op: 'length', cmp: 'gt', field: 'a', value: { N: '1' } }, want: 2 },
    { name: 'a NOT', filter: { op: 'not', child: leaf }, want: 2 },
    { name: 'an AND of three', filter: { op: 'and', children: [leaf, leaf, leaf] }, want: 5 },
    {
      name: 'an OR of an AND',
      filter: { op: 'or', children: [{ op: 'and', children: [leaf, leaf] }, leaf] },
      want: 5,
    },
  ])('counts $want for $name', ({ filter, want }) => {
    expect(countOperators(filter)).toBe(want);
  });
});

describe('checkLimits', () => {
  const orOf = (n: number): Filter => ({
    op: 'or',
    children: Array.from({ length: n }, (_, i) => eq('a', String(i))) as unknown as NonEmpty<Filter>,
  });

  it('accepts 300 operators and rejects 301 with QUERY_TOO_COMPLEX', () => {
    expect(countOperators(orOf(150))).toBe(MAX_OPERATORS - 1);
    expect(() => checkLimits([], [orOf(150), eq('b', 'x')])).not.toThrow();
    const err = thrown(() => checkLimits([], [orOf(151)]));
    expect(err).toBeInstanceOf(ScoutrError);
    expect(answered(err)).toMatchObject({ code: 'QUERY_TOO_COMPLEX', status: 400 });
  });

  it('sums the operators of all the filters it is given', () => {
    expect(() => checkLimits([], [orOf(75), orOf(76)])).not.toThrow(); // 149 + 151
    expect(() => checkLimits([], [orOf(76), orOf(76)])).toThrow(ScoutrError);
  });

  it('accepts an expression of 4 KB and rejects one byte more', () => {
    expect(() => checkLimits(['x'.repeat(MAX_EXPRESSION_BYTES), undefined], [])).not.toThrow();
    const err = thrown(() => checkLimits([undefined, `${'x'.repeat(MAX_EXPRESSION_BYTES - 1)}é`], []));
    expect(answered(err)).toMatchObject({ code: 'QUERY_TOO_COMPLEX', status: 400 });
  });
});
