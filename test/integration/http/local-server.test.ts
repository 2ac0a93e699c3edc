import { connect } from 'node:net';
import { as, type Harness, startHarness } from '../../support/harness';

// The local server's event adapter must treat every query key as data, as API Gateway does.

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    seed: {
      items: [
        { id: 'a', toString: 'x', valueOf: 1 },
        { id: 'b', toString: 'y' },
      ],
      authRecords: [{ id: 'k', type: 'API_KEY', permitted_endpoints: [{ method: 'GET', endpoint: '/items' }] }],
    },
  });
});
afterAll(() => h.close());

it.each([
  ['toString=x', ['a']],
  ['valueOf=1', ['a']],
  ['hasOwnProperty__exists=false', ['a', 'b']],
])('filters on a field named like an Object.prototype member: %s', async (query, ids) => {
  const res = await h.request('GET', `/items?${query}`, { headers: as.key('k') });
  expect(res.status).toBe(200);
  expect((res.body as Array<{ id: string }>).map((i) => i.id).sort()).toEqual(ids);
});

it.each(['__proto__=1', 'constructor=1', 'a.prototype=1'])(
  'answers %s with 400 INVALID_QUERY, not 500',
  async (query) => {
    const res = await h.request('GET', `/items?${query}`, { headers: as.key('k') });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'INVALID_QUERY' });
  },
);

// What Node cannot read as a request never reaches a route: the local server still answers the API's JSON errors for
// what a client can fix (docs/reference/errors.md#uri_too_long).

/** Sends raw bytes to the local server and returns everything it answers before closing the connection. */
function raw(text: string): Promise<string> {
  const { hostname, port } = new URL(h.url);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host: hostname, port: Number(port) }, () => socket.write(text));
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/** The status, headers and body of a raw HTTP/1.1 answer. */
function parsed(answer: string): { status: number; headers: Record<string, string>; body: string } {
  const [head = '', body = ''] = answer.split('\r\n\r\n');
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(
    lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
  );
  return { status: Number(statusLine.split(' ')[1]), headers, body };
}

describe('a request line and headers over 16 KB', () => {
  it.each([
    [
      'a query string of 17,000 characters',
      `GET /items?name=${'x'.repeat(17_000)} HTTP/1.1\r\nHost: h\r\nx-api-key: k\r\n\r\n`,
    ],
    [
      'a header of 20,000 characters',
      `GET /items HTTP/1.1\r\nHost: h\r\nx-api-key: k\r\nx-big: ${'y'.repeat(20_000)}\r\n\r\n`,
    ],
  ])('%s: 414 URI_TOO_LONG as JSON, as every error, and the server answers the next request', async (_, request) => {
    const res = parsed(await raw(request));
    expect(res.status).toBe(414);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(res.body));
    expect(JSON.parse(res.body)).toEqual({
      error: 'The request line and headers are over 16 KB: send many values with POST /search',
      code: 'URI_TOO_LONG',
    });
    expect((await h.request('GET', '/items', { headers: as.key('k') })).status).toBe(200);
  });

  it('15,000 characters of query string still reach the route', async () => {
    const res = await h.request('GET', `/items?name=${'x'.repeat(15_000)}`, { headers: as.key('k') });
    expect([res.status, res.body]).toEqual([200, []]);
  });

  it('bytes that are not HTTP get the plain 400 Node gives', async () => {
    expect(parsed(await raw('NOT HTTP AT ALL\r\n\r\n')).status).toBe(400);
  });
});

describe('malformed percent-encoding in the query', () => {
  it.each([
    ['name=%ZZ', 'name'],
    ['status=a&name=%E0%A4%A', 'name'],
    ['na%ZZme=1', 'na%ZZme'],
    ['na%20me=%', 'na me'],
  ])(
    '%s: 400 INVALID_QUERY naming the parameter, as API Gateway refuses it before any function runs',
    async (query, param) => {
      const res = await h.request('GET', `/items?${query}`, { headers: as.key('k') });
      expect([res.status, res.body]).toEqual([
        400,
        { error: `${param}: malformed percent-encoding`, code: 'INVALID_QUERY', details: { param } },
      ]);
    },
  );

  it.each([
    ['toString=%78', ['a']],
    ['toString=x&name=%E2%82%AC', []],
    ['toString=100%25', []],
  ])('%s: well-formed escapes are decoded once', async (query, ids) => {
    const res = await h.request('GET', `/items?${query}`, { headers: as.key('k') });
    expect([res.status, (res.body as Array<{ id: string }>).map((i) => i.id)]).toEqual([200, ids]);
  });
});
