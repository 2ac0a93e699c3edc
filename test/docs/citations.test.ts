import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { rewrite } from '../../scripts/rewrite-citations';
import { anchors, ROOT } from './support/markdown';

// The contract lives in docs/: code, tests, benches, scripts and examples cite the page and anchor that hold a rule
// (`docs/reference/permissions.md#order-of-checks`, or the short `docs: reference/cli#scoutr-init`). Every citation
// resolves, and none of the old kind (`SPEC.md §N`, `README "Section"`) is left: scripts/rewrite-citations.ts turns
// those into links.

const FOLDERS = ['src', 'test', 'bench', 'scripts', 'example'];
const SELF = ['scripts/rewrite-citations.ts', 'test/docs/citations.test.ts'];
const sources = FOLDERS.flatMap((dir) =>
  readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((f) => /\.(ts|tsx|js|mjs|cjs|yml|yaml|json)$/.test(f) && !f.includes('node_modules'))
    .filter((f) => statSync(join(ROOT, f)).isFile() && !SELF.includes(f)),
).map((file) => ({ file, text: readFileSync(join(ROOT, file), 'utf8') }));

const lineOf = (text: string, index: number) => text.slice(0, index).split('\n').length;
const anchorCache = new Map<string, Set<string>>();
function resolves(page: string, anchor: string | undefined): string | undefined {
  if (!existsSync(join(ROOT, page)) || !statSync(join(ROOT, page)).isFile()) return `no page ${page}`;
  if (anchor === undefined) return undefined;
  if (!anchorCache.has(page)) anchorCache.set(page, anchors(readFileSync(join(ROOT, page), 'utf8')));
  return anchorCache.get(page)!.has(anchor) ? undefined : `no heading #${anchor} in ${page}`;
}

it('reads the sources that cite the docs', () => {
  expect(sources.length).toBeGreaterThan(200);
});

it('leaves no SPEC.md citation and no README "Section" citation', () => {
  const left = sources.flatMap(({ file, text }) => [
    ...[...text.matchAll(/SPEC\.md|README "[^"]+"/g)].map((m) => `${file}:${lineOf(text, m.index)}: ${m[0]}`),
    ...rewrite(file, text).rewrites.map((r) => `${r.file}:${r.line}: ${r.from}`),
  ]);
  expect([...new Set(left)]).toEqual([]);
});

it('resolves every docs/...md citation, page and anchor', () => {
  const citations = sources.flatMap(({ file, text }) =>
    [...text.matchAll(/\bdocs\/([\w./-]+?\.md)(?:#([\w-]+))?/g)].map((m) => ({
      at: `${file}:${lineOf(text, m.index)}`,
      page: `docs/${m[1]}`,
      anchor: m[2],
    })),
  );
  expect(citations.length).toBeGreaterThan(300);
  const broken = citations.flatMap((c) => {
    const why = resolves(c.page, c.anchor);
    return why ? [`${c.at}: ${why}`] : [];
  });
  expect(broken).toEqual([]);
});

it('resolves every short citation, `docs: reference/cli#scoutr-init`', () => {
  const citations = sources.flatMap(({ file, text }) =>
    [...text.matchAll(/\bdocs: ((?:reference|how-to|tutorials|explanation)(?:\/[\w-]+)?)(?:#([\w-]+))?/g)].map((m) => ({
      at: `${file}:${lineOf(text, m.index)}`,
      path: m[1]!,
      anchor: m[2],
    })),
  );
  expect(citations.length).toBeGreaterThan(10);
  const broken = citations.flatMap((c) => {
    const page = [`docs/${c.path}.md`, `docs/${c.path}/README.md`].find((p) => existsSync(join(ROOT, p)));
    const why = page ? resolves(page, c.anchor) : `no page docs/${c.path}.md`;
    return why ? [`${c.at}: docs: ${c.path}${c.anchor ? `#${c.anchor}` : ''}: ${why}`] : [];
  });
  expect(broken).toEqual([]);
});
