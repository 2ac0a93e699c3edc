import { as } from '../../support/harness';
import { scanAudit, scanData, storedItem, writeTests } from './support';

// POST /item through the local server (docs/reference/permissions.md#writes, docs/reference/writes.md#bodies, docs/reference/errors.md#the-error-body): what a create accepts, what it
// refuses, and that a refused create writes nothing.

// jest.config.js's testTimeout is a global option, so inside a project it does not apply: set it here.
jest.setTimeout(30_000);

const { h, expectNothingWritten } = writeTests({
  dataTable: {
    partitionKey: { name: 'id', type: 'S' },
    indexes: [{ name: 'type-index', partitionKey: { name: 'type', type: 'S' }, sortKey: { name: 'price', type: 'N' } }],
  },
  seed: {
    items: [{ id: 'exists', team: 'a', name: 'original' }],
    authRecords: [
      {
        id: 'writer',
        type: 'API_KEY',
        username: 'writer-user',
        permitted_endpoints: [
          { method: 'POST', endpoint: '/item' },
          { method: 'GET', endpoint: '/item/[^/]+' },
        ],
        exclude_fields: ['secret', 'supplier.contact'],
      },
      { id: 'browser', type: 'API_KEY', permitted_endpoints: [{ method: 'GET', endpoint: '/items' }] },
      {
        id: 'ann',
        type: 'USERNAME',
        permitted_endpoints: [{ method: 'POST', endpoint: '/item' }],
        create_filters: [{ field: 'team', value: 'a' }],
        read_filters: [{ field: 'team', operator: 'in', value: ['a', 'b'] }],
      },
      {
        id: 'olga',
        type: 'USERNAME',
        permitted_endpoints: [{ method: 'POST', endpoint: '/item' }],
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a Scoutr placeholder, not a JS template
        read_filters: [{ field: 'owner', value: '${user.username}' }],
      },
      {
        id: 'team-a',
        type: 'OIDC_GROUP',
        permitted_endpoints: [{ method: 'POST', endpoint: '/item' }],
        create_filters: [{ field: 'team', value: 'a' }],
      },
      {
        id: 'team-b',
        type: 'OIDC_GROUP',
        permitted_endpoints: [{ method: 'POST', endpoint: '/item' }],
        create_filters: [{ field: 'team', value: 'b' }],
        exclude_fields: ['cost'],
      },
    ],
  },
});

const writer = { headers: { ...as.key('writer'), 'content-type': 'application/json' } };
const post = (body: unknown, headers: Record<string, string> = writer.headers) =>
  h.request('POST', '/item', { headers, body });

describe('a successful create', () => {
  it('answers 201 with the item as the caller may see it, its ETag, and stores a time-based first version with a CREATE record', async () => {
    // Act
    const before = Date.now();
    const res = await post({ id: 'c-1', type: 'dog', price: 12.5, tags: ['a', 'b'], meta: { level: 3 } });
    // Assess: the first version is the creation time in ms × 1000 plus three random digits
    expect(res.status).toBe(201);
    const version = Number(JSON.parse(res.headers.get('etag')!));
    expect(version).toBeGreaterThanOrEqual(before * 1000);
    expect(version).toBeLessThan((Date.now() + 1) * 1000);
    expect(res.body).toEqual({ id: 'c-1', type: 'dog', price: 12.5, tags: ['a', 'b'], meta: { level: 3 } });
    expect(await storedItem(h, 'c-1')).toEqual({
      id: 'c-1',
      type: 'dog',
      price: 12.5,
      tags: ['a', 'b'],
      meta: { level: 3 },
      _version: version,
    });
    const records = (await scanAudit(h)).filter((r) => r.resource_key === 'c-1');
    expect(records).toEqual([
      expect.objectContaining({ action: 'CREATE', method: 'POST', version, history_key: 'c-1' }),
    ]);
  });

  it('keeps every digit of a number the body carries', async () => {
    const res = await h.request('POST', '/item', {
      headers: writer.headers,
      body: '{"id":"c-digits","big":12345678901234567890123456789012345678}',
    });
    expect(res.status).toBe(201);
    expect(res.text).toContain('"big":"12345678901234567890123456789012345678"');
    expect((await storedItem(h, 'c-digits'))?.big).toBe('12345678901234567890123456789012345678');
  });
});

