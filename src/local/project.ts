import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { ConfigError, loadApp } from '../config';
import type { AppConfig } from '../core/app';
import { checkItemRoles } from '../core/item-roles';
import { formatPath } from '../core/policy/load-policy';
import type { PolicyDocument } from '../core/policy/schema';
import { validatePolicy } from '../core/policy/validate';
import { importDefault } from '../modules';
import { formatIssue, loadPolicyFile } from '../policy-file';
import type { SeedData } from './seed';

// A user's project as `scoutr init` lays it out (docs: reference/app-config): the app config, and beside it an
// optional policy file and an optional seed file. `scoutr dev`, `scoutr console` and `scoutr/testing` read it here.

const APP_FILES = [
  'scoutr.config.ts',
  'scoutr.config.mts',
  'scoutr.config.js',
  'scoutr.config.mjs',
  'scoutr.config.cjs',
];
const POLICY_FILES = ['policy.yml', 'policy.yaml', 'policy.json', 'policy.ts', 'policy.js'];
const SEED_FILES = ['seed.ts', 'seed.js', 'seed.json'];

export interface ProjectFiles {
  app: string;
  policy?: string | undefined;
  seed?: string | undefined;
}

const firstIn = (dir: string, names: readonly string[]) => names.map((n) => resolve(dir, n)).find((f) => existsSync(f));

function given(file: string | undefined, cwd: string, what: string): string | undefined {
  if (file === undefined) return undefined;
  const path = resolve(cwd, file);
  if (!existsSync(path)) throw new ConfigError(`${what}: no such file: ${file}`);
  return path;
}

/**
 * The project's files: the app config from `--app`, else SCOUTR_CONFIG, else `scoutr.config.ts` (or .js) in the
 * current folder; the policy and seed files from their flags, else beside the app config.
 */
export function findProject(
  flags: { app?: string | undefined; policy?: string | undefined; seed?: string | undefined },
  env: Record<string, string | undefined>,
  cwd: string,
): ProjectFiles {
  const app = appFileOf(flags.app, env, cwd);
  if (!app) {
    throw new ConfigError(
      `no app config in ${cwd}: expected ${APP_FILES[0]} (npx scoutr init makes one), --app MODULE or SCOUTR_CONFIG`,
    );
  }
  return { app, ...companionFiles(dirname(app), flags, cwd) };
}

/** The app config module: `--app`, else SCOUTR_CONFIG, else ./scoutr.config.ts (or .js, ...) if there is one. */
export function appFileOf(
  flag: string | undefined,
  env: Record<string, string | undefined>,
  cwd: string,
): string | undefined {
  return (
    given(flag, cwd, '--app') ?? given(env.SCOUTR_CONFIG || undefined, cwd, 'SCOUTR_CONFIG') ?? firstIn(cwd, APP_FILES)
  );
}

/** The policy and seed files: from their flags, else the ones in `dir`. */
export function companionFiles(
  dir: string,
  flags: { policy?: string | undefined; seed?: string | undefined },
  cwd: string,
): Omit<ProjectFiles, 'app'> {
  return {
    policy: given(flags.policy, cwd, '--policy') ?? firstIn(dir, POLICY_FILES),
    seed: given(flags.seed, cwd, '--seed') ?? firstIn(dir, SEED_FILES),
  };
}

export interface Project {
  files: ProjectFiles;
  app: AppConfig;
  policy?: PolicyDocument | undefined;
  seed?: SeedFile | undefined;
}

/** A seed file: items (plain JSON, as stored) and the item roles users hold on them. */
export type SeedFile = Pick<SeedData, 'items' | 'grants'>;

/**
 * Loads the project's modules and checks them as the server and `scoutr policy validate --app` would. What `given`
 * holds is used instead of the file (`scoutr/testing` takes an app config, a policy or a seed as values).
 */
export async function loadProject(
  files: ProjectFiles,
  given: { app?: AppConfig; policy?: unknown; seed?: SeedFile } = {},
): Promise<Project> {
  const app = given.app ?? (await loadApp(files.app, files.app));
  const itemRoles = app.itemRoles ? checkItemRoles(app.itemRoles) : null;
  let policy: PolicyDocument | undefined;
  if (given.policy !== undefined) {
    const { doc, issues } = validatePolicy(given.policy, { itemRoles });
    if (!doc) throw new ConfigError(issues.map((i) => `policy: ${formatPath(i.path)}: ${i.message}`).join('\n'));
    policy = doc;
  } else if (files.policy) {
    const loaded = loadPolicyFile(files.policy, { itemRoles });
    if ('issues' in loaded) throw new ConfigError(loaded.issues.map(formatIssue).join('\n'));
    policy = loaded.doc;
  }
  const seed = given.seed ?? (files.seed ? await loadSeed(files.seed) : undefined);
  return { files, app, policy, seed };
}

/** `seed.json` holds an array of items or `{items, grants}`; `seed.ts` exports them (default or named). */
export async function loadSeed(file: string): Promise<SeedFile> {
  let value: unknown;
  try {
    value = extname(file) === '.json' ? JSON.parse(readFileSync(file, 'utf8')) : await importDefault(file);
  } catch (err) {
    throw new ConfigError(`${file}: cannot load the seed: ${(err as Error).message.split('\n')[0]}`);
  }
  const seed: Partial<SeedFile> | null = Array.isArray(value) ? { items: value } : (value as Partial<SeedFile> | null);
  const items = seed?.items ?? [];
  const grants = seed?.grants ?? [];
  const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!Array.isArray(items) || !items.every(isObject))
    throw new ConfigError(`${file}: items must be a list of objects`);
  if (!Array.isArray(grants) || !grants.every(isObject)) throw new ConfigError(`${file}: grants must be a list`);
  return { items, grants };
}
