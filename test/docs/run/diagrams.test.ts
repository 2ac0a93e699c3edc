import { launchBrowser } from '../../support/browser';
import { blocks, pages } from '../support/markdown';

// Every ```mermaid block of the README and docs/ is parsed and drawn by Mermaid's own code (the bundle GitHub's
// renderer also runs), in Debian's Chromium through playwright-core: a diagram that would show as an error box on
// GitHub fails here, naming its page and line.

const diagrams = pages().flatMap((p) => blocks(p).filter((b) => b.lang === 'mermaid'));

it('finds the request path, the tables and the other diagrams', () => {
  expect(diagrams.length).toBeGreaterThanOrEqual(5);
  const at = diagrams.map((d) => d.page);
  expect(at).toEqual(expect.arrayContaining(['docs/explanation/architecture.md', 'docs/reference/tables.md']));
});

it('parses and draws every diagram with Mermaid', async () => {
  const browser = await launchBrowser();
  try {
    const { page } = browser;
    await page.setContent('<!doctype html><html><body></body></html>');
    await page.addScriptTag({ path: require.resolve('mermaid/dist/mermaid.min.js') });
    const results = await page.evaluate(
      async (sources: string[]) => {
        const mermaid = (globalThis as unknown as { mermaid: MermaidApi }).mermaid;
        mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });
        const out: string[] = [];
        for (const [i, source] of sources.entries()) {
          try {
            await mermaid.parse(source);
            const { svg } = await mermaid.render(`diagram-${i}`, source);
            out.push(svg.includes('<svg') && !svg.includes('Syntax error') ? 'ok' : 'drew no diagram');
          } catch (err) {
            out.push(
              String((err as Error).message ?? err)
                .split('\n')
                .slice(0, 3)
                .join(' '),
            );
          }
        }
        return out;
      },
      diagrams.map((d) => d.body),
    );
    const failures = results.flatMap((r, i) => (r === 'ok' ? [] : [`${diagrams[i]!.page}:${diagrams[i]!.line}: ${r}`]));
    expect(failures).toEqual([]);
  } finally {
    await browser.close();
  }
});

interface MermaidApi {
  initialize(config: Record<string, unknown>): void;
  parse(text: string): Promise<unknown>;
  render(id: string, text: string): Promise<{ svg: string }>;
}
