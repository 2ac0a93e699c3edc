import { type DynamoDBClient, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { checkLimits, compileFilter, countOperators, MAX_EXPRESSION_BYTES } from '../../../src/core/filter/compile';
import { matches } from '../../../src/core/filter/evaluate';
import { type Cmp, chunk, type Filter, type LengthCmp, type NonEmpty } from '../../../src/core/filter/types';
import {
  type AttributeValue,
  canonicalNumber,
  compareNumbers,
  compareStrings,
  type Item,
  type Scalar,
} from '../../../src/core/values';
import { createTable, dropTables } from '../../../src/dynamo/admin';
import { localDb, uniqueName } from '../../support/db';

// The in-memory evaluator decides writes and filters what DynamoDB cannot (SPEC.md §3 "Atomicity", §4 "Planning").
// This test proves that it agrees with DynamoDB: random filter trees over random items, each run both ways.

const ITEMS = 60;
const TREES = 200;

// Small pools, so that generated filter values often equal stored values and both branches of every operator run.
const CHARS = ['a', 'b', 'B', 'z', '0', '1', ' ', 'é', 'ß', '中', '\uE000', '\uFFFF', '😀', '𝄞'];
const NUMBER_TEXTS = [
  '0',
  '-0',
  '1',
  '-1',
  '2',
  '3',
  '10',
  '2.5',
  '-2.5',
  '0.1',
  '1e2',
  '100.000',
  '12345678901234567890123456789012345678', // 38 digits: beyond a double
  '12345678901234567890123456789012345677',
  '-1.2345678901234567890123456789012345678',
  '1E-130',
  '9.9999999999999999999999999999999999999E+125',
  '-9.9999999999999999999999999999999999999E+125',
];
const canonical = (text: string) => {
  const n = canonicalNumber(text);
  if (n === undefined) throw new Error(`test pool holds a number DynamoDB rejects: ${text}`);
  return n;
};
// Paths the filters read: top level, nested maps, and one attribute no item has.
const FIELDS = ['a', 'b', 'c', 'm', 'm.a', 'm.b', 'm.m.a', 'l', 'missing'];
const MAP_KEYS = ['a', 'b', 'm'];

const text = (maxLength = 4) => fc.array(fc.constantFrom(...CHARS), { maxLength }).map((cs) => cs.join(''));
const nonEmptyText = text().filter((s) => s.length > 0);
const numberText = fc.oneof(
  fc.constantFrom(...NUMBER_TEXTS).map(canonical),
  fc.integer({ min: -5, max: 5 }).map(String),
);
const bytes = fc.uint8Array({ minLength: 1, maxLength: 3, max: 3 });

const scalarValue: fc.Arbitrary<Scalar> = fc.oneof(
  { arbitrary: text().map((S) => ({ S })), weight: 4 },
  { arbitrary: numberText.map((N) => ({ N })), weight: 4 },
  { arbitrary: fc.boolean().map((BOOL) => ({ BOOL })), weight: 1 },
  { arbitrary: fc.constant({ NULL: true as const }), weight: 1 },
);

// Sets are unique and non-empty, as DynamoDB requires.
const stringSet = fc.uniqueArray(nonEmptyText, { minLength: 1, maxLength: 4 });
const numberSet = fc.uniqueArray(numberText, {
  minLength: 1,
  maxLength: 4,
  comparator: (x, y) => compareNumbers(x, y) === 0,
});
const binarySet = fc.uniqueArray(bytes, {
  minLength: 1,
  maxLength: 3,
  comparator: (x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)) === 0,
});

const { value: storedValue } = fc.letrec<{ value: AttributeValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { arbitrary: scalarValue, weight: 8 },
    { arbitrary: bytes.map((B): AttributeValue => ({ B })), weight: 1 },
    { arbitrary: stringSet.map((SS): AttributeValue => ({ SS })), weight: 2 },
    { arbitrary: numberSet.map((NS): AttributeValue => ({ NS })), weight: 2 },
    { arbitrary: binarySet.map((BS): AttributeValue => ({ BS })), weight: 1 },
    { arbitrary: fc.array(tie('value'), { maxLength: 3 }).map((L): AttributeValue => ({ L })), weight: 2 },
    {
      arbitrary: fc
        .dictionary(fc.constantFrom(...MAP_KEYS), tie('value'), { maxKeys: 3 })
        .map((M): AttributeValue => ({ M })),
      weight: 2,
    },
  ),
}));

const itemBody = fc.record(
  { a: storedValue, b: storedValue, c: storedValue, m: storedValue, l: storedValue },
  { requiredKeys: [] },
) as fc.Arbitrary<Item>;

