import { EXAMPLES, type ExampleName } from '../../../scripts/examples';
import { blocks, pages } from '../../docs/support/markdown';
import { claimsAnswers, curlsOf, replay } from '../../docs/support/replay';
import { startExample } from '../../support/examples';

// The README's commands are true: each curl block that claims answers (`# → STATUS`) is marked with the example it
// runs against (`<!-- replay: example NAME -->`) and answers, in order, against a fresh start of that example what
// the README says. What the README used to hold, and its checks, moved to docs/ and test/docs: the tour of the pet
// store and each example's demo (test/docs/run/replay.test.ts), every environment variable in the configuration
// reference (test/docs/reference.test.ts), links and anchors (test/docs/links.test.ts).

const readme = pages().find((p) => p.path === 'README.md')!;
const curlBlocks = blocks(readme).filter((b) => b.lang === 'sh' && claimsAnswers(b.body));

it('has a first request, each curl with its expected status, marked with the example it runs against', () => {
  expect(curlBlocks.length).toBeGreaterThanOrEqual(1);
  for (const b of curlBlocks) {
    expect(b.marker).toMatch(/^replay: example \w+$/);
    expect(EXAMPLES).toContain(b.marker!.split(' ')[2]);
    const curls = curlsOf(b.body);
    expect(curls.length).toBeGreaterThanOrEqual(3);
    for (const c of curls) expect(Number.isInteger(c.expect)).toBe(true);
  }
});

it('shows the install and the two commands, and this repository`s', () => {
  const shell = blocks(readme)
    .filter((b) => b.lang === 'sh')
    .map((b) => b.body)
    .join('\n');
  for (const command of [
    'npm install scoutr',
    'npx scoutr init',
    'npx scoutr dev',
    'npm install',
    'npm start',
    'npm test',
  ])
    expect(shell).toContain(command);
});

it('links into each part of the docs', () => {
  for (const part of ['docs/README.md', 'docs/tutorials/', 'docs/how-to/', 'docs/reference/', 'docs/explanation/'])
    expect(readme.text).toContain(`](${part}`);
});

describe.each(curlBlocks.map((b) => [b.line, b] as const))('the README block at line %s', (_, block) => {
  it('answers every curl, in order, with the status the README says', async () => {
    const h = await startExample(block.marker!.split(' ')[2] as ExampleName);
    try {
      expect(await replay(h, curlsOf(block.body))).toEqual([]);
    } finally {
      await h.close();
    }
  });
});
