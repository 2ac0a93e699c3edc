import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { EXAMPLES, type ExampleName } from '../../../scripts/examples';
import { type Io, run } from '../../../src/cli/main';
import { dataTableOf } from '../../../src/core/app';
import { policyRecords } from '../../../src/core/policy/records';
import { findProject, loadProject } from '../../../src/local/project';
import { testCredentialsEnv } from '../../support/db';
import { startExample } from '../../support/examples';
import { type Harness, startHarness } from '../../support/harness';
import { type Block, blocks, pages, ROOT } from '../support/markdown';
import { claimsAnswers, curlsOf, replay, words } from '../support/replay';

// Executable docs: every block of docs/ that claims an answer is replayed, and must answer what the page says.
// - <!-- replay: example NAME --> before a ```sh block: its curl lines, in order, against a fresh start of that example
//   (`npm start -- --example NAME`), each with the status after `# →`.
// - <!-- replay: init ARGS --> before a ```sh block: the same against the project `scoutr init ARGS` writes.
// - <!-- replay: cli [example NAME] --> before a ```console block: each `$ npx scoutr ...` line run in an empty folder
//   holding the page's files so far (<!-- file: NAME --> before a block), against fresh empty tables; with an example,
//   in that example's folder (its scoutr.config.ts is the app a command finds) against its tables. Each line's
//   output is compared line by line.
// The README's own blocks are replayed by test/integration/readme.

const docs = pages().filter((p) => p.path !== 'README.md');
const all = docs.flatMap(blocks);
const marked = (kind: string) => all.filter((b) => b.marker?.startsWith(`replay: ${kind}`));

describe('marks', () => {
  it('marks every block that claims an answer for replay, and nothing else', () => {
    const unmarked = all
      .filter((b) => (b.lang === 'sh' && claimsAnswers(b.body)) || b.lang === 'console')
      .filter((b) => !b.marker?.startsWith('replay:'))
      .map((b) => `${b.page}:${b.line}`);
    expect(unmarked).toEqual([]);
    const unknown = all
      .filter(
        (b) =>
          b.marker !== undefined && !/^(replay: (example \w+|init .+|cli( example \w+)?)|file: \S+)$/.test(b.marker),
      )
      .map((b) => `${b.page}:${b.line}: ${b.marker}`);
    expect(unknown).toEqual([]);
  });

  it('replays a block per tutorial and example, and the policy how-to', () => {
    const examples = new Set(marked('example').map((b) => b.marker!.split(' ')[2]));
    expect([...examples].sort()).toEqual([...EXAMPLES].sort());
    expect(marked('init').length).toBeGreaterThanOrEqual(1);
    expect(marked('cli').length).toBeGreaterThanOrEqual(5);
    const curls = [...marked('example'), ...marked('init')].reduce((n, b) => n + curlsOf(b.body).length, 0);
    expect(curls).toBeGreaterThan(80);
  });
});

describe.each(marked('example').map((b) => [`${b.page}:${b.line}`, b] as const))('%s', (_, block) => {
  it('answers every curl, in order, with the status the page says', async () => {
    const h = await startExample(block.marker!.split(' ')[2] as ExampleName);
    try {
      expect(await replay(h, curlsOf(block.body))).toEqual([]);
    } finally {
      await h.close();
    }
  });
});

/** `scoutr ARGS` in process, stdout and stderr in the order written. */
async function scoutr(args: string[], env: Record<string, string | undefined>, db?: Harness['db']) {
  const out: string[] = [];
  const io: Io = {
    out: (s) => out.push(s),
    err: (s) => out.push(s),
    env,
    interactive: false,
    ask: async () => '',
    ...(db ? { db } : {}),
  };
  const code = await run(args, io);
  return { code, out: out.join('') };
}

/** A fresh folder holding what `scoutr init ARGS` writes, without installing anything. */
async function initProject(args: string[]): Promise<{ dir: string; out: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'scoutr-docs-init-'));
  const { code, out } = await scoutr(['init', dir, ...args, '--no-install'], {});
  if (code !== 0) throw new Error(out);
  return { dir, out };
}

describe.each(marked('init').map((b) => [`${b.page}:${b.line}`, b] as const))('%s', (_, block) => {
  it('answers every curl, in order, against the project `scoutr init` writes, as `scoutr dev` serves it', async () => {
    const { dir } = await initProject(block.marker!.replace('replay: init ', '').split(' '));
    const { app, policy, seed } = await loadProject(findProject({}, {}, dir));
    const { records, groups } = policyRecords(policy!);
    const h = await startHarness({
      app,
      seed: { items: seed?.items ?? [], authRecords: records, groups },
      dataTable: dataTableOf(app),
    });
    try {
      expect(await replay(h, curlsOf(block.body))).toEqual([]);
    } finally {
      await h.close();
    }
  });
});

