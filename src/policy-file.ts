import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import { ConfigError } from './config';
import type { AppConfig } from './core/app';
import { checkItemRoles, type ItemRoles, type ItemRolesConfig } from './core/item-roles';
import { formatPath } from './core/policy/load-policy';
import type { PolicyDocument } from './core/policy/schema';
import { unroutedEndpoints } from './core/policy/unrouted';
import { type PolicyIssue, type PolicyPath, type ValidateOptions, validatePolicy } from './core/policy/validate';
import type { Route } from './core/routes';
import { requireDefault } from './modules';

/** A problem in a policy file, located: `FILE:LINE:COL: <field path>: <message>` (docs/reference/policy-file.md#validation). */
export interface LocatedIssue {
  file: string;
  line?: number;
  col?: number;
  path: string;
  message: string;
}

export const formatIssue = (i: LocatedIssue) =>
  `${i.file}${i.line === undefined ? '' : `:${i.line}:${i.col}`}: ${i.path ? `${i.path}: ` : ''}${i.message}`;

const MODULES = new Set(['.ts', '.js', '.cjs', '.mjs', '.mts', '.cts']);

/** A TS/JS module's default export (src/modules.ts). */
function loadDefault(file: string, what: string): unknown {
  try {
    return requireDefault(resolve(file));
  } catch (err) {
    throw new ConfigError(`${file}: cannot load the ${what}: ${(err as Error).message.split('\n')[0]}`);
  }
}

/**
 * The item roles an app config module declares (`--app MODULE`), checked as the server checks them at startup:
 * `declared` for the decisions, `roles` for validation; `roles` is null for an app that declares none.
 */
export function appItemRoles(file: string): {
  app: AppConfig;
  declared: ItemRolesConfig | undefined;
  roles: ItemRoles | null;
} {
  const app = loadDefault(file, 'app config');
  if (!app || typeof app !== 'object') throw new ConfigError(`${file}: the app config module has no default export`);
  const declared = (app as AppConfig).itemRoles;
  if (declared === undefined) return { app: app as AppConfig, declared, roles: null };
  try {
    return { app: app as AppConfig, declared, roles: checkItemRoles(declared) };
  } catch (err) {
    throw new ConfigError(`${file}: ${(err as Error).message}`);
  }
}

/**
 * Reads a policy file: YAML and JSON through `yaml`'s parseDocument (JSON is YAML, so both get positions), a
 * TS/JS module through src/modules.ts, its default export being the document.
 */
export function readPolicyFile(file: string):
  | { input: unknown; locate: (issue: PolicyIssue) => LocatedIssue }
  | {
      issues: LocatedIssue[];
    } {
  const ext = extname(file).toLowerCase();
  if (MODULES.has(ext)) {
    const input = loadDefault(file, 'module');
    // A module has no positions to give: the field path says where.
    return { input, locate: (i) => ({ file, path: formatPath(i.path), message: i.message }) };
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new ConfigError(`${file}: ${code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? 'error'})`}`);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, col };
  };
  if (doc.errors.length > 0) {
    return {
      issues: doc.errors.map((e) => ({ file, ...at(e.pos[0]), path: '', message: e.message.split('\n')[0]! })),
    };
  }
  const nodeAt = (path: PolicyPath): unknown => (path.length === 0 ? doc.contents : doc.getIn(path, true));
  const offsetOf = (issue: PolicyIssue): number => {
    if (issue.key) {
      const parent = nodeAt(issue.path.slice(0, -1));
      const name = String(issue.path.at(-1));
      const pair = isMap(parent)
        ? parent.items.find((p) => isScalar(p.key) && String(p.key.value) === name)
        : undefined;
      if (pair && isScalar(pair.key) && pair.key.range) return pair.key.range[0];
    }
    // A missing field is reported at the map that should hold it: the nearest node that exists.
    for (let n = issue.path.length; n >= 0; n--) {
      const range = (nodeAt(issue.path.slice(0, n)) as { range?: [number, number, number] } | null | undefined)?.range;
      if (range) return range[0];
    }
    return 0;
  };
  const locate = (issue: PolicyIssue): LocatedIssue => ({
    file,
    ...at(offsetOf(issue)),
    path: formatPath(issue.path),
    message: issue.message,
  });
  return { input: doc.toJS({ maxAliasCount: 100 }), locate };
}

const byPosition = (a: LocatedIssue, b: LocatedIssue) => (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0);

/**
 * Reads and validates one file: the document, or every problem in it, located. With the app's routes, `warnings`
 * locates each permitted endpoint that matches none of them (they do not make the file invalid).
 */
export function loadPolicyFile(
  file: string,
  options: ValidateOptions & { routes?: readonly Route[] | undefined } = {},
): ({ doc: PolicyDocument } | { issues: LocatedIssue[] }) & { warnings?: LocatedIssue[] } {
  const read = readPolicyFile(file);
  if ('issues' in read) return read;
  const { doc, issues } = validatePolicy(read.input, options);
  const warnings = options.routes
    ? unroutedEndpoints(read.input, options.routes).map(read.locate).sort(byPosition)
    : [];
  const more = warnings.length > 0 ? { warnings } : {};
  if (doc) return { doc, ...more };
  return { issues: issues.map(read.locate).sort(byPosition), ...more };
}
