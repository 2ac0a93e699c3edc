import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// `npx tsx scripts/rewrite-citations.ts [--check] [--verbose]`: turns the code's citations of the contract, `SPEC.md
// §N` (with or without a "Heading"), bare `§N` in the same sense, and `README "Section"`, into the docs page and anchor
// that now holds that rule: `docs/reference/permissions.md#order-of-checks`. Idempotent: a file without such a
// citation is left as it is, so it can be run again on a branch merged later. `--check` writes nothing and exits 1
// when a citation is left; test/docs/citations.test.ts fails on any left, and on any link that does not resolve.

const ROOT = join(__dirname, '..');
const FOLDERS = ['src', 'test', 'bench', 'scripts', 'example'];
const EXTENSIONS = /\.(ts|tsx|js|mjs|cjs|yml|yaml|json)$/;
const SELF = 'scripts/rewrite-citations.ts';
const SKIP = [SELF, 'test/docs/citations.test.ts'];

const P = 'docs/reference/permissions.md';
const ID = 'docs/reference/identity.md';
const Q = 'docs/reference/query-language.md';
const E = 'docs/reference/endpoints.md';
const W = 'docs/reference/writes.md';
const A = 'docs/reference/audit.md';
const IR = 'docs/reference/item-roles.md';
const T = 'docs/reference/tables.md';

/** A rule: when the citation's own heading, or else the words around it, match, this is the target. */
type Rule = [RegExp, string];

interface Section {
  /** quoted or emphasised headings (`§3 "Roles"`, `§11 *History*`), case-insensitive */
  headings?: Record<string, string>;
  /** unquoted words right after the citation that name the rule; consumed, since the anchor says them */
  phrases?: Rule[];
  /** keywords of the comment line (and the file's path), tried in order */
  rules?: Rule[];
  fallback: string;
}

