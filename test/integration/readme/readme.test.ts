import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import exampleApp from '../../../example/petstore/scoutr.config';
import * as exampleSeed from '../../../example/petstore/seed';
import { EXAMPLES, type ExampleName, examplePolicyRecords } from '../../../scripts/examples';
import { EnvSchema } from '../../../src/config';
import { dataTableOf } from '../../../src/core/app';
import { LocalEnvSchema } from '../../../src/local/config';
import { startExample } from '../../support/examples';
import { type Harness, startHarness } from '../../support/harness';

const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');

interface Curl {
  line: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
  expect: number;
}

/** Splits a shell command line on spaces outside single quotes (the README only uses single quotes). */
function words(line: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  let inWord = false;
  for (const c of line) {
    if (c === "'") {
      quoted = !quoted;
      inWord = true;
    } else if (c === ' ' && !quoted) {
      if (inWord) out.push(current);
      current = '';
      inWord = false;
    } else {
      current += c;
      inWord = true;
    }
  }
  if (inWord) out.push(current);
  return out;
}

function parseCurl(line: string): Curl {
  const [command, expectText] = line.split('# →');
  const args = words(command!.trim());
  const curl: Curl = { line, method: 'GET', url: '', headers: {}, body: undefined, expect: Number(expectText) };
  for (let i = 1; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-X') curl.method = args[++i]!;
    else if (a === '-H') {
      const [name, ...rest] = args[++i]!.split(':');
      curl.headers[name!.trim()] = rest.join(':').trim();
    } else if (a === '-d') {
      curl.body = args[++i]!;
      if (curl.method === 'GET') curl.method = 'POST';
    } else if (a.startsWith('-')) {
      if (!/^-[sig]+$/.test(a)) throw new Error(`unknown curl flag ${a} in: ${line}`);
    } else curl.url = a;
  }
  return curl;
}

const tryIt = readme.slice(readme.indexOf('## Try it'));
const block = tryIt.slice(tryIt.indexOf('```sh') + 5, tryIt.indexOf('```', tryIt.indexOf('```sh') + 5));
const curls = block
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l.startsWith('curl '))
  .map(parseCurl);

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    app: exampleApp,
    seed: { items: exampleSeed.items, ...examplePolicyRecords('petstore') },
    dataTable: dataTableOf(exampleApp),
  });
});
afterAll(() => h.close());

it('has curl examples, each with its expected status', () => {
  expect(curls.length).toBeGreaterThan(20);
  for (const c of curls) expect(Number.isInteger(c.expect)).toBe(true);
});

/** Sends each curl in order; the lines answered with another status than the README says (none, if it is true). */
async function replay(harness: Harness, commands: readonly Curl[]): Promise<string[]> {
  const results: string[] = [];
  for (const c of commands) {
    const path = c.url.replace('http://127.0.0.1:3000', '');
    const res = await harness.request(c.method, path, { headers: c.headers, ...(c.body ? { body: c.body } : {}) });
    results.push(`${res.status === c.expect ? 'ok ' : 'BAD'} ${res.status} ${c.line}`);
  }
  return results.filter((r) => r.startsWith('BAD'));
}

it('answers every README curl, in order, with the status the README says', async () => {
  expect(await replay(h, curls)).toEqual([]);
});

it('documents every environment variable of the configuration', () => {
  for (const key of [...Object.keys(EnvSchema.shape), ...Object.keys(LocalEnvSchema.shape)]) {
    expect(readme).toContain(`\`${key}\``);
  }
});

// README "Examples": one ```sh block per example, under its `### name` heading, replayed against that example.
const examples = readme.slice(readme.indexOf('## Examples'), readme.indexOf('## Performance'));
const exampleBlocks = [...examples.matchAll(/### (\w+)[^\n]*\n[\s\S]*?```sh\n([\s\S]*?)```/g)].map((m) => ({
  name: m[1] as ExampleName,
  curls: m[2]!
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('curl '))
    .map(parseCurl),
}));

it('has a replayable block for each example but the pet store', () => {
  expect(exampleBlocks.map((b) => b.name).sort()).toEqual([...EXAMPLES].filter((n) => n !== 'petstore').sort());
  for (const b of exampleBlocks) expect(b.curls.length).toBeGreaterThan(10);
});

describe.each(exampleBlocks)('the $name example', ({ name, curls: exampleCurls }) => {
  it('answers every curl, in order, with the status the README says', async () => {
    const eh = await startExample(name);
    try {
      expect(await replay(eh, exampleCurls)).toEqual([]);
    } finally {
      await eh.close();
    }
  });
});
