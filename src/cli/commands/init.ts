import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { Command } from 'commander';
import { type CliContext, CliError } from '../context';
import * as t from '../init/templates';
import type { Io } from '../io';

interface InitOptions {
  json?: boolean;
  table?: string;
  key?: string;
  force?: boolean;
  install: boolean;
}

const NAME = /^[A-Za-z0-9_.-]{3,255}$/; // a DynamoDB table name
const ROUTE = /^[A-Za-z0-9_-]+$/;

/** The package's own manifest: its version, and the versions of the tools it was built and tested with. */
function ownManifest(): { version: string; devDependencies: Record<string, string> } {
  return JSON.parse(readFileSync(resolve(__dirname, '../../../package.json'), 'utf8'));
}

/** `books` → `book`; a name without a plural `s` gets `-item`. */
const singular = (table: string) => (/[^s]s$/.test(table) ? table.slice(0, -1) : `${table}-item`);

function keyOf(text: string): { key: string; keyType: 'S' | 'N' } {
  const [key, type = 'S', ...rest] = text.split(':');
  if (!key || !/^[A-Za-z][A-Za-z0-9_]*$/.test(key) || rest.length > 0 || !['S', 'N'].includes(type.toUpperCase())) {
    throw new CliError(`--key ${text}: expected NAME or NAME:S or NAME:N (a string or a number key)`);
  }
  return { key, keyType: type.toUpperCase() as 'S' | 'N' };
}

/**
 * `scoutr init [DIR]` (docs: reference/cli#scoutr-init): a project as the docs' tutorial walks it. Asks for the table
 * and key on a terminal, takes them from flags otherwise; never overwrites a file without --force.
 */
export function initCommand(cx: CliContext): Command {
  const { io } = cx;
  return new Command('init')
    .description('make a project: scoutr.config.ts, policy.yml, seed.json, serverless.yml, tsconfig.json, a test')
    .argument('[dir]', 'the project folder (default: the current one)')
    .option('--table <name>', 'the DynamoDB table, also the list route (default: asked, or "items")')
    .option('--key <name[:S|N]>', 'its partition key and type, S (string) or N (number) (default: asked, or "id")')
    .option('--force', 'overwrite files that exist')
    .option('--no-install', 'do not run npm install for the dev dependencies')
    .option('--json', 'print what was written and installed as JSON')
    .action(async (dirArg: string | undefined, opts: InitOptions) => {
      const dir = resolve(io.cwd ?? process.cwd(), dirArg ?? '.');
      const manifest = ownManifest();
      const scaffold = await scaffoldFor(io, opts, manifest);
      const service = serviceName(dir);
      const files = projectFiles(scaffold, service);
      writeProject(dir, files, opts.force === true);
      const added = updateManifest(dir, service, scaffold.scoutrVersion);
      const wanted = t.DEV_DEPENDENCIES.map((name) => `${name}@${manifest.devDependencies[name] ?? 'latest'}`);
      if (opts.install) {
        if (!opts.json) io.out(`npm install --save-dev ${wanted.join(' ')}\n`);
        installDevDependencies(io, dir, wanted);
      }
      const result = {
        dir,
        written: Object.keys(files),
        packageJson: added,
        devDependencies: wanted,
        installed: opts.install,
      };
      cx.output(opts.json).result(result, () => [
        ...result.written.map((f) => `wrote ${f}`),
        `updated package.json: ${added.length > 0 ? added.join(', ') : 'nothing to add'}`,
        ...(opts.install ? [] : [`skipped: npm install --save-dev ${wanted.join(' ')}`]),
        '',
        `Next, in ${dir}:`,
        '  npx scoutr dev              # the API on 127.0.0.1, with curl lines',
        '  npm test                    # type-check and tests',
        '  npx serverless package      # offline deploy package',
      ]);
    });
}

/** The table and key from the flags, else asked on a terminal, else the defaults; checked. */
async function scaffoldFor(io: Io, opts: InitOptions, manifest: ReturnType<typeof ownManifest>): Promise<t.Scaffold> {
  const ask = async (question: string, fallback: string) =>
    io.interactive ? (await io.ask(`${question} (${fallback}): `)).trim() || fallback : fallback;
  const table = opts.table ?? (await ask('Table name', 'items'));
  if (!NAME.test(table) || !ROUTE.test(table)) {
    throw new CliError(`--table ${table}: 3 to 255 letters, digits, '_' or '-' (it is also the list route)`);
  }
  const { key, keyType } = keyOf(opts.key ?? (await ask('Partition key, NAME or NAME:N for a number', 'id')));
  return {
    table,
    key,
    keyType,
    item: singular(table),
    versions: manifest.devDependencies,
    scoutrVersion: manifest.version,
  };
}

/** The serverless service: the folder's name, made of letters, digits and dashes. */
const serviceName = (dir: string) =>
  basename(dir)
    .replace(/[^A-Za-z0-9-]/g, '-')
    .replace(/^-+|-+$/g, '') || 'scoutr-api';

const projectFiles = (scaffold: t.Scaffold, service: string): Record<string, string> => ({
  'scoutr.config.ts': t.appConfig(scaffold),
  'policy.yml': t.policy(scaffold),
  'seed.json': t.seed(scaffold),
  'serverless.yml': t.serverless(scaffold, service),
  'tsconfig.json': t.tsconfig(),
  'test/api.test.ts': t.apiTest(scaffold),
  'README.md': t.readme(scaffold, service),
  '.gitignore': t.gitignore(),
});

/** Writes every file, or none when one exists and `force` is not given. */
function writeProject(dir: string, files: Record<string, string>, force: boolean): void {
  const existing = Object.keys(files).filter((f) => existsSync(join(dir, f)));
  if (existing.length > 0 && !force) {
    throw new CliError(`${existing.join(', ')} already exist in ${dir}: nothing was written (--force overwrites)`);
  }
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
}

function installDevDependencies(io: Io, dir: string, wanted: readonly string[]): void {
  const npm = spawnSync('npm', ['install', '--save-dev', '--no-audit', '--no-fund', ...wanted], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
    env: io.env as NodeJS.ProcessEnv,
  });
  if (npm.status !== 0) {
    throw new CliError(`npm install failed (${npm.stderr.trim().split('\n').at(-1) ?? npm.error?.message})`);
  }
}

/** Adds Scoutr and the project's scripts to package.json (made if missing), keeping whatever it already says. */
function updateManifest(dir: string, name: string, version: string): string[] {
  const file = join(dir, 'package.json');
  const pkg = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>)
    : { name, version: '0.1.0', private: true };
  const done: string[] = [];
  const deps = (pkg.dependencies ?? {}) as Record<string, string>;
  if (!deps.scoutr) {
    deps.scoutr = `^${version}`;
    done.push('dependency scoutr');
  }
  pkg.dependencies = deps;
  const scripts = (pkg.scripts ?? {}) as Record<string, string>;
  for (const [script, command] of Object.entries(t.scripts)) {
    // npm init's placeholder test script says only that there are no tests.
    if (!scripts[script] || (script === 'test' && scripts[script].includes('no test specified'))) {
      scripts[script] = command;
      done.push(`script ${script}`);
    }
  }
  pkg.scripts = scripts;
  writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
  return done;
}
