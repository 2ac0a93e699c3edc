import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Io, run } from '../../src/cli/main';
import { EnvSchema } from '../../src/config';
import { ERROR_CODES } from '../../src/core/errors';
import { compileFilter } from '../../src/core/filter/compile';
import { QUERY_OPERATORS } from '../../src/core/query/operators';
import { parseQuery } from '../../src/core/query/parse';
import { LocalEnvSchema } from '../../src/local/config';
import { anchors, ROOT } from './support/markdown';

// The reference pages against the code they describe: every error code has its anchor, every variable of the env
// schemas its row, every runtime dependency its reason, every query operator its row (whose DynamoDB expression is
// what the compiler makes), and every command and option of `scoutr --help` its section.

const page = (path: string) => readFileSync(join(ROOT, 'docs', path), 'utf8');

describe('docs/reference/errors.md', () => {
  const text = page('reference/errors.md');
  it.each([...ERROR_CODES])('has the anchor #%s, with a status and what the caller should do', (code) => {
    expect(anchors(text).has(code.toLowerCase())).toBe(true);
    const section = text.slice(text.indexOf(`### ${code}\n`)).split('\n### ')[0]!;
    expect(section).toMatch(/^\*\*\d{3}[.*]/m);
    expect(section).toContain('**Do:**');
  });
  it('documents no code the API does not have', () => {
    const documented = [...text.matchAll(/^### ([A-Z_]+)$/gm)].map((m) => m[1]);
    expect(documented).toEqual([...ERROR_CODES]);
  });
});

it('documents every environment variable of the server and the local server in the configuration reference', () => {
  const text = page('reference/configuration.md');
  const keys = [...Object.keys(EnvSchema.shape), ...Object.keys(LocalEnvSchema.shape)];
  expect(keys.filter((k) => !new RegExp(`^\\| \`${k}\` +\\|`, 'm').test(text))).toEqual([]);
});

it('says why each runtime dependency is there', () => {
  const text = page('explanation/dependencies.md');
  const { dependencies, devDependencies } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };
  const rows = text.split('\n').filter((l) => l.startsWith('| `'));
  const named = (pkg: string) => rows.some((r) => r.split('|')[1]!.includes(`\`${pkg}\``));
  expect(Object.keys(dependencies).filter((d) => !named(d))).toEqual([]);
  expect(Object.keys(devDependencies).filter((d) => !named(d))).toEqual([]);
});

describe('docs/reference/query-language.md', () => {
  const text = page('reference/query-language.md');
  const table = text.slice(text.indexOf('## Operators'), text.indexOf('## The number rule'));
  const rows = table
    .split('\n')
    .filter((l) => /^\| (`|\()/.test(l))
    .map((l) => {
      const [op, query, expression] = l.split(' | ').map((c) => c.replace(/^\| /, '').trim());
      return { op: op!, query: query!.replace(/`/g, ''), expression: expression!.replace(/`/g, '') };
    });

  it('has a row for every operator the query language accepts, aliases included', () => {
    const ops = new Set(rows.map((r) => r.op.replace(/`/g, '')));
    expect(QUERY_OPERATORS.filter((o) => !ops.has(o))).toEqual([]);
  });

  it.each(rows.map((r) => [r.query, r.expression]))('compiles %s to %s', (query, expression) => {
    const params = query.split('&').map((p): [string, string] => {
      const i = p.indexOf('=');
      return [p.slice(0, i), p.slice(i + 1)];
    });
    const { filter } = parseQuery({ params, keyTypes: new Map() });
    if (typeof filter === 'boolean') throw new Error(`${query} compiles to ${filter}`);
    expect(compileFilter(filter).expression).toBe(expression);
  });
});

/**
 * `scoutr ARGS --help`, in process. `init` and `dev` do not copy the program's exitOverride and output settings, so
 * their help goes to process.stdout and ends in process.exit: both are caught here.
 */
async function help(args: string[]): Promise<string> {
  const out: string[] = [];
  const io: Io = { out: (s) => out.push(s), err: (s) => out.push(s), env: {}, interactive: false, ask: async () => '' };
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((s) => {
    out.push(String(s));
    return true;
  });
  const exit = jest.spyOn(process, 'exit').mockImplementation(() => {
    throw new Error('process.exit');
  });
  try {
    await run([...args, '--help'], io);
  } finally {
    write.mockRestore();
    exit.mockRestore();
  }
  return out.join('').replace(/scoutr: process\.exit\n$/, '');
}

/** The names listed under a heading of commander's help (`Commands:`, `Options:`). */
function listed(text: string, heading: 'Commands:' | 'Options:'): string[] {
  const start = text.indexOf(`\n${heading}\n`);
  if (start < 0) return [];
  const body = text.slice(start + heading.length + 2).split(/\n\n/)[0]!;
  return body
    .split('\n')
    .map((l) => /^ {2}(?:-\w, )?(\S+)/.exec(l)?.[1])
    .filter((n): n is string => n !== undefined && n !== 'help' && n !== '--help');
}

/** Every command of `scoutr`, as the words that run it, with its options: walked through the commands' own --help. */
async function commands(path: string[] = []): Promise<Array<{ path: string[]; options: string[] }>> {
  const text = await help(path);
  const subs = listed(text, 'Commands:');
  if (subs.length === 0) return [{ path, options: listed(text, 'Options:') }];
  const nested = await Promise.all(subs.map((s) => commands([...path, s])));
  return nested.flat();
}

describe('docs/reference/cli.md', () => {
  const text = page('reference/cli.md');
  const section = (name: string) => {
    const start = text.indexOf(`\n## ${name}\n`);
    return start < 0 ? undefined : text.slice(start + 1).split('\n## ')[0]!;
  };

  it('has a section for every command, naming each of its options, and no option the command lacks', async () => {
    const all = await commands();
    expect(all.length).toBeGreaterThanOrEqual(10);
    const problems: string[] = [];
    for (const c of all) {
      const name = ['scoutr', ...c.path].join(' ');
      const s = section(name);
      if (!s) {
        problems.push(`no section "## ${name}"`);
        continue;
      }
      for (const o of c.options) if (!s.includes(`\`${o}`)) problems.push(`${name}: ${o} is not documented`);
      const documented = [...s.matchAll(/^\| `(--[\w-]+)/gm)].map((m) => m[1]!);
      for (const o of documented) if (!c.options.includes(o)) problems.push(`${name}: ${o} is not an option`);
    }
    expect(problems).toEqual([]);
  });
});