describe('a body that is not a JSON object of attributes is 400', () => {
  it.each([
    { what: 'an array', body: '[{"id":"x"}]', code: 'INVALID_BODY' },
    { what: 'a string', body: '"x"', code: 'INVALID_BODY' },
    { what: 'a number', body: '5', code: 'INVALID_BODY' },
    { what: 'null', body: 'null', code: 'INVALID_BODY' },
    { what: 'an object naming no attribute', body: '{}', code: 'INVALID_BODY' },
    { what: 'unparsable JSON', body: '{"id": "x",', code: 'INVALID_JSON' },
    { what: 'a duplicate key', body: '{"id": "x", "id": "y"}', code: 'INVALID_JSON' },
    { what: 'an empty body', body: '', code: 'INVALID_JSON' },
  ])('$what → 400 $code', async ({ body, code }) => {
    await expectNothingWritten(async () => {
      const res = await h.request('POST', '/item', { headers: writer.headers, body });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code });
    });
  });

  it.each([
    { what: 'null for an attribute', body: { id: 'n-1', gone: null } },
    { what: 'a name starting with _', body: { id: 'n-2', _private: 1 } },
    { what: 'the reserved _version', body: { id: 'n-3', _version: 7 } },
    { what: 'an empty attribute name', body: { id: 'n-4', '': 1 } },
    { what: 'an empty nested name', body: { id: 'n-5', meta: { '': 1 } } },
    { what: 'a nested __proto__', body: '{"id":"n-6","meta":{"__proto__":{"x":1}}}' },
    { what: 'a number DynamoDB cannot hold', body: '{"id":"n-7","n":1e200}' },
    { what: 'a top-level constructor', body: '{"id":"n-8","constructor":1}' },
    { what: 'a top-level prototype', body: '{"id":"n-9","prototype":"x"}' },
  ])('$what → 400 INVALID_BODY', async ({ body }) => {
    await expectNothingWritten(async () => {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'INVALID_BODY' });
    });
  });
});

describe('keys', () => {
  it('refuses a create without the partition key when ids are not generated', async () => {
    await expectNothingWritten(async () => {
      const res = await post({ name: 'no key' });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'INVALID_BODY', details: { field: 'id' } });
    });
  });

  it.each([
    { what: 'a number partition key', body: { id: 5 }, field: 'id' },
    { what: 'a boolean partition key', body: { id: true }, field: 'id' },
    { what: 'an empty partition key', body: { id: '' }, field: 'id' },
    { what: 'an object partition key', body: { id: { S: 'x' } }, field: 'id' },
    { what: 'a number for a string index key', body: { id: 'k-1', type: 5 }, field: 'type' },
    { what: 'an empty string index key', body: { id: 'k-2', type: '' }, field: 'type' },
    { what: 'a string for a number index sort key', body: { id: 'k-3', type: 'dog', price: 'cheap' }, field: 'price' },
    { what: 'a list for a number index sort key', body: { id: 'k-4', price: [1] }, field: 'price' },
  ])('$what → 400 naming the attribute', async ({ body, field }) => {
    await expectNothingWritten(async () => {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'INVALID_BODY', details: { field } });
    });
  });

  it('answers 409 CONFLICT for an existing key and leaves the stored item alone', async () => {
    await expectNothingWritten(async () => {
      const res = await post({ id: 'exists', team: 'a', name: 'replacement' });
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ code: 'CONFLICT' });
    });
    expect(await storedItem(h, 'exists')).toEqual({ id: 'exists', team: 'a', name: 'original' });
  });
});

describe('fields and rows the caller may create', () => {
  it.each([
    { what: 'an excluded field', body: { id: 'x-1', secret: 's' }, fields: ['secret'] },
    {
      what: 'the parent of an excluded nested path',
      body: { id: 'x-2', supplier: { name: 'n' } },
      fields: ['supplier'],
    },
  ])('$what in the body → 403 FORBIDDEN', async ({ body, fields }) => {
    await expectNothingWritten(async () => {
      const res = await post(body);
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ code: 'FORBIDDEN', details: { fields } });
    });
  });

  it('lets a role create only rows its create and read filters allow', async () => {
    const ann = as.user('ann');
    expect((await post({ id: 'ann-1', team: 'a' }, ann)).status).toBe(201);
    await expectNothingWritten(async () => {
      // create filter refuses b (although ann may read b); read filter refuses nothing she may create
      const res = await post({ id: 'ann-2', team: 'b' }, ann);
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ code: 'FORBIDDEN' });
      expect((await post({ id: 'ann-3' }, ann)).status).toBe(403);
    });
  });

  it('refuses a create whose item the caller could not read back', async () => {
    const olga = as.user('olga');
    expect((await post({ id: 'olga-1', owner: 'olga' }, olga)).status).toBe(201);
    await expectNothingWritten(async () => {
      expect((await post({ id: 'olga-2', owner: 'someone-else' }, olga)).status).toBe(403);
      expect((await post({ id: 'olga-3' }, olga)).status).toBe(403);
    });
  });

  it('allows a create that one of several roles allows, each role on its own', async () => {
    const both = as.user('no-record', ['team-a', 'team-b']);
    expect((await post({ id: 'm-1', team: 'a' }, both)).status).toBe(201);
    expect((await post({ id: 'm-2', team: 'b' }, both)).status).toBe(201);
    await expectNothingWritten(async () => {
      expect((await post({ id: 'm-3', team: 'c' }, both)).status).toBe(403);
      // team-b hides cost, and a body naming a field any counting role hides is 403 even where team-a would allow it
      const hidden = await post({ id: 'm-4', team: 'a', cost: 1 }, both);
      expect(hidden.status).toBe(403);
      expect(hidden.body).toMatchObject({ code: 'FORBIDDEN', details: { fields: ['cost'] } });
    });
  });
});

