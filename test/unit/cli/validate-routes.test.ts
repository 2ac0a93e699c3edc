import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXAMPLES, exampleFiles } from '../../../scripts/examples';
import { run } from '../../../src/cli/main';

// `scoutr policy validate --app MODULE` warns, located, of every permitted endpoint that matches no route of the app
// (issue 19 §6): a `GET /items` left over in a books app. Warnings go to stderr and never change the exit code.

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'scoutr-validate-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BOOKS = join(__dirname, '../../factories/books-app.ts');
async function scoutr(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(args, {
    out: (s) => out.push(s),
    err: (s) => err.push(s),
    env: {},
    interactive: false,
    ask: async () => '',
  });
  return { code, out: out.join(''), err: err.join('') };
}

const POLICY = `version: 1
groups:
  readers:
    permitted_endpoints: ["GET /books", "GET /items"]
records:
  mo:
    type: USERNAME
    groups: [readers]
    permitted_endpoints:
      - {method: DELETE, endpoint: /books}
      - POST /book/[^/]+/borrow
`;

it('warns at each rule matching no route, exit 0, and still says the file is valid', async () => {
  const file = join(dir, 'books.yml');
  writeFileSync(file, POLICY);
  expect(await scoutr(['policy', 'validate', file, '--app', BOOKS])).toEqual({
    code: 0,
    out: `${file}: valid (1 records, 1 groups)\n`,
    err:
      `${file}:4:41: groups.readers.permitted_endpoints[1]: warning: GET /items matches no route of the app, so it ` +
      'permits nothing\n' +
      `${file}:10:9: records.mo.permitted_endpoints[0]: warning: DELETE /books matches no route of the app, so it ` +
      'permits nothing\n2 warnings\n',
  });
});

it('lists the warnings in --json, beside errors, and keeps exit 1 for errors only', async () => {
  const file = join(dir, 'broken.yml');
  writeFileSync(file, `${POLICY}  eve: {type: USERNAME, groups: [nope]}\n`);
  const got = await scoutr(['policy', 'validate', file, '--app', BOOKS, '--json']);
  expect(got.code).toBe(1);
  expect(JSON.parse(got.out)).toMatchObject({
    valid: false,
    issues: [{ path: 'records.eve.groups[0]', line: 12 }],
    warnings: [
      { path: 'groups.readers.permitted_endpoints[1]', line: 4, col: 41 },
      { path: 'records.mo.permitted_endpoints[0]', line: 10, col: 9 },
    ],
  });
});

it('warns of nothing without --app: there are no routes to judge by', async () => {
  const file = join(dir, 'no-app.yml');
  writeFileSync(file, POLICY);
  expect(await scoutr(['policy', 'validate', file])).toMatchObject({ code: 0, err: '' });
});

it.each([...EXAMPLES])('finds every rule of the %s example reaching a route', async (name) => {
  const got = await scoutr([
    'policy',
    'validate',
    exampleFiles(name).policy!,
    '--app',
    exampleFiles(name).app,
    '--json',
  ]);
  expect(JSON.parse(got.out)).toMatchObject({ valid: true, warnings: [] });
});
