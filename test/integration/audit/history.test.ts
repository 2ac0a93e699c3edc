import { as, type Harness, startHarness } from '../../support/harness';

// GET /history/{item} and GET /audit/{item} (docs/reference/audit.md#what-a-caller-with-hidden-fields-sees, docs/reference/audit.md#the-audit-record) after a life of
// create, update, update, a custom action, delete, and a create of the same key again.

jest.setTimeout(30_000);

// Clocks run in the future: DynamoDB Local, like DynamoDB, deletes records whose expire_time has passed.
const start = Date.parse('2035-02-01T10:00:00Z');
let clock = start;
const tick = () => {
  clock += 1000;
};

// A counter as the nonce: a created item's first version is then exactly its creation time (ms) × 1000.
let nonces = 0;
const nonce = () => (nonces++).toString(16).padStart(16, '0');
const firstLife = (start + 1000) * 1000;
const secondLife = (start + 6000) * 1000;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    overrides: { now: () => clock, nonce },
    app: {
      customActions: {
        ARCHIVE: {
          method: 'POST',
          path: '/item/{id}/archive',
          run: (ops, req) => ops.update(req.pathParams.id, { status: 'archived' }),
        },
      },
    },
    seed: {
      authRecords: [
        { id: 'admin', type: 'API_KEY', username: 'root', permitted_endpoints: [{ method: '*', endpoint: '.*' }] },
      ],
    },
  });
  const admin = as.key('admin');
  const steps: Array<[string, string, unknown?]> = [
    ['POST', '/item', { id: 'h-1', status: 'new', n: 1 }],
    ['PATCH', '/item/h-1', { n: 2 }],
    ['PUT', '/item/h-1', { n: 3, extra: 'x' }],
    ['POST', '/item/h-1/archive'],
    ['DELETE', '/item/h-1'],
    ['POST', '/item', { id: 'h-1', status: 'again', n: 9 }],
  ];
  for (const [method, path, body] of steps) {
    tick();
    const res = await h.request(method, path, { headers: admin, ...(body === undefined ? {} : { body }) });
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.text}`);
  }
  tick(); // a read about the item, at 7 s
  await h.request('GET', '/history/h-1', { headers: admin });
  tick(); // every test runs at 8 s
});
afterAll(() => h.close());

const at = (seconds: number) => new Date(start + seconds * 1000).toISOString();

it('answers every version of both lives, newest first, with the post-image, null after DELETE, custom actions included', async () => {
  // Act
  const res = await h.request('GET', '/history/h-1', { headers: as.key('admin') });
  // Assess
  expect(res.status).toBe(200);
  const user = expect.objectContaining({ id: 'admin', username: 'root' });
  // A re-created key starts at a later version than anything of its first life: no version (ETag) repeats.
  expect(res.body).toEqual([
    { time: at(6), action: 'CREATE', version: secondLife, user, item: { id: 'h-1', status: 'again', n: 9 } },
    { time: at(5), action: 'DELETE', version: firstLife + 4, user, item: null },
    {
      time: at(4),
      action: 'ARCHIVE',
      version: firstLife + 3,
      user,
      item: { id: 'h-1', status: 'archived', n: 3, extra: 'x' },
    },
    {
      time: at(3),
      action: 'UPDATE',
      version: firstLife + 2,
      user,
      item: { id: 'h-1', status: 'new', n: 3, extra: 'x' },
    },
    { time: at(2), action: 'UPDATE', version: firstLife + 1, user, item: { id: 'h-1', status: 'new', n: 2 } },
    { time: at(1), action: 'CREATE', version: firstLife, user, item: { id: 'h-1', status: 'new', n: 1 } },
  ]);
});

it('answers every record about the item, newest first, reads included', async () => {
  const res = await h.request('GET', `/audit/h-1?time__lte=${at(7)}`, { headers: as.key('admin') });
  expect(res.status).toBe(200);
  const actions = (res.body as Array<{ action: string; time: string }>).map((r) => [r.action, r.time]);
  expect(actions).toEqual([
    ['HISTORY', at(7)],
    ['CREATE', at(6)],
    ['DELETE', at(5)],
    ['ARCHIVE', at(4)],
    ['UPDATE', at(3)],
    ['UPDATE', at(2)],
    ['CREATE', at(1)],
  ]);
});

it('pages through the versions with _limit and the next cursor', async () => {
  const versions: unknown[] = [];
  let url: string | undefined = '/history/h-1?_limit=2';
  let pages = 0;
  while (url) {
    const res = await h.request('GET', url, { headers: as.key('admin') });
    expect(res.status).toBe(200);
    expect((res.body as unknown[]).length).toBeLessThanOrEqual(2);
    versions.push(...(res.body as Array<{ version: number }>).map((v) => v.version));
    const cursor = res.headers.get('x-next-cursor');
    url = cursor ? `/history/h-1?_limit=2&_cursor=${encodeURIComponent(cursor)}` : undefined;
    pages++;
  }
  expect(versions).toEqual([secondLife, firstLife + 4, firstLife + 3, firstLife + 2, firstLife + 1, firstLife]);
  expect(pages).toBeGreaterThanOrEqual(3);
});

it('answers 404 for an item that never existed', async () => {
  for (const path of ['/history/never', '/audit/never']) {
    const res = await h.request('GET', path, { headers: as.key('admin') });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: 'NOT_FOUND' });
  }
});
