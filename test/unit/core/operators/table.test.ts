import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { NODES, OPERATORS, operatorSpelled, QUERY_OPERATORS } from '../../../../src/core/operators';

// The table (src/core/operators/index.ts): one module per operator, each with its own test file here, but for the
// four orderings, which order.test.ts covers in one table as order.ts makes them.
const MODULES = join('src', 'core', 'operators');
const SHARED = ['index.ts', 'operator.ts', 'order.ts'];

it('has a test file for every operator module', () => {
  const modules = readdirSync(MODULES).filter((f) => f.endsWith('.ts') && !SHARED.includes(f));
  expect(modules.length).toBeGreaterThanOrEqual(OPERATORS.length);
  const ordering = ['gt.ts', 'gte.ts', 'lt.ts', 'lte.ts'];
  const own = (m: string) => existsSync(join(__dirname, m.replace(/\.ts$/, '.test.ts')));
  expect(modules.filter((m) => !own(m) && !(ordering.includes(m) && own('order.ts')))).toEqual([]);
});

it('lists every operator of docs/reference/query-language.md#operators, each spelling once', () => {
  expect(OPERATORS.map((o) => o.name)).toEqual([
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
    'between',
    'length',
  ]);
  expect(new Set(QUERY_OPERATORS).size).toBe(QUERY_OPERATORS.length);
  expect(QUERY_OPERATORS).toEqual(expect.arrayContaining(['ge', 'le', 'length__gt', 'length__le']));
});

it.each(['toString', 'constructor', '__proto__', 'hasOwnProperty', 'length__eq', 'EQ', ''])(
  'knows no operator spelt %j',
  (spelling) => {
    expect(operatorSpelled(spelling)).toBeUndefined();
  },
);

it('has the expression, evaluation and description of every leaf of the filter tree', () => {
  for (const node of Object.values(NODES)) {
    expect([typeof node.expression, typeof node.matches, typeof node.describe, typeof node.cost]).toEqual([
      'function',
      'function',
      'function',
      'number',
    ]);
  }
});