const field = fc.constantFrom(...FIELDS);
const ordered: fc.Arbitrary<Scalar> = fc.oneof(
  text().map((S) => ({ S })),
  numberText.map((N) => ({ N })),
);
// DynamoDB rejects BOOL and NULL operands of < <= > >= and BETWEEN at validation, and BETWEEN with low > high;
// the parser and the role filters never build those, so neither does this generator.
const range: fc.Arbitrary<[Scalar, Scalar]> = fc.oneof(
  fc.tuple(text(), text()).map(([x, y]): [Scalar, Scalar] => {
    const [low, high] = compareStrings(x, y) <= 0 ? [x, y] : [y, x];
    return [{ S: low }, { S: high }];
  }),
  fc.tuple(numberText, numberText).map(([x, y]): [Scalar, Scalar] => {
    const [low, high] = compareNumbers(x, y) <= 0 ? [x, y] : [y, x];
    return [{ N: low }, { N: high }];
  }),
);

const { filter: filterTree } = fc.letrec<{ filter: Filter }>((tie) => ({
  filter: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf(),
    fc
      .record({
        op: fc.constantFrom('and' as const, 'or' as const),
        children: fc.array(tie('filter'), { minLength: 1, maxLength: 3 }),
      })
      .map((f): Filter => ({ op: f.op, children: f.children as unknown as NonEmpty<Filter> })),
    tie('filter').map((child): Filter => ({ op: 'not', child })),
  ),
}));

function leaf(): fc.Arbitrary<Filter> {
  return fc.oneof(
    fc.record({ op: fc.constantFrom<Cmp>('eq', 'ne'), field, value: scalarValue }),
    fc.record({ op: fc.constantFrom<Cmp>('gt', 'gte', 'lt', 'lte'), field, value: ordered }),
    fc.record({
      op: fc.constant('in' as const),
      field,
      values: fc
        .uniqueArray(scalarValue, { minLength: 1, maxLength: 5, selector: (v) => JSON.stringify(v) })
        .map((vs) => vs as unknown as NonEmpty<Scalar>),
    }),
    fc.record({ field, range }).map(({ field, range: [low, high] }): Filter => ({ op: 'between', field, low, high })),
    fc.record({
      op: fc.constantFrom('startswith' as const, 'contains' as const),
      field,
      value: text().map((S) => ({ S })),
    }),
    fc.record({ op: fc.constant('exists' as const), field, present: fc.boolean() }),
    fc.record({
      op: fc.constant('length' as const),
      cmp: fc.constantFrom<LengthCmp>('eq', 'gt', 'gte', 'lt', 'lte'),
      field,
      value: fc.integer({ min: 0, max: 5 }).map((n) => ({ N: String(n) })),
    }),
  );
}