describe('docs/tutorials/your-own-api.md', () => {
  const page = docs.find((p) => p.path === 'docs/tutorials/your-own-api.md')!;
  const own = blocks(page);

  it('shows what `scoutr init --table books --key isbn` prints after `npm init -y` and `npm install scoutr`', async () => {
    // The folder as the page's first two commands leave it: scoutr already a dependency, npm's placeholder test.
    const dir = join(mkdtempSync(join(tmpdir(), 'scoutr-docs-init-')), 'library-api');
    mkdirSync(dir);
    const npmTest = 'echo "Error: no test specified" && exit 1';
    const pkg = { name: 'library-api', scripts: { test: npmTest }, dependencies: { scoutr: '^2.0.0' } };
    writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg));
    const { code, out } = await scoutr(['init', dir, '--table', 'books', '--key', 'isbn', '--no-install'], {});
    expect(code).toBe(0);
    const printed = out.trimEnd().replaceAll(dir, '…/library-api').split('\n');
    // With the install (the page's run), its line comes first, before the files are listed; the same packages.
    const install = printed.filter((l) => l.startsWith('skipped: npm install')).map((l) => l.replace('skipped: ', ''));
    const shown = own
      .find((b) => b.lang === 'text' && b.body.startsWith('npm install '))!
      .body.trimEnd()
      .split('\n');
    expect(shown).toEqual([...install, ...printed.filter((l) => !l.startsWith('skipped: npm install'))]);
  });

  it('runs the commands scripts/try-package.ts runs on the packed tarball (CI)', () => {
    // Checked against what try-package runs, rather than run again here: it installs from the registry.
    const script = readFileSync(join(ROOT, 'scripts/try-package.ts'), 'utf8');
    const ran = [...script.matchAll(/(?:sh|spawn)\('(npm|npx)', \[([^\]]*)\]/g)].map((m) =>
      [m[1], ...[...m[2]!.matchAll(/'([^']*)'/g)].map((a) => a[1])].join(' '),
    );
    const commands = own
      .filter((b) => b.lang === 'sh' && !b.marker)
      .flatMap((b) => b.body.split('\n'))
      .flatMap((l) => l.split('&&').map((c) => c.trim()))
      .filter((c) => c !== '' && !c.startsWith('#'));
    // `npm install scoutr` is try-package's `npm install <the packed tarball>`; mkdir and cd make its folder.
    const missing = commands
      .filter((c) => !/^(mkdir|cd) library-api$/.test(c))
      .filter(
        (c) =>
          !ran.some(
            (r) => r === c || r.startsWith(`${c} `) || (c === 'npm install scoutr' && r.startsWith('npm install')),
          ),
      );
    expect(ran.length).toBeGreaterThanOrEqual(5);
    expect(missing).toEqual([]);
  });
});

// Console blocks: one session per page, in document order, files written as the page defines them.
const cliPages = docs.filter((p) => blocks(p).some((b) => b.marker?.startsWith('replay: cli')));
describe.each(cliPages.map((p) => [p.path, p] as const))('%s', (_, page) => {
  it('prints what each command block says, line by line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scoutr-docs-cli-'));
    const empty = await startHarness();
    const cwd = process.cwd();
    const problems: string[] = [];
    try {
      process.chdir(dir);
      for (const block of blocks(page)) {
        if (block.marker?.startsWith('file: ')) {
          const file = join(dir, block.marker.slice('file: '.length));
          mkdirSync(dirname(file), { recursive: true });
          writeFileSync(file, `${block.body}\n`);
        }
        if (!block.marker?.startsWith('replay: cli')) continue;
        const example = /example (\w+)/.exec(block.marker)?.[1] as ExampleName | undefined;
        const h = example ? await startExample(example) : empty;
        // against an example, in its folder (its scoutr.config.ts is the app a command finds), as after `npm start`
        if (example) process.chdir(join(ROOT, 'example', example));
        try {
          problems.push(...(await replayConsole(block, h)));
        } finally {
          process.chdir(dir);
          if (example) await h.close();
        }
      }
    } finally {
      process.chdir(cwd);
      await empty.close();
    }
    expect(problems).toEqual([]);
  });
});

/** Runs each `$ [VAR=value ...] npx scoutr ...` of a console block; the lines that differ from the page. */
async function replayConsole(block: Block, h: Harness): Promise<string[]> {
  const env = {
    AUTH_TABLE: h.tables.auth,
    GROUP_TABLE: h.tables.groups,
    DATA_TABLE: h.tables.data,
    DYNAMODB_ENDPOINT: process.env.DYNAMODB_ENDPOINT,
    AWS_REGION: 'us-east-1',
    ...testCredentialsEnv(),
  };
  const problems: string[] = [];
  const steps = block.body.split(/^\$ /m).filter((s) => s.trim() !== '');
  for (const step of steps) {
    const [command, ...expected] = step.replace(/\n$/, '').split('\n');
    const argv = words(command!);
    const vars: Record<string, string> = {};
    while (argv[0] && /^[A-Z_]+=/.test(argv[0])) {
      const [k, ...v] = argv.shift()!.split('=');
      vars[k!] = v.join('=');
    }
    if (argv[0] !== 'npx' || argv[1] !== 'scoutr')
      throw new Error(`${block.page}:${block.line}: not scoutr: ${command}`);
    const { out } = await scoutr(argv.slice(2), { ...env, ...vars }, h.db);
    const got = out.replace(/\n$/, '').split('\n');
    const want = expected.map((l) => l.trimEnd());
    if (got.join('\n') !== want.join('\n')) {
      problems.push(
        `${block.page}:${block.line}: $ ${command}\n--- page\n${want.join('\n')}\n--- scoutr\n${got.join('\n')}`,
      );
    }
  }
  return problems;
}
