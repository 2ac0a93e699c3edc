import { as, type Harness, startHarness } from '../../support/harness';

// GET /history/{item} and GET /audit/{item} (SPEC.md §5 "Audit and history visibility", §9) after a life of
// create, update, update, a custom action, and delete.
//
// Not covered here, because it fails: a create after the delete starts again at version 1, so its versions sort
// among the old ones in the history-index (see the report of the write-path tests).

jest.setTimeout(30_000);

// Clocks run in the future: DynamoDB Local, like DynamoDB, deletes records whose expire_time has passed.
const start = Date.parse('2035-02-01T10:00:00Z');
let clock = start;
const tick = () => {
  clock += 1000;
};

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    overrides: { now: () => clock },
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
  ];
  for (const [method, path, body] of steps) {
    tick();
    const res = await h.request(method, path, { headers: admin, ...(body === undefined ? {} : { body }) });
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.text}`);
  }
  tick(); // a read about the item, at 6 s
  await h.request('GET', '/history/h-1', { headers: admin });
  tick(); // every test runs at 7 s
});
afterAll(() => h.close());

const at = (seconds: number) => new Date(start + seconds * 1000).toISOString();

it('answers every version, newest first, with the post-image, null after DELETE, custom actions included', async () => {
  // Act
  const res = await h.request('GET', '/history/h-1', { headers: as.key('admin') });
  // Assess
  expect(res.status).toBe(200);
  const user = expect.objectContaining({ id: 'admin', username: 'root' });
  expect(res.body).toEqual([
    { time: at(5), action: 'DELETE', version: 5, user, item: null },
    { time: at(4), action: 'ARCHIVE', version: 4, user, item: { id: 'h-1', status: 'archived', n: 3, extra: 'x' } },
    { time: at(3), action: 'UPDATE', version: 3, user, item: { id: 'h-1', status: 'new', n: 3, extra: 'x' } },
    { time: at(2), action: 'UPDATE', version: 2, user, item: { id: 'h-1', status: 'new', n: 2 } },
    { time: at(1), action: 'CREATE', version: 1, user, item: { id: 'h-1', status: 'new', n: 1 } },
  ]);
});

it('answers every record about the item, newest first, reads included', async () => {
  const res = await h.request('GET', `/audit/h-1?time__lte=${at(6)}`, { headers: as.key('admin') });
  expect(res.status).toBe(200);
  const actions = (res.body as Array<{ action: string; time: string }>).map((r) => [r.action, r.time]);
  expect(actions).toEqual([
    ['HISTORY', at(6)],
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
  expect(versions).toEqual([5, 4, 3, 2, 1]);
  expect(pages).toBeGreaterThanOrEqual(3);
});

it('answers 404 for an item that never existed', async () => {
  for (const path of ['/history/never', '/audit/never']) {
    const res = await h.request('GET', path, { headers: as.key('admin') });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: 'NOT_FOUND' });
  }
});