async function scanIds(db: DynamoDBClient, table: string, filter: Filter): Promise<string[]> {
  const { expression, names, values } = compileFilter(filter);
  const ids: string[] = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await db.send(
      new ScanCommand({
        TableName: table,
        FilterExpression: expression,
        ExpressionAttributeNames: names,
        // DynamoDB rejects an empty map as well as unused placeholders.
        ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
        ConsistentRead: true,
        Limit: 25, // several pages, so paging through LastEvaluatedKey is exercised too
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    for (const item of page.Items ?? []) ids.push((item.id as { S: string }).S);
    startKey = page.LastEvaluatedKey as Record<string, AttributeValue> | undefined;
  } while (startKey);
  return ids.sort();
}

const db = localDb();
const table = uniqueName('differential');
// Items come from a seed printed with any disagreement, so a failure can be replayed with the same table content.
const itemSeed = Math.floor(Math.random() * 2 ** 31);
const items: Item[] = fc
  .sample(fc.array(itemBody, { minLength: ITEMS, maxLength: ITEMS }), { seed: itemSeed, numRuns: 1 })[0]!
  .map((body, i) => ({ ...body, id: { S: `i${String(i).padStart(3, '0')}` } }));

beforeAll(async () => {
  await createTable(db, { name: table, partitionKey: { name: 'id', type: 'S' } });
  await Promise.all(items.map((Item) => db.send(new PutItemCommand({ TableName: table, Item }))));
});
afterAll(async () => {
  await dropTables(db, [table]);
  db.destroy();
});

it('stores every generated item as generated', async () => {
  const { Items = [] } = await db.send(new ScanCommand({ TableName: table, ConsistentRead: true }));
  expect(Items).toHaveLength(ITEMS);
});

it('selects exactly the items matches() accepts, for random filter trees over random items', async () => {
  let mixed = 0;
  await fc.assert(
    fc.asyncProperty(filterTree, async (filter) => {
      const fromDynamo = await scanIds(db, table, filter);
      const inMemory = items
        .filter((item) => matches(filter, item))
        .map((item) => (item.id as { S: string }).S)
        .sort();
      if (inMemory.length > 0 && inMemory.length < ITEMS) mixed++;
      if (JSON.stringify(fromDynamo) !== JSON.stringify(inMemory)) {
        const onlyDynamo = fromDynamo.filter((id) => !inMemory.includes(id));
        const onlyMemory = inMemory.filter((id) => !fromDynamo.includes(id));
        const show = (ids: string[]) => ids.map((id) => items.find((i) => (i.id as { S: string }).S === id));
        throw new Error(
          `items seed ${itemSeed}: DynamoDB and matches() disagree\n` +
            `only DynamoDB: ${JSON.stringify(show(onlyDynamo))}\nonly matches(): ${JSON.stringify(show(onlyMemory))}`,
        );
      }
    }),
    { numRuns: TREES },
  );
  // A generator whose trees select all or nothing would prove little: most runs give some 75 of 200 mixed trees.
  expect(mixed).toBeGreaterThanOrEqual(TREES / 5);
}, 120_000);

describe('checkLimits agrees with DynamoDB on its expression limits', () => {
  const leaf = (i: number): Filter => ({ op: 'eq', field: 'a', value: { N: String(i) } });
  const orOf = (children: Filter[]): Filter => ({ op: 'or', children: children as unknown as NonEmpty<Filter> });
  const times = <T>(n: number, f: (i: number) => T) => Array.from({ length: n }, (_, i) => f(i));
  // Shapes near 300 operators, each counted differently: comparisons, NOT, size(), IN, AND.
  const shapes: Record<string, (n: number) => Filter> = {
    'n comparisons OR-ed': (n) => orOf(times(n, leaf)),
    'n NOT comparisons OR-ed': (n) => orOf(times(n, (i) => ({ op: 'not', child: leaf(i) }))),
    'n size() comparisons OR-ed': (n) =>
      orOf(times(n, (i) => ({ op: 'length', cmp: 'gt', field: 'a', value: { N: String(i) } }))),
    'n two-operand INs OR-ed': (n) =>
      orOf(times(n, (i) => ({ op: 'in', field: 'a', values: [{ N: String(i) }, { S: String(i) }] }))),
    'n comparisons OR-ed, AND-ed with one more': (n) => ({ op: 'and', children: [orOf(times(n, leaf)), leaf(-1)] }),
    'n attribute_exists OR-ed': (n) => orOf(times(n, () => ({ op: 'exists', field: 'a', present: true }))),
  };
  const rejects = async (filter: Filter): Promise<boolean> => {
    try {
      await scanIds(db, table, filter);
      return false;
    } catch (err) {
      if ((err as Error).name !== 'ValidationException') throw err;
      return true;
    }
  };
  const ourVerdict = (filter: Filter) => {
    try {
      checkLimits([compileFilter(filter).expression], [filter]);
      return false;
    } catch {
      return true;
    }
  };

  it.each(Object.keys(shapes))('rejects exactly what DynamoDB rejects for %s around 300 operators', async (name) => {
    const shape = shapes[name]!;
    const verdicts: { n: number; operators: number; ours: boolean; dynamo: boolean }[] = [];
    for (let n = 98; n <= 152; n++) {
      const filter = shape(n);
      const operators = countOperators(filter);
      if (operators < 296 || operators > 304) continue;
      verdicts.push({ n, operators, ours: ourVerdict(filter), dynamo: await rejects(filter) });
    }
    expect(verdicts.map(({ n, ours }) => ({ n, rejected: ours }))).toEqual(
      verdicts.map(({ n, dynamo }) => ({ n, rejected: dynamo })),
    );
    // Both sides of the limit were tried.
    expect(new Set(verdicts.map((v) => v.dynamo))).toEqual(new Set([true, false]));
  });

  it('rejects exactly what DynamoDB rejects around 4 KB of expression', async () => {
    const inGroups = (m: number) =>
      orOf(
        chunk(times(m, (i): Scalar => ({ N: String(i) }))).map((values): Filter => ({ op: 'in', field: 'a', values })),
      );
    const bytes = (m: number) => Buffer.byteLength(compileFilter(inGroups(m)).expression);
    let m = 1;
    while (bytes(m) <= MAX_EXPRESSION_BYTES) m++;
    expect(bytes(m - 1)).toBeLessThanOrEqual(MAX_EXPRESSION_BYTES);
    expect([ourVerdict(inGroups(m - 1)), await rejects(inGroups(m - 1))]).toEqual([false, false]);
    expect([ourVerdict(inGroups(m)), await rejects(inGroups(m))]).toEqual([true, true]);
  });
});
