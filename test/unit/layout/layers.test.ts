import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';

// docs/explanation/architecture.md#layout: core ← dynamo ← engine ← actions ← the edges (http, cli, console, local,
// deploy). Each arrow points from importer to imported; nothing imports upward, and no files import each other in a
// loop, within a layer either. Type-only imports count too: a type is part of the file that owns it.

const RANK: Record<string, number> = { core: 0, dynamo: 1, engine: 2, actions: 3 };
const EDGE = 4; // http, cli, console, local, deploy and src/*.ts

const layerOf = (file: string): number => {
  const top = file.split('/')[1]!;
  return file.split('/').length > 2 ? (RANK[top] ?? EDGE) : EDGE;
};

/** The src/ files a source text imports, by path relative to the repository. */
function localImports(file: string, source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const specifiers = [...code.matchAll(/^\s*(?:import|export)\s[^'";]*?from\s+['"](\.[^'"]+)['"]/gm)].map((m) => m[1]!);
  return specifiers.map((s) => normalize(join(dirname(file), s)));
}

const files = readdirSync('src', { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.ts') && !f.startsWith(join('console', 'ui')))
  .map((f) => join('src', f));

it('finds the layers', () => {
  for (const layer of Object.keys(RANK)) expect(files.some((f) => f.startsWith(`src/${layer}/`))).toBe(true);
});

it('imports nothing from a layer above', () => {
  const upward = files.flatMap((file) =>
    localImports(file, readFileSync(file, 'utf8'))
      .filter((target) => target.startsWith('src/') && layerOf(target) > layerOf(file))
      .map((target) => `${file} → ${target}`),
  );
  expect(upward).toEqual([]);
});

it.each([
  ['src/engine/read/reply.ts', "import { x } from '../../actions/get';", true],
  ['src/dynamo/read.ts', "import type { Deps } from '../engine/context';", true],
  ['src/actions/get.ts', "import { x } from '../http/status';", true],
  ['src/actions/get.ts', "import { x } from '../engine/etag';", false],
  ['src/http/runtime.ts', "import { x } from '../engine/cursor';", false],
])('%s: %s upward: %s', (file, line, up) => {
  expect(localImports(file, line).some((t) => layerOf(t) > layerOf(file))).toBe(up);
});

/** The file an import names: `x.ts`, or `x/index.ts` for a folder. */
const resolved = (target: string): string =>
  existsSync(`${target}.ts`)
    ? `${target}.ts`
    : existsSync(join(target, 'index.ts'))
      ? join(target, 'index.ts')
      : target;

/** The loops of a graph (its strongly connected components of more than one file, or a file importing itself), sorted. */
function loops(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  // Tarjan's algorithm
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const out: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    for (let w = stack.pop()!; ; w = stack.pop()!) {
      component.push(w);
      if (w === v) break;
    }
    if (component.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}

it('has no files that import each other in a loop', () => {
  const graph = new Map(
    files.map((file) => [
      file,
      localImports(file, readFileSync(file, 'utf8'))
        .filter((t) => t.startsWith('src/'))
        .map(resolved),
    ]),
  );
  expect(loops(graph)).toEqual([]);
});

it('finds a loop, also through a folder of several files', () => {
  const graph = new Map([
    ['a', ['b']],
    ['b', ['c', 'd']],
    ['c', ['a']],
    ['d', []],
    ['e', ['e']],
  ]);
  expect(loops(graph)).toEqual([['a', 'b', 'c'], ['e']]);
  expect(
    loops(
      new Map([
        ['a', ['b']],
        ['b', []],
      ]),
    ),
  ).toEqual([]);
});
