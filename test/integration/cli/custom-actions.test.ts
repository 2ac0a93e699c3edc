import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPolicy } from '../../../src';
import { policyRecords } from '../../../src/core/policy/records';
import books from '../../factories/books-app';
import { as, type Harness, startHarness } from '../../support/harness';
import { cliOn, policyFile } from './support';

// A custom action is decided under the rules of the write it runs (issue 19 §6): `scoutr check` (through the CLI's
// `run`), `loadPolicy(...).can()` and the server agree on POST /book/{id}/borrow, an update, where check and can()
// used to treat every POST on an item as a create and deny it.

jest.setTimeout(30_000);

const APP = join(__dirname, '../../factories/books-app.ts');
// biome-ignore lint/suspicious/noTemplateCurlyInString: a Scoutr placeholder, not a JS template
const ME = '${user.id}';
const policy = {
  version: 1 as const,
  groups: {},
  records: {
    members: {
      type: 'OIDC_GROUP' as const,
      permitted_endpoints: ['GET /book/[^/]+', 'POST /book/[^/]+/borrow'],
      exclude_fields: ['notes'], // staff notes: a member never sees them
      update_fields_permitted: ['borrower'],
      update_filters: [{ field: 'borrower', operator: 'exists', value: false }],
      update_check_filters: [{ field: 'borrower', value: ME }],
    },
  },
};

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    app: books,
    seed: {
      items: [
        { id: 'free', title: 'Free book', notes: 'shelf 3' },
        { id: 'lent', title: 'Lent book', notes: 'shelf 4', borrower: 'ann' },
      ],
      // the file's records as the tables hold them (`scoutr policy apply` writes the same)
      authRecords: policyRecords(policy).records,
    },
  });
});
afterAll(() => h.close());

const scoutr = () => cliOn(h);
const check = async (args: string[]) => {
  const res = await scoutr()(['check', '--as', 'user:mo:members', ...args, '--app', APP, '--json']);
  return { code: res.code, ...(JSON.parse(res.out) as { allowed: boolean; status?: number; route?: unknown }) };
};
const can = loadPolicy(policy, { app: books });
const free = { id: 'free', title: 'Free book', notes: 'shelf 3' };
const lent = { ...free, id: 'lent', borrower: 'ann' };

it('allows a member to borrow a free book: check (tables and file) and can() say so, and the server does it', async () => {
  // Act
  const fromTables = await check(['POST', '/book/free/borrow', '--item', 'free']);
  const fromFile = await check([
    'POST',
    '/book/free/borrow',
    '--item',
    'free',
    '--policy',
    policyFile(JSON.stringify(policy), 'json'),
  ]);
  const decided = can.can('user:mo:members', 'POST', '/book/free/borrow', free);
  const served = await h.request('POST', '/book/free/borrow', { headers: as.user('mo', ['members']) });
  // Assess
  expect(fromTables).toMatchObject({
    code: 0,
    allowed: true,
    route: { method: 'POST', path: '/book/{id}/borrow', verb: 'custom', action: 'BORROW', runs: 'update' },
  });
  expect(fromFile).toEqual(fromTables);
  expect(decided).toMatchObject({ allowed: true, item: { visible: true, changeable: true } });
  expect(served.status).toBe(200);
  expect(served.body).toEqual({ id: 'free', title: 'Free book', borrower: 'mo' });
});

it('denies a book someone borrowed, alike (403, the stored row fails update_filters)', async () => {
  const fromTables = await check(['POST', '/book/lent/borrow', '--item', 'lent']);
  expect(fromTables).toMatchObject({ code: 2, allowed: false, status: 403 });
  expect(can.can('user:mo:members', 'POST', '/book/lent/borrow', lent)).toMatchObject({ allowed: false, status: 403 });
  expect((await h.request('POST', '/book/lent/borrow', { headers: as.user('mo', ['members']) })).status).toBe(403);
});

it('decides the row after the change with --body (update_check_filters): to oneself yes, to someone else no', async () => {
  const mine = can.can('user:mo:members', 'POST', '/book/free/borrow', free, { borrower: 'mo' });
  const theirs = can.can('user:mo:members', 'POST', '/book/free/borrow', free, { borrower: 'eve' });
  expect(mine).toMatchObject({ allowed: true });
  expect(theirs).toMatchObject({ allowed: false, status: 403, reason: 'no role may change this row (403)' });
  const text = await scoutr()([
    'check',
    '--as',
    'user:mo:members',
    'POST',
    '/book/x/borrow',
    '--app',
    APP,
    '--body',
    '{"borrower":"eve"}',
  ]);
  expect({ code: text.code, err: text.err }).toEqual({ code: 0, err: '' }); // no item: the endpoint rule alone
  expect(text.out).toContain('route: POST /book/{id}/borrow (custom action BORROW, runs as update)');
});

it('answers 404 for a path no route of the app has, as the server does', async () => {
  expect(await check(['POST', '/book/free/lend'])).toMatchObject({ code: 2, allowed: false, status: 404 });
  expect(can.can('user:mo:members', 'POST', '/book/free/lend').status).toBe(404);
  expect((await h.request('POST', '/book/free/lend', { headers: as.user('mo', ['members']) })).status).toBe(404);
});

it('refuses a malformed --body in one line', async () => {
  const res = await scoutr()(['check', '--as', 'user:mo', 'GET', '/books', '--app', APP, '--body', '[1]']);
  expect(res).toEqual({ code: 1, out: '', err: 'scoutr: --body: not a JSON object\n' });
});

it('finds ./scoutr.config.ts without --app, as scoutr dev, openapi and console do', async () => {
  // Prepare: a project folder whose scoutr.config.ts is the books app, and no --app nor SCOUTR_CONFIG
  const dir = mkdtempSync(join(tmpdir(), 'scoutr-check-'));
  writeFileSync(
    join(dir, 'scoutr.config.ts'),
    `export { default } from ${JSON.stringify(APP.replace(/\.ts$/, ''))};\n`,
  );
  // Act
  const res = await scoutr()(['check', '--as', 'user:mo:members', 'POST', '/book/free/borrow', '--json'], { cwd: dir });
  // Assert: the custom route is the app's, decided as the update it runs
  expect(res.code).toBe(0);
  expect(JSON.parse(res.out)).toMatchObject({ allowed: true, route: { method: 'POST', path: '/book/{id}/borrow' } });
});
