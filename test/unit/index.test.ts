import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as scoutr from '../../src';

// src/index.ts is the package's entry (package.json `main`): what docs/reference/app-config.md#the-module promises a user writing an app config
// or a handler of their own. The example app config imports only from it.

const root = resolve(__dirname, '../..');

it('is what package.json publishes as the root entry, built to dist/ (tsconfig.build.json)', () => {
  const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as {
    main: string;
    types: string;
    exports: Record<string, { types: string; default: string }>;
  };
  expect({ main: pkg.main, types: pkg.types, root: pkg.exports['.'] }).toEqual({
    main: 'dist/index.js',
    types: 'dist/index.d.ts',
    root: { types: './dist/index.d.ts', default: './dist/index.js' },
  });
  expect(pkg.exports['./testing']).toEqual({ types: './dist/testing.d.ts', default: './dist/testing.js' });
  const build = JSON.parse(readFileSync(resolve(root, 'tsconfig.build.json'), 'utf8').replace(/^\s*\/\/.*$/gm, ''));
  expect(build.compilerOptions).toMatchObject({ rootDir: 'src', outDir: 'dist', declaration: true });
});

it.each([
  { what: 'the app config helper', names: ['defineApp'] },
  {
    what: 'the actions a custom handler runs (docs/reference/app-config.md#custom-actions)',
    names: ['createItem', 'updateItem', 'deleteItem', 'writeOps'],
  },
  { what: 'the request runner and the custom verb', names: ['runRequest', 'custom'] },
  { what: 'the Lambda handler factory', names: ['lambdaHandler', 'handleEvent', 'createRuntime'] },
  { what: 'configuration', names: ['loadConfig'] },
  { what: 'the route table', names: ['routesFor'] },
])('exports $what', ({ names }) => {
  for (const name of names)
    expect({ name, type: typeof (scoutr as Record<string, unknown>)[name] }).toEqual({ name, type: 'function' });
});

it('exports the error class and the environment schema', () => {
  expect(new scoutr.ScoutrError('NOT_FOUND', 404, 'x')).toBeInstanceOf(Error);
  expect(Object.keys(scoutr.EnvSchema.shape)).toEqual(expect.arrayContaining(['DATA_TABLE', 'AUTH_TABLE']));
});

// Each example is a project as `scoutr init` makes one: it reaches Scoutr through the package's public exports only.
it('is all the examples import of Scoutr: no file under example/ reaches into src/ or out of its own folder', () => {
  const files = readdirSync(resolve(root, 'example'), { recursive: true, encoding: 'utf8' }).filter((f) =>
    /\.(ts|js|mjs|cjs)$/.test(f),
  );
  expect(files.length).toBeGreaterThan(8);
  const escapes = files.flatMap((f) => {
    const text = readFileSync(resolve(root, 'example', f), 'utf8');
    const specifiers = [...text.matchAll(/(?:from|import\(|require\()\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!);
    const depth = f.split('/').length - 2; // example/NAME/... : how far up a relative import may go
    return specifiers
      .filter(
        (s) =>
          /(^|\/)src(\/|$)/.test(s) || (s.startsWith('.') && s.split('/').filter((p) => p === '..').length > depth),
      )
      .map((s) => `${f}: ${s}`);
  });
  expect(escapes).toEqual([]);
  expect(
    files
      .filter((f) => f.endsWith('scoutr.config.ts'))
      .map((f) => f.split('/')[0])
      .sort(),
  ).toEqual(['articles', 'petstore', 'recipes', 'repos']);
});
