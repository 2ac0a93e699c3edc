import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';

// docs/explanation/architecture.md#layout: core ← dynamo ← engine ← actions ← the edges (http, cli, console, local,
// deploy). Each arrow points from importer to imported; nothing imports upward. Type-only imports count too: a
// type is part of the layer that owns it.

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
