import fc from 'fast-check';
import { ScoutrError } from '../../../../src/core/errors';
import { compileFilter } from '../../../../src/core/filter/compile';
import { matches } from '../../../../src/core/filter/evaluate';
import { type ParsedQuery, parseQuery } from '../../../../src/core/query/parse';
import type { Item, KeySpec, KeyType } from '../../../../src/core/values';
import { answered } from '../../../support/errors';

const FIELDS = ['status', 'n', 'meta.level', 'id', 'tags', 'a.b.c'];
const OPERATORS = [
  'eq',
  'ne',
  'in',
  'notin',
  'startswith',
  'contains',
  'notcontains',
  'exists',
  'gt',
  'lt',
  'gte',
  'lte',
];
const MORE_OPERATORS = ['ge', 'le', 'between', 'length', 'length__gt', 'length__ge', 'length__eq', 'EQ', 'like', ''];
const RESERVED = ['_limit', '_cursor', '_explain', '_sort', '__proto__', 'constructor', 'prototype'];

const jsonScalar = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.bigInt({ min: -(10n ** 45n), max: 10n ** 45n }).map((n) => n.toString()),
);
const value = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.constantFrom('true', 'false', '', '0', '-0', '1e2', '1e126', '03', '[]', '[1,', 'null', '{"a":1}'),
  fc.integer().map(String),
  fc.double().map(String),
  fc.bigInt({ min: -(10n ** 45n), max: 10n ** 45n }).map(String),
  fc.array(jsonScalar, { maxLength: 4 }).map((a) => JSON.stringify(a)),
  fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 2, maxLength: 2 }).map((a) => JSON.stringify(a)),
  fc.json({ maxDepth: 2 }),
  fc.array(fc.nat(), { minLength: 40, maxLength: 120 }).map((a) => JSON.stringify(a)), // IN groups beyond 100
);
const field = fc.oneof(
  fc.constantFrom(...FIELDS),
  fc.string({ minLength: 1, maxLength: 6 }),
  fc
    .array(fc.constantFrom('a', 'b', '_c', '', '__proto__', 'constructor', 'AND', ':v0', '#n0'), {
      minLength: 1,
      maxLength: 3,
    })
    .map((segments) => segments.join('.')),
);
const key = fc.oneof(
  fc.string(),
  field,
  fc.tuple(field, fc.constantFrom(...OPERATORS, ...MORE_OPERATORS)).map(([f, op]) => `${f}__${op}`),
  fc.tuple(field, fc.string({ maxLength: 5 })).map(([f, op]) => `${f}__${op}`),
  fc.constantFrom(...RESERVED),
);
// Well-formed conditions too, so that many queries parse and the compiled expressions are worth checking.
const text = fc.oneof(fc.string({ minLength: 1 }), fc.integer().map(String), fc.constantFrom('true', 'false', '2.50'));
const wellFormed: fc.Arbitrary<[string, string]> = fc.oneof(
  fc.tuple(fc.constantFrom(...FIELDS), text),
  fc.tuple(fc.constantFrom(...FIELDS.map((f) => `${f}__eq`), ...FIELDS.map((f) => `${f}__gt`)), text),
  fc.tuple(
    fc.constantFrom(...FIELDS.flatMap((f) => [`${f}__in`, `${f}__notin`])),
    fc
      .array(fc.oneof(fc.string(), fc.integer(), fc.boolean()), { minLength: 1, maxLength: 60 })
      .map((a) => JSON.stringify(a)),
  ),
  fc.tuple(
    fc.constantFrom(...FIELDS.map((f) => `${f}__between`)),
    fc.tuple(fc.integer(), fc.integer()).map(([x, y]) => JSON.stringify([Math.min(x, y), Math.max(x, y)])),
  ),
  fc.tuple(fc.constantFrom(...FIELDS.map((f) => `${f}__exists`)), fc.constantFrom('true', 'false')),
  fc.tuple(fc.constantFrom(...FIELDS.flatMap((f) => [`${f}__length`, `${f}__length__le`])), fc.nat().map(String)),
  fc.tuple(
    fc.constantFrom(...FIELDS.flatMap((f) => [`${f}__startswith`, `${f}__notcontains`])),
    fc.string({ minLength: 1 }),
  ),
);
const params = fc.oneof(
  { arbitrary: fc.array(fc.tuple(key, value), { maxLength: 6 }), weight: 1 },
  { arbitrary: fc.uniqueArray(wellFormed, { maxLength: 4, selector: ([k]) => k }), weight: 2 },
);
const keyTypes = fc
  .subarray([...FIELDS])
  .chain((names) =>
    fc.tuple(
      ...names.map((n) => fc.constantFrom<KeyType>('S', 'N').map((t) => [n, { type: t, maxBytes: 2048 }] as const)),
    ),
  )
  .map((entries) => new Map<string, KeySpec>(entries));
const pathFilters = fc.array(
  fc.record({ field, value: fc.string({ minLength: 1 }), param: fc.constantFrom('search_key', 'status') }),
  { maxLength: 1 },
);
const item: fc.Arbitrary<Item> = fc.record(
  { status: fc.string().map((S) => ({ S })), n: fc.integer().map((n) => ({ N: String(n) })) },
  { requiredKeys: [] },
);

const KEYWORDS = /\b(AND|OR|NOT|IN|BETWEEN|size|begins_with|contains|attribute_(not_)?exists)\b/g;

function parseOrReject(input: Parameters<typeof parseQuery>[0]): ParsedQuery | undefined {
  try {
    return parseQuery(input);
  } catch (err) {
    expect(err).toBeInstanceOf(ScoutrError);
    expect(answered(err)).toMatchObject({ code: 'INVALID_QUERY', status: 400 });
    expect(input.params.map(([k]) => k).concat(input.pathFilters?.map((p) => p.param) ?? [])).toContain(
      (err as ScoutrError).details?.param,
    );
    return undefined;
  }
}

it('parses any query or rejects it with INVALID_QUERY naming one of its parameters', () => {
  let nontrivial = 0;
  fc.assert(
    fc.property(params, keyTypes, pathFilters, (query, types, paths) => {
      const parsed = parseOrReject({ params: query, keyTypes: types, pathFilters: paths });
      if (parsed && typeof parsed.filter !== 'boolean') nontrivial++;
    }),
    { numRuns: 3000 },
  );
  // A generator whose queries all fail would prove nothing about the compiled expressions.
  expect(nontrivial).toBeGreaterThan(3000 / 5);
});

it('keeps user text out of the compiled expression', () => {
  fc.assert(
    fc.property(params, keyTypes, pathFilters, (query, types, paths) => {
      const parsed = parseOrReject({ params: query, keyTypes: types, pathFilters: paths });
      if (!parsed || typeof parsed.filter === 'boolean') return;
      const { expression, names, values } = compileFilter(parsed.filter);
      const residue = expression.replace(/(#n|:v)\d+/g, '').replace(KEYWORDS, '');
      expect(residue).toMatch(/^[\s(),.=<>]*$/);
      // Every placeholder the expression uses is defined, and nothing else is.
      expect(new Set(expression.match(/(#n|:v)\d+/g))).toEqual(
        new Set([...Object.keys(names), ...Object.keys(values)]),
      );
    }),
    { numRuns: 3000 },
  );
});

it('builds filters the evaluator can decide on any item', () => {
  fc.assert(
    fc.property(params, keyTypes, item, (query, types, it) => {
      const parsed = parseOrReject({ params: query, keyTypes: types });
      if (!parsed) return;
      expect(typeof matches(parsed.filter, it)).toBe('boolean');
    }),
    { numRuns: 1000 },
  );
});
