// npm run build:console: the console's page (src/console/ui) → dist/console/{index.html,app.js,app.css}, which
// `scoutr console` serves (src/console/server.ts). Built here, at build time, so the package needs no bundler at
// run time; the tests build it in their global setup, so they always test the page as it is in the sources.
import { copyFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const UI = resolve(__dirname, '../src/console/ui');
export const CONSOLE_OUT = resolve(__dirname, '../dist/console');

export async function buildConsole(out = CONSOLE_OUT): Promise<void> {
  mkdirSync(out, { recursive: true });
  await build({
    entryPoints: [join(UI, 'main.tsx')],
    outfile: join(out, 'app.js'),
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2022'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    legalComments: 'none',
    logLevel: 'warning',
  });
  copyFileSync(join(UI, 'index.html'), join(out, 'index.html'));
  copyFileSync(join(UI, 'app.css'), join(out, 'app.css'));
}

if (require.main === module) {
  buildConsole().then(
    () => console.error(`built ${CONSOLE_OUT}`),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
