// The fuzz suites' shared pieces (issue 13.1): `fuzz` runs one fast-check property and keeps its tally (cases run,
// a status histogram, the shrunk counterexample of a failure), printed after the file's tests when FUZZ_TALLY=1 or
// FUZZ_RUNS is set (`npm run fuzz`); `expectSpecError` is docs/reference/errors.md#the-error-body; `expectNoLeak` looks for hidden
// field names and values anywhere in an answer, its headers and its cursor.
import fc from 'fast-check';
import { ERROR_CODES } from '../../../src/core/errors';

const BOUNDED_SEED = 20261206;

/** Runs per property: FUZZ_RUNS (`npm run fuzz`), else a bounded run that keeps `npm test` fast. */
export const runs = (weight = 1) => Math.max(1, Math.round(Number(process.env.FUZZ_RUNS ?? 60) * weight));
export const FUZZ_TIMEOUT = process.env.FUZZ_RUNS ? 1_800_000 : 120_000;

interface Tally {
  name: string;
  seed: number;
  cases: number;
  statuses: Map<string, number>;
  shrinks: number;
  failure?: string;
}
const tallies: Tally[] = [];

/**
 * One property over `arb`. `run` sends the case and returns the status it got, then asserts (throwing on a
 * violation). Replay a failure with FUZZ_SEED=<seed> (and the reported path, through fc.assert's `path`).
 */
export async function fuzz<T>(name: string, arb: fc.Arbitrary<T>, numRuns: number, run: (value: T) => Promise<number>) {
  // The bounded run in `npm test` has a fixed seed, so CI is repeatable; `npm run fuzz` (FUZZ_RUNS) explores anew.
  const seed = process.env.FUZZ_SEED
    ? Number(process.env.FUZZ_SEED)
    : process.env.FUZZ_RUNS
      ? Math.floor(Math.random() * 0x7fffffff)
      : BOUNDED_SEED;
  const tally: Tally = { name, seed, cases: 0, statuses: new Map(), shrinks: 0 };
  tallies.push(tally);
  let failed = false;
  const property = fc.asyncProperty(arb, async (value) => {
    let status = 'threw';
    try {
      status = String(await run(value));
    } catch (err) {
      failed = true;
      throw err;
    } finally {
      if (failed) tally.shrinks++;
      else {
        tally.cases++;
        tally.statuses.set(status, (tally.statuses.get(status) ?? 0) + 1);
      }
    }
  });
  const details = await fc.check(property, { numRuns, seed });
  if (details.failed) {
    const cause =
      details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    const report = `${fc.defaultReportMessage(details) ?? 'property failed'}\n${cause}`;
    tally.failure = `counterexample: ${fc.stringify(details.counterexample)}\n${report}`;
    throw new Error(report);
  }
}

function formatTallies(): string {
  const lines = tallies.map((t) => {
    const histogram = [...t.statuses]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([s, n]) => `${s}: ${n}`)
      .join(', ');
    const head = `  ${t.name}\n    cases ${t.cases} (seed ${t.seed}) | ${histogram}`;
    return t.failure
      ? `${head}\n    FAILED after ${t.shrinks} shrink runs\n    ${t.failure.replace(/\n/g, '\n    ')}`
      : head;
  });
  const total = tallies.reduce((n, t) => n + t.cases, 0);
  const failures = tallies.filter((t) => t.failure).length;
  return `fuzz tally (${total} cases, ${failures} failures)\n${lines.join('\n')}\n`;
}

afterAll(() => {
  if (process.env.FUZZ_TALLY === '1' || process.env.FUZZ_RUNS) process.stdout.write(`\n${formatTallies()}`);
});

