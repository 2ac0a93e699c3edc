import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AppConfig } from '../core/app';
import { defineApp } from '../core/define-app';
import type { Verb } from '../core/routes';
import { importDefault } from '../modules';
import { bundleFunctions, writeZip } from './bundle';
import { type Generated, generate } from './generate';
import { CUSTOM_JSON_SCHEMA, type DeploySettings, readSettings } from './settings';

// `scoutr/serverless`: the deploy integration, an osls (serverless framework v3/v4 open-source fork) plugin that a
// project lists under `plugins` (docs/reference/deploy.md#how-it-works). While osls initialises (asyncInit, before the configuration is
// validated and its variables resolved) it loads the project's app config and extends the configuration, through
// osls's own `extendConfiguration`, with what `generate` makes of it: every later step (`print`, the schema check,
// variables, `package`, `deploy`, `deploy function`, `info`, `logs`) sees the functions and resources as if the
// project had written them. Packaging then bundles each function (bundle.ts) into the zip osls uploads.

/** The part of osls a plugin uses. */
interface Osls {
  serviceDir: string;
  configurationInput: Record<string, unknown> & {
    custom?: { scoutr?: unknown };
    provider?: Record<string, unknown>;
    params?: Record<string, Record<string, unknown> | undefined>;
    functions?: Record<string, unknown>;
    resources?: unknown;
  };
  service: {
    provider: { runtime?: string };
    functions: Record<string, { package?: { artifact?: string } }>;
  };
  configSchemaHandler: { defineCustomProperties(schema: object): void };
  extendConfiguration(path: string[], value: unknown): void;
  classes: { Error: new (message: string, code?: string) => Error };
}
interface Log {
  notice(message: string): void;
  info(message: string): void;
}

/** Extends the configuration of the project osls runs in with the deploy of its app (docs/reference/deploy.md#what-it-adds). */
export default class ScoutrServerless {
  readonly hooks: Record<string, () => Promise<void>>;
  private settings: DeploySettings | undefined;
  private generated: Generated | undefined;

  constructor(
    private readonly serverless: Osls,
    private readonly options: { function?: string },
    private readonly utils: { log?: Log } = {},
  ) {
    serverless.configSchemaHandler.defineCustomProperties({
      type: 'object',
      properties: { scoutr: CUSTOM_JSON_SCHEMA },
    });
    this.hooks = {
      'before:package:createDeploymentArtifacts': () => this.bundle(Object.keys(this.generated?.functions ?? {})),
      'before:deploy:function:packageFunction': () => this.bundle(this.options.function ? [this.options.function] : []),
    };
  }

  /** Called by osls once every plugin is constructed, while the configuration may still be extended. */
  async asyncInit(): Promise<void> {
    const config = this.serverless.configurationInput;
    try {
      // The variables of the machine that packages are deploy switches here, as they were in serverless.yml.
      this.settings = readSettings(config.custom?.scoutr, process.env);
      this.generated = generate(await this.loadApp(this.settings.app), this.settings);
    } catch (err) {
      throw new this.serverless.classes.Error(`scoutr/serverless: ${(err as Error).message}`, 'SCOUTR_DEPLOY');
    }
    this.extend(this.generated);
  }

  /** The app config module, passed through defineApp, which refuses a route table API Gateway cannot deploy. */
  private async loadApp(module: string): Promise<AppConfig> {
    const file = resolve(this.serverless.serviceDir, module);
    if (!existsSync(file)) throw new Error(`the app config ${module} does not exist (custom.scoutr.app)`);
    let app: unknown;
    try {
      app = await importDefault(file);
    } catch (err) {
      // A route table API Gateway cannot deploy (defineApp as the module loads) lists every route: keep the list.
      const message =
        (err as Error).name === 'RouteTableError' ? (err as Error).message : (err as Error).message.split('\n')[0];
      throw new Error(`cannot load the app config ${module}: ${message}`);
    }
    if (!app || typeof app !== 'object') throw new Error(`the app config ${module} has no default export object`);
    return defineApp(app as AppConfig);
  }

  /** Adds what is generated, keeping everything the project wrote itself; a function of the same name is refused. */
  private extend(g: Generated): void {
    const config = this.serverless.configurationInput;
    const set = (path: string[], value: unknown) => this.serverless.extendConfiguration(path, value);
    const taken = Object.keys(g.functions).filter((fn) => config.functions?.[fn] !== undefined);
    if (taken.length > 0) {
      throw new this.serverless.classes.Error(
        `scoutr/serverless: functions.${taken[0]} is the function Scoutr generates for that verb; rename yours`,
        'SCOUTR_DEPLOY',
      );
    }
    for (const [fn, f] of Object.entries(g.functions)) set(['functions', fn], f);
    const provider = config.provider ?? {};
    for (const [key, value] of Object.entries(g.provider))
      if (provider[key] === undefined) set(['provider', key], value);
    const environment = (provider.environment ?? {}) as Record<string, unknown>;
    for (const [key, value] of Object.entries(g.environment)) {
      if (environment[key] === undefined) set(['provider', 'environment', key], value);
    }
    const defaults = config.params?.default ?? {};
    for (const [key, value] of Object.entries(g.params)) {
      if (defaults[key] === undefined) set(['params', 'default', key], value);
    }
    // `resources` may also be a list of fragments, which osls merges: the generated one is then appended.
    const resources = config.resources;
    if (Array.isArray(resources)) set(['resources', String(resources.length)], { Resources: g.resources });
    else for (const [id, r] of Object.entries(g.resources)) set(['resources', 'Resources', id], r);
  }

  /** Bundles the functions and points osls at their zips. */
  private async bundle(functions: string[]): Promise<void> {
    if (!this.settings || !this.generated) return;
    const verbs = functions.filter((fn) => fn in (this.generated?.functions ?? {})) as Verb[];
    if (verbs.length === 0) return;
    // osls packages into the service's .serverless folder (its own zips too), then moves it to --package if given.
    const dir = resolve(this.serverless.serviceDir, '.serverless');
    const runtime = this.serverless.service.provider.runtime ?? 'nodejs22.x';
    const sentry = Boolean(process.env.SENTRY_DSN);
    const bundles = await bundleFunctions({
      serviceDir: this.serverless.serviceDir,
      app: this.settings.app,
      functions: verbs,
      scoutr: bundleEntry(),
      target: runtime.replace(/^nodejs(\d+)\.x$/, 'node$1'),
      sentry,
    });
    for (const b of bundles) {
      const fn = this.serverless.service.functions[b.fn]!;
      fn.package = { ...fn.package, artifact: writeZip(dir, b) };
    }
    const size = Math.max(...bundles.map((b) => b.files.get(`${b.fn}.js`)?.length ?? 0));
    this.utils.log?.notice(
      `scoutr: bundled ${bundles.length} function(s), largest ${(size / 1024).toFixed(0)} KB` +
        (sentry ? ', with @sentry/node (SENTRY_DSN is set)' : ''),
    );
  }
}

/**
 * The root module bundles are built from: the ES-module copy beside a built package (dist/esm, so esbuild keeps only
 * what a function calls), else this copy's own (the TypeScript sources, in this repository's tests).
 */
function bundleEntry(): string {
  const esm = resolve(__dirname, '../esm/index.js');
  return __filename.endsWith('.js') && existsSync(esm) ? esm : require.resolve('../index');
}
