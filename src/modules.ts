// The one loader of a user's modules (app config, policy module, seed file): TypeScript or JavaScript, CommonJS or
// ES modules, on Node 20 with no build step (jiti, docs: explanation/dependencies). Inside them the package name `scoutr`
// resolves to this very copy of Scoutr, whichever copy a project's node_modules holds: a ScoutrError thrown by the
// app is then the class the server recognises, and `defineApp` is the one the server was built with.
// Made on first use, and jiti required only then: a Lambda bundle reaches this file through the package root but
// never loads a module at run time, so it leaves jiti out (docs/reference/deploy.md#bundling) and must not resolve these paths at init.
type Jiti = ReturnType<typeof import('jiti')['createJiti']>;
let loader: Jiti | undefined;
function jiti(): Jiti {
  if (!loader) {
    const { createJiti } = require('jiti') as typeof import('jiti');
    loader = createJiti(__filename, {
      alias: { 'scoutr/testing': require.resolve('./testing'), scoutr: require.resolve('./index') },
      interopDefault: false,
    });
  }
  return loader;
}

// ES modules (and TypeScript compiled like them) put the value in `default`; a CommonJS module is the value itself.
const defaultOf = (mod: unknown): unknown =>
  mod !== null && typeof mod === 'object' && 'default' in mod ? (mod as { default: unknown }).default : mod;

/** A module's default export (or the module itself when it has none), loaded synchronously. */
export function requireDefault(file: string): unknown {
  return defaultOf(jiti()(file));
}

/**
 * A module's default export (or the module itself when it has none). Loaded through jiti's synchronous path, which
 * transpiles ES modules (the user's and their ESM-only dependencies) to CommonJS: its asynchronous path falls back on
 * the runtime's own import(), which a vm-sandboxed host (jest) refuses.
 */
export async function importDefault(file: string): Promise<unknown> {
  return requireDefault(file);
}