// The contract's sections (SPEC.md §1..§15) → the docs pages that hold them.
const SECTIONS: Record<number, Section> = {
  1: {
    phrases: [[/^ day-index/, `${T}#the-audit-table`]],
    rules: [
      [/_version|_acl|reserved|etag/i, `${T}#reserved-attributes`],
      [/audit|day-index|keyed them by time|time-ordered/i, `${T}#the-audit-table`],
      [/grants/i, `${T}#the-grants-table`],
    ],
    fallback: `${T}#the-data-table`,
  },
  2: {
    phrases: [[/^ `update_check_filters`/, `${P}#checking-the-new-row-update_check_filters`]],
    rules: [
      [/update_check/i, `${P}#checking-the-new-row-update_check_filters`],
      [/own type|of its own type|named like a group|apply only/i, `${P}#records-apply-only-to-their-own-type`],
      [/\$\{user|friends/i, `${P}#filter-entries`],
      [/auth_config|strict|misspelt|not name the record|misconfigured|broken/i, `${P}#mistakes-in-the-records`],
      [/exclude_fields|hidden|never sees/i, `${P}#hidden-fields`],
    ],
    fallback: `${P}#auth-records-and-groups`,
  },
  3: {
    headings: {
      roles: `${P}#roles`,
      'per request': `${P}#which-roles-count`,
      writes: `${P}#writes`,
      atomicity: `${W}#atomicity-and-optimistic-concurrency`,
      identity: `${ID}#sources-in-order-of-precedence`,
      'canonical path': `${P}#endpoint-rules-and-the-canonical-path`,
      '404 or 403': `${P}#404-or-403`,
      'order of checks': `${P}#order-of-checks`,
    },
    phrases: [
      [/^'s order of checks/, `${P}#order-of-checks`],
      [/^ order of checks/, `${P}#order-of-checks`],
      [/^ canonical path/, `${P}#endpoint-rules-and-the-canonical-path`],
      [/^ table/, `${ID}#what-each-source-gives`],
      [/^ on the local server/, `${ID}#the-local-server`],
    ],
    rules: [
      [/x-api-key|trusts oidc|on the local server/i, `${ID}#the-local-server`],
      [/username|email|api key caller/i, `${ID}#what-each-source-gives`],
      [/identity|jwt|claim|oidc|authorizer|precedence/i, `${ID}#sources-in-order-of-precedence`],
      [/if-match|etag|412/i, `${W}#versions-and-etags`],
      [/optimistic|concurren|transaction|atomic|stale|version read/i, `${W}#atomicity-and-optimistic-concurrency`],
      [/order of checks|first failure|413|414/i, `${P}#order-of-checks`],
      [/404|never 403|can see a row|cannot see|not visible|visible/i, `${P}#404-or-403`],
      [/canonical/i, `${P}#endpoint-rules-and-the-canonical-path`],
      [/exclusion|hidden|never sees|probe/i, `${P}#hidden-fields`],
      [/changed field|update|write|create|delete|own reach/i, `${P}#writes`],
      [/path/i, `${P}#endpoint-rules-and-the-canonical-path`],
    ],
    fallback: `${P}#roles`,
  },
  4: {
    headings: {
      planning: `${Q}#planning`,
      'path filters': `${Q}#path-filters`,
      names: `${Q}#names-and-nesting`,
      '_explain=true': `${Q}#explaining-a-plan`,
    },
    phrases: [
      [/^ Planning/, `${Q}#planning`],
      [/^ number rule/, `${Q}#the-number-rule`],
    ],
    rules: [
      [/every operator|the operators/i, `${Q}#operators`],
      [/plan|index|project/i, `${Q}#planning`],
      [/number/i, `${Q}#the-number-rule`],
      [/explain/i, `${Q}#explaining-a-plan`],
      [/too_complex|expression limits|4 kb/i, `${Q}#limits`],
      [/field path|segment|prototype|names|could never be filtered|#n0/i, `${Q}#names-and-nesting`],
      [/hidden|exclu|probe/i, `${P}#hidden-fields`],
    ],
    fallback: `${Q}#operators`,
  },
  5: {
    headings: {
      bodies: `${W}#bodies`,
      'unique routes': `${E}#unique-routes`,
      'audit and history visibility': `${A}#what-a-caller-with-hidden-fields-sees`,
    },
    rules: [
      [/get \/audit makes|queries|shards/i, `${A}#get-audit`],
      [/filter on|select|oracle|403/i, `${A}#no-filter-selects-on-what-you-are-not-shown`],
      [/redact|hidden|history version|audit/i, `${A}#what-a-caller-with-hidden-fields-sees`],
      [/json|sets|base64|shapes|dynamodb value/i, `${E}#json-shapes`],
      [/search/i, `${E}#search`],
      [/has-permission/i, `${E}#who-am-i-and-may-i`],
      [/unique/i, `${E}#unique-routes`],
      [/bodies|body/i, `${W}#bodies`],
      [/null|put|patch|post \/item|delete|partial/i, `${E}#single-items`],
      [/audit-view|actions\/audit/i, `${A}#what-a-caller-with-hidden-fields-sees`],
    ],
    fallback: `${E}#routes`,
  },
  6: {
    rules: [
      [/_limit|next link|every page/i, 'docs/reference/pagination.md#limit-and-next-links'],
      [/cursor/i, 'docs/reference/pagination.md#cursors'],
      [
        /6 mb|size|read_budget|budget|stops answering|not answering|timeout|dynamodb gone/i,
        'docs/reference/pagination.md#size-and-time-limits',
      ],
    ],
    fallback: 'docs/reference/pagination.md#limit-and-next-links',
  },
  7: {
    phrases: [
      [/^'s error shape/, 'docs/reference/errors.md#the-error-body'],
      [/^'s JSON error/, 'docs/reference/errors.md#the-error-body'],
      [/^'s error/, 'docs/reference/errors.md#the-error-body'],
    ],
    rules: [
      [
        /throttl|retry-after|not answering|stops answering|dynamodb gone|unavailable/i,
        'docs/reference/errors.md#throttled',
      ],
    ],
    fallback: 'docs/reference/errors.md#the-error-body',
  },
  8: {
    phrases: [
      [/^ validators/, 'docs/reference/app-config.md#validators'],
      [/^ conditions/, 'docs/reference/app-config.md#conditions'],
      [/^ deleteCondition/, 'docs/reference/app-config.md#conditions'],
    ],
    rules: [
      [/validat/i, 'docs/reference/app-config.md#validators'],
      [/condition/i, 'docs/reference/app-config.md#conditions'],
      [/custom|sell|handler/i, 'docs/reference/app-config.md#custom-actions'],
    ],
    fallback: 'docs/reference/app-config.md#the-module',
  },
  9: { fallback: `${A}#the-audit-record` },
  10: {
    rules: [[/local server|npm start|scoutr dev/i, 'docs/reference/configuration.md#the-local-server']],
    fallback: 'docs/reference/configuration.md#the-server',
  },
  11: {
    headings: { planning: `${IR}#planning-what-a-list-costs`, history: `${IR}#history` },
    phrases: [[/^ order/, `${IR}#order-of-checks`]],
    rules: [
      [/tables of|cloudformation|table specs/i, `${T}#the-grants-table`],
      [/planning|as a source of rows|what may i see|grants rows \+|list/i, `${IR}#planning-what-a-list-costs`],
      [/history/i, `${IR}#history`],
      [/lockout|unmanageable|last_owner|both reads|someone else must own|reads it/i, `${IR}#the-lockout-rule`],
      [/revoke never|could not grant/i, `${IR}#nobody-above-you`],
      [/creator/i, `${IR}#creating`],
      [/delete|90/i, `${IR}#deleting`],
      [/grants table|grants row|row of the grants|one row per user|grants_table/i, `${IR}#storage-and-atomicity`],
      [/_acl|string set|never answered|no answer/i, `${IR}#who-holds-what`],
      [/item_role/i, `${IR}#item_role-filters`],
      [/declare|roles on single items|startup/i, `${IR}#declaring-item-roles`],
      [/post \/\{item\}|get and post|body|grant request|grant/i, `${IR}#granting-and-revoking`],
    ],
    fallback: `${IR}#declaring-item-roles`,
  },
  12: {
    headings: { 'no second implementation of the rules': 'docs/reference/policy-file.md#decisions-in-code' },
    phrases: [[/^ `plan`/, 'docs/reference/policy-file.md#plan-and-apply']],
    rules: [
      [/scoutr check|check`|cli\/check/i, 'docs/reference/cli.md#scoutr-check'],
      [/plan/i, 'docs/reference/policy-file.md#plan-and-apply'],
      [/validate|mistake|file:line/i, 'docs/reference/policy-file.md#validation'],
      [/key:id|loadpolicy|decisions/i, 'docs/reference/policy-file.md#decisions-in-code'],
    ],
    fallback: 'docs/reference/policy-file.md#the-document',
  },
  13: {
    rules: [
      [/recipe|deathnut/i, 'docs/tutorials/recipes.md'],
      [/repos?\b|oso/i, 'docs/tutorials/repos.md'],
      [/article|balrog/i, 'docs/tutorials/articles.md'],
      [/pet|possum/i, 'docs/tutorials/petstore.md'],
    ],
    fallback: 'docs/tutorials/README.md#the-examples',
  },
  14: {
    rules: [
      [/scoutr dev/i, 'docs/reference/cli.md#scoutr-dev'],
      [/scoutr init|init \[dir\]/i, 'docs/reference/cli.md#scoutr-init'],
      [/scoutr\/testing/i, 'docs/reference/package.md#testing-helpers-scoutrtesting'],
      [/route table|could not deploy|cannot deploy/i, 'docs/reference/app-config.md#routes-api-gateway-can-deploy'],
      [/least privilege|iam/i, 'docs/reference/deploy.md#iam'],
      [/deploy|serverless|osls|package/i, 'docs/reference/deploy.md#what-it-adds'],
    ],
    fallback: 'docs/reference/package.md#a-users-project',
  },
  15: {
    rules: [
      [/openapi/i, `${E}#the-api-as-each-caller-sees-it`],
      [/guard|token|loopback/i, 'docs/how-to/use-the-console.md#the-guard'],
    ],
    fallback: 'docs/how-to/use-the-console.md',
  },
};

/** `README "Section"` → the page that holds what that section said. */
const README_SECTIONS: Record<string, Rule[]> = {
  Deploy: [
    [/bundle|jiti|esbuild/i, 'docs/reference/deploy.md#bundling'],
    [/cursor/i, 'docs/how-to/deploy.md#2-create-the-cursor-secret-once-per-stage'],
    [/sentry/i, 'docs/reference/deploy.md#sentry'],
    [/custom\.scoutr|settings/i, 'docs/reference/deploy.md#settings'],
    [/osls initialises|plugins/i, 'docs/reference/deploy.md#how-it-works'],
    [/./, 'docs/reference/deploy.md#what-it-adds'],
  ],
  'JWT verification': [[/./, `${ID}#verified-bearer-tokens`]],
  'Query language': [[/./, `${Q}#operators`]],
  'Permission model': [[/./, `${P}#endpoint-rules-and-the-canonical-path`]],
  Endpoints: [[/./, `${E}#search`]],
  Requirements: [[/./, 'docs/reference/package.md#requirements']],
};

/** Short citations (`docs: how-to/test`) written before the pages existed, whose pages have other names. */
const SHORT: Record<string, string> = {
  'how-to/test': 'how-to/test-your-api',
  requirements: 'reference/package#requirements',
  dependencies: 'explanation/dependencies',
};

const firstMatch = (rules: readonly Rule[] | undefined, text: string) => rules?.find(([re]) => re.test(text))?.[1];

/** Citations whose own line does not say what they cite (the sentence began a line or two before), by file and §. */
const OVERRIDES: Record<string, string> = {
  'test/security/api3-property-level-authorization.test.ts §1': `${T}#reserved-attributes`,
  'test/security/api3-property-level-authorization.test.ts §11': `${IR}#who-holds-what`,
  'test/security/api8-security-misconfiguration.test.ts §2': `${P}#mistakes-in-the-records`,
  'src/console/server.ts §15': 'docs/how-to/use-the-console.md#the-guard',
};

/**
 * The target of one section: an override for its file, its heading (if any), else the keywords of its own line (with
 * the file's path), else the section's page.
 */
function targetOf(n: number, heading: string | undefined, file: string, line: string): string {
  const s = SECTIONS[n];
  if (!s) throw new Error(`no docs page for SPEC.md §${n}`);
  const byHeading = heading === undefined ? undefined : s.headings?.[heading.toLowerCase()];
  const fromHeading = heading === undefined ? undefined : firstMatch(s.rules, heading);
  return OVERRIDES[`${file} §${n}`] ?? byHeading ?? fromHeading ?? firstMatch(s.rules, `${file} ${line}`) ?? s.fallback;
}

// `SPEC.md §3 "Roles"`, `SPEC.md §2–3`, `SPEC.md §3, §5 "Bodies", §7`, `SPEC.md §11 and §13`, a bare `(§9)`, and a
// `SPEC.md` whose `§` wrapped to the next comment line. Not `STYLE.md §2`, `issue 19 §6`, `OpenID Connect Core §5.1`.
const HEADING = String.raw`(?:\s*(?:\n\s*(?:\*|//|#)?\s*)?"([^"\n]+)"| \*([^*\n]+)\*)?`;
const ONE = String.raw`§(\d+)(?!\.\d)(?:–(\d+))?${HEADING}`;
const MORE = String.raw`(?:(?:,|,? and)(?:\s*\n\s*(?://|\*|#)?)?\s*§(\d+)(?:–(\d+))?${HEADING})*`;
const CITATION = new RegExp(
  String.raw`(?:SPEC\.md(?:\s*\n\s*(?://|\*|#))?\s*|(?<!(?:STYLE\.md|issue \d+|Core|SPEC\.md) ))${ONE}${MORE}|\bSPEC (\d+)\b`,
  'g',
);
const PART = new RegExp(ONE, 'g');

interface Rewrite {
  file: string;
  line: number;
  from: string;
  to: string;
}

const lineOf = (text: string, offset: number) => text.slice(0, offset).split('\n').length;
/** The line holding `offset`. */
function lineAt(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  const end = text.indexOf('\n', offset);
  return text.slice(start, end < 0 ? undefined : end);
}

/**
 * One citation → its docs links, in place of each section (the separators and line breaks between them kept, a
 * repeated link dropped), and how many characters after it (a phrase its anchor now says) it consumes.
 */
function citationText(file: string, match: string, text: string, offset: number): { to: string; consumed: number } {
  const line = lineAt(text, offset);
  const after = text.slice(offset + match.length);
  const legacy = /^SPEC (\d+)$/.exec(match);
  if (legacy) return { to: targetOf(Number(legacy[1]), undefined, file, line), consumed: 0 };
  const parts = [...match.matchAll(PART)];
  // `SPEC.md` with its `§` on the next comment line: keep that line break.
  let out = /\n/.test(match.slice(0, parts[0]!.index)) ? match.slice(match.indexOf('\n'), parts[0]!.index) : '';
  let consumed = 0;
  const done = new Set<string>();
  let end = parts[0]!.index;
  parts.forEach((m, i) => {
    const separator = i === 0 ? '' : match.slice(end, m.index);
    end = m.index + m[0].length;
    const n = Number(m[1]);
    const to = m[2] === undefined ? undefined : Number(m[2]);
    const heading = m[3] ?? m[4];
    // Unquoted words right after the last section that name its rule (`§4 number rule`, `§3's order of checks`).
    const last = i === parts.length - 1;
    const phrase = last && heading === undefined ? SECTIONS[n]?.phrases?.find(([re]) => re.test(after)) : undefined;
    if (phrase) consumed = phrase[0].exec(after)?.[0].length ?? 0;
    const numbers = to === undefined ? [n] : Array.from({ length: to - n + 1 }, (_, k) => n + k);
    const targets = numbers.map((k) => phrase?.[1] ?? targetOf(k, heading, file, line)).filter((t) => !done.has(t));
    if (targets.length === 0 && !separator.includes('\n')) return;
    for (const t of targets) done.add(t);
    out += separator + (targets.length > 0 ? targets.join(', ') : [...done].at(-1));
  });
  return { to: out, consumed };
}

/** Rewrites one file's text; returns the new text and what changed. */
export function rewrite(file: string, text: string): { text: string; rewrites: Rewrite[] } {
  const rewrites: Rewrite[] = [];
  let out = '';
  let at = 0;
  for (const m of text.matchAll(CITATION)) {
    const offset = m.index;
    if (offset < at) continue;
    const { to, consumed } = citationText(file, m[0], text, offset);
    const end = offset + m[0].length + consumed;
    rewrites.push({ file, line: lineOf(text, offset), from: text.slice(offset, end), to });
    out += text.slice(at, offset) + to;
    at = end;
  }
  out += text.slice(at);
  // README "Section" → its docs page.
  out = out.replace(/README "([^"]+)"/g, (match, section: string, offset: number, whole: string) => {
    const rules = README_SECTIONS[section];
    if (!rules) return match;
    const to = firstMatch(rules, `${file} ${lineAt(whole, offset)}`)!;
    rewrites.push({ file, line: lineOf(whole, offset), from: match, to });
    return to;
  });
  out = out.replace(/\bdocs: ([a-z][\w/-]*)\b(?!#|\/)/g, (match, path: string, offset: number, whole: string) => {
    const to = SHORT[path];
    if (!to) return match;
    rewrites.push({ file, line: lineOf(whole, offset), from: match, to: `docs: ${to}` });
    return `docs: ${to}`;
  });
  return { text: out, rewrites };
}

function files(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((f) => !f.includes('node_modules') && EXTENSIONS.test(f) && statSync(join(ROOT, f)).isFile())
    .filter((f) => !SKIP.includes(f));
}

function main(argv: readonly string[]): number {
  const check = argv.includes('--check');
  const verbose = argv.includes('--verbose');
  const all: Rewrite[] = [];
  const changed: string[] = [];
  for (const file of FOLDERS.flatMap(files)) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const { text: next, rewrites } = rewrite(file, text);
    if (rewrites.length === 0) continue;
    all.push(...rewrites);
    changed.push(file);
    if (!check) writeFileSync(join(ROOT, file), next);
  }
  if (verbose) for (const r of all) console.log(`${r.file}:${r.line}: ${r.from.replace(/\s+/g, ' ')} → ${r.to}`);
  const readme = all.filter((r) => r.from.startsWith('README')).length;
  const short = all.filter((r) => r.from.startsWith('docs:')).length;
  console.log(
    `${check ? 'would rewrite' : 'rewrote'} ${all.length - readme - short} SPEC.md citations, ${readme} README ` +
      `citations and ${short} short docs citations in ${changed.length} files`,
  );
  if (!check && all.some((r) => /SPEC/.test(r.from)) && FOLDERS.includes('src')) {
    console.log('Then: `npm run openapi` (openapi.ts describes its query parameters with a docs link), and');
    console.log('`npx biome check --write` on the changed files (a longer string may need a new line).');
  }
  return check && all.length > 0 ? 1 : 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
