import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { anchors, blocks, links, pages, ROOT } from './support/markdown';

// Every relative link and anchor of README.md and docs/ resolves, inside the repository; every page is reachable
// from the README in two clicks (README → docs/README.md → the page).

const all = pages();
const anchorsOf = new Map(all.map((p) => [p.path, anchors(p.text)]));

/** What is wrong with one link, or undefined when it resolves. */
function broken(page: string, target: string): string | undefined {
  const [pathPart, anchor] = target.split('#') as [string, string | undefined];
  const file = pathPart === '' ? page : normalize(join(dirname(page), decodeURIComponent(pathPart)));
  if (file.startsWith('..')) return 'points outside the repository';
  const abs = join(ROOT, file);
  if (!existsSync(abs)) return 'no such file';
  if (anchor === undefined) return undefined;
  if (statSync(abs).isDirectory() || !file.endsWith('.md')) return 'an anchor on something that is not a page';
  const known = anchorsOf.get(file) ?? anchors(readFileSync(abs, 'utf8'));
  return known.has(anchor) ? undefined : `no heading #${anchor} in ${file}`;
}

it('reads the README and the docs tree', () => {
  expect(all.length).toBeGreaterThan(35);
  expect(all.map((p) => p.path)).toEqual(expect.arrayContaining(['README.md', 'docs/README.md']));
});

it('resolves every relative link and anchor', () => {
  const problems = all.flatMap((p) =>
    links(p).flatMap((l) => {
      const why = broken(l.page, l.target);
      return why ? [`${l.page}:${l.line}: ${l.target}: ${why}`] : [];
    }),
  );
  expect(problems).toEqual([]);
});

it('gives no two headings of a page the same anchor without meaning it', () => {
  // GitHub numbers a repeated heading (`#order-of-checks-1`): a link to the first would silently miss the second.
  const repeated = all.flatMap((p) =>
    [...anchors(p.text)]
      .filter((a) => /-1$/.test(a) && anchors(p.text).has(a.slice(0, -2)))
      .map((a) => `${p.path}#${a}`),
  );
  expect(repeated).toEqual([]);
});

it('reaches every page from the README in two clicks', () => {
  const linked = (from: string) =>
    new Set(
      links(all.find((p) => p.path === from)!)
        .map((l) => normalize(join(dirname(from), l.target.split('#')[0]!)))
        .filter((f) => f.endsWith('.md')),
    );
  const one = linked('README.md');
  const two = new Set([...one].flatMap((f) => (existsSync(join(ROOT, f)) ? [f, ...linked(f)] : [])));
  const unreachable = all.map((p) => p.path).filter((p) => p !== 'README.md' && !two.has(p));
  expect(unreachable).toEqual([]);
});

it('shows every console screenshot in the docs', () => {
  const shots = new Set(
    all.flatMap((p) => links(p).map((l) => normalize(join(dirname(l.page), l.target.split('#')[0]!)))),
  );
  const files = ['audit', 'history', 'identities', 'policy-errors', 'policy', 'see-as-item-roles', 'see-as-phone']
    .concat(['see-as', 'who-petstore', 'who-recipes', 'who-repos', 'why'])
    .map((n) => `docs/console/${n}.png`);
  expect(files.filter((f) => !shots.has(f))).toEqual([]);
});

it('keeps the README short, and every fenced block labelled with its language', () => {
  const readme = all.find((p) => p.path === 'README.md')!;
  expect(readme.text.split('\n').length).toBeLessThanOrEqual(150);
  const unlabelled = all.flatMap((p) =>
    blocks(p)
      .filter((b) => b.lang === '')
      .map((b) => `${p.path}:${b.line}`),
  );
  expect(unlabelled).toEqual([]);
});
