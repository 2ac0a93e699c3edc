// Replaying the curl lines of the README and docs/: each `curl ...   # → STATUS` line is parsed and sent, in order, to
// a local server, and must be answered with that status. test/docs/run and test/integration/readme use it.

export interface Curl {
  line: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
  expect: number;
}

/** Splits a shell command line on spaces outside single quotes (the docs only use single quotes). */
export function words(line: string): string[] {
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

export function parseCurl(line: string): Curl {
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

/** The curl lines of a block of shell commands. */
export const curlsOf = (block: string): Curl[] =>
  block
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('curl '))
    .map(parseCurl);

/** Whether a block claims answers: a curl line ending in `# → STATUS`. */
export const claimsAnswers = (block: string): boolean => /^\s*curl .*# →\s*\d{3}\s*$/m.test(block);

interface Requester {
  request(
    method: string,
    path: string,
    opts?: { headers?: Record<string, string>; body?: unknown },
  ): Promise<{ status: number }>;
}

/** Sends each curl in order; the lines answered with another status than the docs say (none, if they are true). */
export async function replay(server: Requester, commands: readonly Curl[]): Promise<string[]> {
  const results: string[] = [];
  for (const c of commands) {
    const path = c.url.replace('http://127.0.0.1:3000', '');
    const res = await server.request(c.method, path, { headers: c.headers, ...(c.body ? { body: c.body } : {}) });
    results.push(`${res.status === c.expect ? 'ok ' : 'BAD'} ${res.status} ${c.line}`);
  }
  return results.filter((r) => r.startsWith('BAD'));
}