describe('size and shape limits', () => {
  const nested = (depth: number): unknown => (depth === 0 ? 'leaf' : { n: nested(depth - 1) });

  it('refuses nesting deeper than 32 levels with 400', async () => {
    await expectNothingWritten(async () => {
      // `deep` is level 1, so 32 maps put the leaf at level 33
      const res = await post({ id: 'deep-33', deep: nested(32) });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'INVALID_BODY' });
      const list = await post({ id: 'deep-33l', deep: JSON.parse(`${'['.repeat(32)}1${']'.repeat(32)}`) });
      expect(list.status).toBe(400);
    });
  });

  it('refuses with 400, never 500, an item whose audit record (one level deeper) DynamoDB would reject', async () => {
    await expectNothingWritten(async () => {
      const res = await post({ id: 'deep-32', deep: nested(31) });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'INVALID_BODY' });
    });
    const ok = await post({ id: 'deep-31', deep: nested(30) });
    expect(ok.status).toBe(201);
    expect((await storedItem(h, 'deep-31'))?.deep).toEqual(nested(30));
  });

  it('answers 413 for a request body over 350 KB', async () => {
    await expectNothingWritten(async () => {
      const res = await post({ id: 'big-body', blob: 'x'.repeat(351 * 1024) });
      expect(res.status).toBe(413);
      expect(res.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    });
  });

  it('answers 413 for a body under 350 KB whose item would pass 400 KB', async () => {
    // Each `1,` is 2 bytes of JSON and 3 bytes of DynamoDB list element: 160,000 of them make a 480 KB item.
    const body = `{"id":"big-item","ones":[${Array(160_000).fill('1').join(',')}]}`;
    expect(Buffer.byteLength(body)).toBeLessThan(350 * 1024);
    await expectNothingWritten(async () => {
      const res = await h.request('POST', '/item', { headers: writer.headers, body });
      expect(res.status).toBe(413);
      expect(res.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    });
  });

  it('answers 413, never 500, for an item DynamoDB accepts whose audit record would pass 400 KB', async () => {
    // 136,500 list elements: a 409,529-byte item (DynamoDB takes up to 409,600), and its audit record, which holds
    // the post-image beside the record's own fields, a few hundred bytes more.
    const body = `{"id":"near-limit","ones":[${Array(136_500).fill('1').join(',')}]}`;
    await expectNothingWritten(async () => {
      const res = await h.request('POST', '/item', { headers: writer.headers, body });
      expect(res.status).toBe(413);
      expect(res.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    });
  });
});

describe('order of checks (docs/reference/permissions.md#order-of-checks)', () => {
  it.each([
    { what: '401 before anything', headers: {}, body: '{', want: 401 },
    { what: '403 endpoint before 413', headers: as.key('browser'), body: 'x'.repeat(400 * 1024), want: 403 },
    { what: '413 before 400 parse', headers: writer.headers, body: `{${'x'.repeat(400 * 1024)}`, want: 413 },
    { what: '400 parse before 403 fields', headers: writer.headers, body: '{"id":"o-1","secret":1,"_x":1}', want: 400 },
    { what: '403 fields before 409', headers: writer.headers, body: '{"id":"exists","secret":1}', want: 403 },
    {
      what: '400 body before 403 row',
      headers: as.user('ann'),
      body: '{"id":"o-2","team":"z","gone":null}',
      want: 400,
    },
    { what: '403 row before 409', headers: as.user('ann'), body: '{"id":"exists","team":"b"}', want: 403 },
  ])('$what', async ({ headers, body, want }) => {
    await expectNothingWritten(async () => {
      const res = await h.request('POST', '/item', { headers, body });
      expect(res.status).toBe(want);
    });
  });
});

describe('concurrent creates of one key', () => {
  it('answer exactly one 201 and 409 for the rest, leaving one item and one CREATE record', async () => {
    // Act
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) => post({ id: 'contested', writer: i, team: 'a' })),
    );
    // Assess
    const statuses = replies.map((r) => r.status).sort();
    expect(statuses).toEqual([201, ...Array(19).fill(409)]);
    const winner = replies.find((r) => r.status === 201)!.body as { writer: number };
    const rows = (await scanData(h)).filter((r) => r.id === 'contested');
    const version = Number(JSON.parse(replies.find((r) => r.status === 201)!.headers.get('etag')!));
    expect(rows).toEqual([{ id: 'contested', writer: winner.writer, team: 'a', _version: version }]);
    const records = (await scanAudit(h)).filter((r) => r.resource_key === 'contested');
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ action: 'CREATE', item: { writer: winner.writer } });
  });
});
