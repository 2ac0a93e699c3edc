import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Io, run } from '../../../src/cli/main';
import { findProject, loadProject } from '../../../src/local/project';
import { loadPolicy } from '../../../src/policy';

// `scoutr init [DIR]` (docs/reference/cli.md#scoutr-init): a project a team edits, written without a question when there is no terminal,
// never over an existing file without --force. The scaffold's own `npm test` runs in scripts/try-package.sh.

const FILES = [
  'scoutr.config.ts',
  'policy.yml',
  'seed.json',
  'serverless.yml',
  'tsconfig.json',
  'test/api.test.ts',
  'README.md',
  '.gitignore',
];

async function init(args: string[], opts: { cwd?: string; answers?: string[] } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const asked: string[] = [];
  const io: Io = {
    out: (s) => out.push(s),
    err: (s) => err.push(s),
    env: {},
    interactive: opts.answers !== undefined,
    ask: async (q) => {
      asked.push(q);
      return opts.answers?.shift() ?? '';
    },
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
  };
  const code = await run(['init', ...args, '--no-install'], io);
  return { code, out: out.join(''), err: err.join(''), asked };
}
const fresh = () => mkdtempSync(join(tmpdir(), 'scoutr-init-'));
const read = (dir: string, f: string) => readFileSync(join(dir, f), 'utf8');

it('writes the project with the table and key given by flags, asking nothing without a terminal', async () => {
  // Prepare: a folder as `npm init -y` leaves it
  const dir = fresh();
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'library-api', scripts: { test: 'echo "Error: no test specified" && exit 1' } }),
  );
  // Act
  const res = await init([dir, '--table', 'books', '--key', 'isbn']);
  // Assess
  expect(res).toMatchObject({ code: 0, asked: [] });
  expect(FILES.filter((f) => !existsSync(join(dir, f)))).toEqual([]);
  const project = await loadProject(findProject({}, {}, dir));
  expect(project.app.table).toEqual({ name: 'books', key: 'isbn' });
  expect(project.app.routes).toEqual({ items: 'books', item: 'book' });
  expect(project.seed?.items.map((i) => i.isbn)).toEqual(['b-1', 'b-2', 'b-3']);
  expect(read(dir, 'policy.yml')).toMatch(
    /^# yaml-language-server: \$schema=node_modules\/scoutr\/dist\/policy\.schema\.json/,
  );
  const pkg = JSON.parse(read(dir, 'package.json'));
  expect(pkg).toMatchObject({
    name: 'library-api',
    dependencies: { scoutr: expect.stringMatching(/^\^\d+\.\d+\.\d+$/) },
    scripts: { dev: 'scoutr dev', test: 'tsc -p . && tsx --test test/*.test.ts', package: 'serverless package' },
  });
  expect(res.out).toContain('skipped: npm install --save-dev typescript@');
});

it('writes a policy whose decisions are what the scaffold test expects: editors add, the read-only key reads', async () => {
  const dir = fresh();
  await init([dir, '--table', 'books', '--key', 'isbn']);
  const { app } = await loadProject(findProject({}, {}, dir));
  const policy = loadPolicy(join(dir, 'policy.yml'), { app });
  expect(policy.can('user:alice', 'POST', '/book').allowed).toBe(true);
  expect(policy.can('key:reader-key', 'POST', '/book').allowed).toBe(false);
  expect(policy.can('key:reader-key', 'GET', '/books').allowed).toBe(true);
  const seen = policy.filter('key:reader-key', 'GET', '/books', JSON.parse(read(dir, 'seed.json')));
  expect(seen).toEqual([
    { isbn: 'b-1', title: 'A first title', status: 'published' },
    { isbn: 'b-2', title: 'A second title', status: 'published' },
  ]);
});

it('makes a number key with NAME:N', async () => {
  const dir = fresh();
  expect((await init([dir, '--table', 'orders', '--key', 'order_no:N'])).code).toBe(0);
  const { app, seed } = await loadProject(findProject({}, {}, dir));
  expect(app.table).toEqual({ name: 'orders', key: { name: 'order_no', type: 'N' } });
  expect(app.routes).toEqual({ items: 'orders', item: 'order' });
  expect(seed?.items.map((i) => i.order_no)).toEqual([1, 2, 3]);
});

it('asks for the table and key on a terminal, with defaults', async () => {
  const dir = fresh();
  const res = await init([], { cwd: dir, answers: ['recipes', ''] });
  expect(res.code).toBe(0);
  expect(res.asked).toEqual(['Table name (items): ', 'Partition key, NAME or NAME:N for a number (id): ']);
  const { app } = await loadProject(findProject({}, {}, dir));
  expect(app.table).toEqual({ name: 'recipes', key: 'id' });
});

it('never overwrites a file without --force, and writes nothing then', async () => {
  const dir = fresh();
  writeFileSync(join(dir, 'policy.yml'), 'mine\n');
  const refused = await init([dir, '--table', 'books']);
  expect(refused.code).toBe(1);
  expect(refused.err).toContain('policy.yml already exist');
  expect(read(dir, 'policy.yml')).toBe('mine\n');
  expect(existsSync(join(dir, 'scoutr.config.ts'))).toBe(false);
  const forced = await init([dir, '--table', 'books', '--force']);
  expect(forced.code).toBe(0);
  expect(read(dir, 'policy.yml')).toContain('reader-key');
});

it.each([
  [['--table', 'a'], /--table a: 3 to 255/],
  [['--table', 'has space'], /--table has space/],
  [['--key', 'id:X'], /--key id:X: expected NAME/],
  [['--key', '9lives'], /--key 9lives/],
])('refuses %j with a message and no stack', async (args, message) => {
  const res = await init([fresh(), ...args]);
  expect(res.code).toBe(1);
  expect(res.err).toMatch(message);
  expect(res.err).not.toMatch(/\n\s+at /);
});
