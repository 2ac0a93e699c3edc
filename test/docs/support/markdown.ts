import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

// Reading the docs as GitHub renders them: the pages, their fenced blocks (with the HTML comment that marks a block
// for replay), their headings as GitHub's anchors, and their links. test/docs holds the tests that use it.

export const ROOT = join(__dirname, '../../..');

export interface Page {
  /** relative to the repository: `README.md`, `docs/reference/errors.md` */
  path: string;
  text: string;
}

/** README.md and every page under docs/. */
export function pages(): Page[] {
  const docs = readdirSync(join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.md'))
    .map((f) => join('docs', f))
    .sort();
  return ['README.md', ...docs].map((path) => ({ path, text: readFileSync(join(ROOT, path), 'utf8') }));
}

export interface Block {
  page: string;
  /** the fence's info string: `sh`, `console`, `mermaid`, ... */
  lang: string;
  body: string;
  /** the HTML comment on the line before the fence (blank lines between allowed), without `<!--` and `-->` */
  marker: string | undefined;
  /** 1-based line of the opening fence */
  line: number;
}

/** The fenced code blocks of a page, in order. */
export function blocks(page: Page): Block[] {
  const lines = page.text.split('\n');
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,})(\S*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const fence = open[1]!;
    let j = i + 1;
    while (j < lines.length && lines[j]!.trim() !== fence) j++;
    let k = i - 1;
    while (k >= 0 && lines[k]!.trim() === '') k--;
    const comment = k >= 0 ? /^<!--\s*(.*?)\s*-->$/.exec(lines[k]!.trim()) : null;
    out.push({
      page: page.path,
      lang: open[2] ?? '',
      body: lines.slice(i + 1, j).join('\n'),
      marker: comment?.[1],
      line: i + 1,
    });
    i = j;
  }
  return out;
}

/** The page without its fenced blocks and inline code, where links and headings are read. */
export function prose(text: string): string {
  const lines = text.split('\n');
  const out: string[] = [];
  let fence: string | undefined;
  for (const line of lines) {
    const m = /^(`{3,})/.exec(line);
    if (m && (fence === undefined || line.trim() === fence)) {
      fence = fence === undefined ? m[1] : undefined;
      out.push('');
      continue;
    }
    out.push(fence === undefined ? line : '');
  }
  return out.join('\n');
}

/** GitHub's anchor for a heading's text (github-slugger): lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // links and images: their text
    .replace(/`/g, '')
    .replace(/<[^>]+>/g, '')
    .replace(/\*\*|\*/g, '');
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** Every anchor a page has: its headings' slugs (the second of a name gets `-1`, as on GitHub). */
export function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const line of prose(text).split('\n')) {
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = slug(m[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

export interface Link {
  page: string;
  target: string;
  line: number;
}

/** The page's links and images whose target is inside the repository (no scheme), with their line. */
export function links(page: Page): Link[] {
  const out: Link[] = [];
  prose(page.text)
    .split('\n')
    .forEach((line, i) => {
      const text = line.replace(/`[^`]*`/g, '');
      for (const m of text.matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
        const target = m[1]!;
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
        out.push({ page: page.path, target, line: i + 1 });
      }
    });
  return out;
}

export const rel = (file: string) => relative(ROOT, file);