/** The status each code of docs/reference/errors.md#the-error-body may come with. */
const STATUS_OF: Record<string, readonly number[]> = {
  UNAUTHENTICATED: [401],
  FORBIDDEN: [403],
  NOT_FOUND: [404],
  AUDIT_DISABLED: [404],
  CONFLICT: [409],
  LAST_OWNER: [409],
  PRECONDITION_FAILED: [412],
  PAYLOAD_TOO_LARGE: [413],
  URI_TOO_LONG: [414],
  THROTTLED: [429, 503],
  AUTH_CONFIG: [500],
  INTERNAL: [500],
};

export interface Answer {
  status: number;
  headers: Headers | Record<string, string | string[] | undefined>;
  body: unknown;
  text: string;
}

const headerText = (headers: Answer['headers']): string =>
  headers instanceof Headers
    ? [...headers].map(([k, v]) => `${k}: ${v}`).join('\n')
    : Object.entries(headers)
        .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : (v ?? '')}`)
        .join('\n');

/** docs/reference/errors.md#the-error-body: `{"error", "code", "details"?}`, a known code that goes with the status, nothing internal. */
export function expectSpecError(res: Answer): void {
  const body = res.body as Record<string, unknown>;
  expect(body !== null && typeof body === 'object' && !Array.isArray(body)).toBe(true);
  expect(Object.keys(body).filter((k) => !['error', 'code', 'details'].includes(k))).toEqual([]);
  expect(typeof body.error).toBe('string');
  expect(ERROR_CODES).toContain(body.code);
  expect(STATUS_OF[body.code as string] ?? [400]).toContain(res.status);
  if (body.details !== undefined) expect(typeof body.details === 'object' && !Array.isArray(body.details)).toBe(true);
  expect(res.text).not.toMatch(/at \w+ \(|node_modules|Exception|ExpressionAttribute|TableName|it-\d+-/);
}

/** Checks a status < 500, and the error shape of a 4xx (a HEAD answer has no body to check). */
export function expectAnswered(res: Answer, method = 'GET'): void {
  expect(res.status).toBeLessThan(500);
  if (res.status >= 400 && method !== 'HEAD') expectSpecError(res);
}

export interface Hidden {
  /** field paths (`supplier.contact`): no object in the answer holds them */
  paths: readonly string[];
  /** stored values of hidden fields: never in the answer's text or headers */
  values: readonly string[];
}

/** Whether `path` (a.b.c) is present in any object of the JSON tree. */
function holdsPath(node: unknown, path: readonly string[]): boolean {
  if (node === null || typeof node !== 'object') return false;
  if (Array.isArray(node)) return node.some((n) => holdsPath(n, path));
  const obj = node as Record<string, unknown>;
  let at: unknown = obj;
  let found = true;
  for (const seg of path) {
    if (at === null || typeof at !== 'object' || Array.isArray(at) || !Object.hasOwn(at, seg)) {
      found = false;
      break;
    }
    at = (at as Record<string, unknown>)[seg];
  }
  return found || Object.values(obj).some((v) => holdsPath(v, path));
}

/**
 * No hidden field's name (as a key of any object, or quoted in the text or a header) or stored value (in the text
 * or a header, the cursor included, read as opaque text) is in the answer, unless the request itself carried it.
 */
export function expectNoLeak(res: Answer, hidden: Hidden, request: string): void {
  const headers = headerText(res.headers);
  // A cursor is base64url: a hidden value (with its '@' or '.') cannot hide in it by chance; a name like `cost` can.
  const named = headers.replace(/_cursor=[\w-]+/g, '').replace(/^x-next-cursor: .*$/m, '');
  for (const path of hidden.paths) {
    expect({ path, leaked: holdsPath(res.body, path.split('.')) }).toEqual({ path, leaked: false });
    const last = path.split('.').at(-1)!;
    if (!request.includes(last)) {
      expect(res.text).not.toContain(`"${last}"`);
      expect(named).not.toContain(last);
    }
  }
  for (const v of hidden.values) {
    if (request.includes(v)) continue;
    expect(res.text).not.toContain(v);
    expect(headers).not.toContain(v);
  }
}
