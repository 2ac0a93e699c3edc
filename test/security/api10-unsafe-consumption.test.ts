// OWASP API10:2023 Unsafe Consumption of APIs. Scoutr consumes two inputs it does not control: the client's request
// and DynamoDB's answers. Its defence: nothing from the client is evaluated. Query and path values, search values and
// field names reach DynamoDB only as ExpressionAttributeValues/Names placeholders (`:v0`, `#n0`), never spliced into
// an expression; they are never compiled as a regex (endpoint regexes come from the auth records alone, and a path
// given to /user/has-permission is matched, not compiled); so regex metacharacters and DynamoDB expression syntax
// (`#a`, `:v`, `) OR (`, `attribute_exists(x)`) match only themselves. Names that could not be attributes (an empty
// segment, a leading `_`, `__proto__`, `constructor`, `prototype`) and unknown operators are 400 (docs/reference/query-language.md#names-and-nesting).
import { apiKey, expectError, expectInvalidQuery } from '../factories/http';
import { as, type Harness, startHarness } from '../support/harness';

// Values that mean something to a regex engine, to DynamoDB's expression grammar, to SQL or to a template.
const NASTY = [
  '.*',
  '^a$',
  'a|b',
  '[a-z]+',
  '(?=x)',
  '\\d',
  '#n0',
  ':v0',
  ') OR (',
  ') OR attribute_exists(id',
  'attribute_exists(id)',
  'size(name) > :v0',
  "' OR ''='",
  '1 OR 1=1',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal text of a Scoutr placeholder
  '${user.id}',
  '%2A',
  'a b',
];
const items = [
  ...NASTY.map((name, i) => ({ id: `n${i}`, name, kind: 'nasty' })),
  { id: 'plain-a', name: 'a', kind: 'plain' },
  { id: 'plain-b', name: 'b', kind: 'plain' },
  { id: 'plain-ab', name: 'ab', kind: 'plain' },
  // attributes literally named like placeholders and functions
  { id: 'w1', '#n0': 'hash', ':v0': 'colon', 'size(name)': 'fn', 'a b': 'space', kind: 'weird' },
];
const ids = (body: unknown) => (body as Array<{ id: string }>).map((i) => i.id).sort();
const idsWhere = (pred: (i: Record<string, unknown>) => boolean) =>
  items
    .filter(pred)
    .map((i) => i.id)
    .sort();

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    seed: {
      items,
      authRecords: [
        apiKey('k', { permitted_endpoints: [{ method: '*', endpoint: '.*' }] }),
        apiKey('lister', { permitted_endpoints: [{ method: 'GET', endpoint: '/items' }] }),
      ],
    },
  });
});
afterAll(() => h.close());

const list = (query: string) => h.request('GET', `/items?${query}`, { headers: as.key('k') });
const q = encodeURIComponent;

describe('values are literal', () => {
  it.each(NASTY)('matches name=%s only where the name is exactly that text', async (value) => {
    const res = await list(`name=${q(value)}`);
    expect(res.status).toBe(200);
    expect(ids(res.body)).toEqual(idsWhere((i) => i.name === value));
    expect(ids(res.body)).toHaveLength(1);
  });

  it.each(NASTY)('matches startswith, contains and ne of %s as plain text', async (value) => {
    const str = (i: Record<string, unknown>) => (typeof i.name === 'string' ? i.name : undefined);
    const starts = await list(`name__startswith=${q(value)}`);
    const contains = await list(`name__contains=${q(value)}`);
    const ne = await list(`name__ne=${q(value)}`);
    expect(ids(starts.body)).toEqual(idsWhere((i) => str(i)?.startsWith(value) ?? false));
    expect(ids(contains.body)).toEqual(idsWhere((i) => str(i)?.includes(value) ?? false));
    expect(ids(ne.body)).toEqual(idsWhere((i) => i.name !== value));
  });

  it('matches an IN of expression and regex text as those texts only', async () => {
    const values = ['.*', ') OR (', 'a'];
    const res = await list(`name__in=${q(JSON.stringify(values))}`);
    expect(ids(res.body)).toEqual(idsWhere((i) => values.includes(i.name as string)));
  });

  it.each(['.*', ') OR (', ':v0', '#n0'])(
    'finds exactly one item for the path filter /items/name/%s',
    async (value) => {
      const res = await h.request('GET', `/items/name/${q(value)}`, { headers: as.key('k') });
      expect(ids(res.body)).toEqual(idsWhere((i) => i.name === value));
    },
  );

  it('searches expression and regex text as those texts only', async () => {
    const res = await h.request('POST', '/search/name', { headers: as.key('k'), body: NASTY.slice(0, 6) });
    expect(ids(res.body)).toEqual(idsWhere((i) => NASTY.slice(0, 6).includes(i.name as string)));
  });
});

describe('names are literal attribute names, or 400', () => {
  it.each([
    ['#n0', 'hash'],
    [':v0', 'colon'],
    ['size(name)', 'fn'],
    ['a b', 'space'],
  ])('reads the attribute literally named %s', async (name, value) => {
    expect(ids((await list(`${q(name)}=${value}`)).body)).toEqual(['w1']);
    expect((await list(`${q(name)}=other`)).body).toEqual([]);
    const searched = await h.request('POST', `/search/${q(name)}`, { headers: as.key('k'), body: [value] });
    expect(ids(searched.body)).toEqual(['w1']);
  });

  it.each([
    ['_version', '_version'],
    ['a..b', 'a..b'],
    ['.a', '.a'],
    ['__proto__', '__proto__'],
    ['constructor.x', 'constructor.x'],
    ['a.prototype', 'a.prototype'],
    ['meta._secret', 'meta._secret'],
  ])('answers the name %s 400 INVALID_QUERY', async (name, param) => {
    expectInvalidQuery(await list(`${q(name)}=1`), param);
  });

  it.each(['name__or=1', 'name__eq__or=1', 'name__regex=.*', 'name__matches=a', 'name__attribute_exists=true'])(
    'answers the unknown operator in %s 400',
    async (query) => {
      expectError(await list(query), 400, 'INVALID_QUERY');
    },
  );

  it.each([
    'name__in=["a"]) OR (["b"]',
    'name__in=["a", {"$ne": 1}]',
    'name__between=[".*", {"S": "z"}]',
    'name__exists=attribute_exists(id)',
  ])('answers the malformed value in %s 400 instead of reading it as more syntax', async (query) => {
    expectError(await list(query.replace(/=(.*)$/, (_, v: string) => `=${q(v)}`)), 400, 'INVALID_QUERY');
  });
});

describe('a client path is matched against the endpoint rules, never compiled', () => {
  it.each(['.*', '/items|/item/x', '/items.*', '(/items)', '/item[s]', '/items/../audit'])(
    'answers /user/has-permission for the path %s: not allowed by a GET /items rule (or not a path: 400)',
    async (path) => {
      const res = await h.request('POST', '/user/has-permission', {
        headers: as.key('lister'),
        body: { method: 'GET', path },
      });
      if (path.startsWith('/')) expect(res.body).toMatchObject({ allowed: false });
      else expectError(res, 400, 'INVALID_BODY');
    },
  );

  it('allows the path the rule names (the control)', async () => {
    const res = await h.request('POST', '/user/has-permission', {
      headers: as.key('lister'),
      body: { method: 'GET', path: '/items' },
    });
    expect(res.body).toMatchObject({ allowed: true });
  });
});
