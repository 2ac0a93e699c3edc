// npm run bench:policy — policy files at scale: a policy of RECORDS auth records (default 1000) over 20 groups is
// validated (the median of 5 runs, through the same loader `scoutr policy validate` uses), then planned and applied
// through `scoutr` itself against DynamoDB Local (in memory), then planned again (empty), then a 10% change is
// planned and applied. Prints a table; asserts nothing. Numbers from a busy machine are noise.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { run } from '../src/cli/main';
import { authTableSpec, createTable, groupTableSpec } from '../src/dynamo/admin';
import { createClient } from '../src/dynamo/client';
import { LOCAL_CREDENTIALS, startEmulator } from '../src/local/emulator';
import { loadPolicyFile } from '../src/policy-file';
import { runMain } from './main';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const RECORDS = Number(process.env.RECORDS ?? 1000);
const GROUPS = 20;
const TYPES = ['API_KEY', 'USERNAME', 'OIDC_GROUP'] as const;

function policy(variant: number) {
  const groups = Object.fromEntries(
    Array.from({ length: GROUPS }, (_, g) => [
      `group-${g}`,
      {
        description: `group ${g}`,
        ...(g > 0 ? { groups: [`group-${g - 1}`] } : {}),
        permitted_endpoints: [
          `GET /items(/[^/]+/[^/]+)?`,
          { method: 'POST', endpoint: `/search/[^/]+` },
          `GET /item/g${g}-[^/]+`,
        ],
        read_filters: [{ field: 'status', operator: 'in', value: ['available', 'pending'] }],
      },
    ]),
  );
  const records = Object.fromEntries(
    Array.from({ length: RECORDS }, (_, i) => [
      `identity-${String(i).padStart(5, '0')}`,
      {
        type: TYPES[i % 3],
        name: i % 10 === 0 ? `Identity ${i} v${variant}` : `Identity ${i}`,
        groups: [`group-${i % GROUPS}`],
        exclude_fields: ['cost', 'supplier.contact'],
        update_fields_permitted: ['name', 'notes'],
        update_filters: [
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a Scoutr placeholder, not a JS template
          { field: 'owner', value: '${user.id}' },
          { field: 'price', operator: 'lt', value: 100 + i },
        ],
      },
    ]),
  );
  return { version: 1, groups, records };
}

const ms = (t: number) => `${t.toFixed(t < 100 ? 1 : 0)} ms`;
async function timed<T>(fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'scoutr-bench-policy-'));
  const emulator = await startEmulator({ accessKeyId: LOCAL_CREDENTIALS.accessKeyId }); // benchClient's fixed key
  const db = createClient({ endpoint: emulator.endpoint, credentials: LOCAL_CREDENTIALS });
  try {
    const file = join(dir, 'policy.yml');
    const changed = join(dir, 'policy-changed.yml');
    writeFileSync(file, stringify(policy(1)));
    writeFileSync(changed, stringify(policy(2)));
    const runs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = await timed(() => loadPolicyFile(file));
      if (!('doc' in t.value)) throw new Error('the bench policy does not validate');
      runs.push(t.ms);
    }
    runs.sort((a, b) => a - b);

    await createTable(db, authTableSpec('bench-auth'));
    await createTable(db, groupTableSpec('bench-groups'));
    const env = { AUTH_TABLE: 'bench-auth', GROUP_TABLE: 'bench-groups', DYNAMODB_ENDPOINT: emulator.endpoint };
    const scoutr = (args: string[]) =>
      timed(() =>
        run(args, { out: () => {}, err: () => {}, env, interactive: false, ask: async () => '', db }).then((code) => {
          if (code === 1) throw new Error(`scoutr ${args.join(' ')} failed`);
          return code;
        }),
      );
    const rows: [string, string, string][] = [
      [`validate ${RECORDS} records, ${GROUPS} groups (median of 5)`, ms(runs[2]!), 'valid'],
    ];
    const steps: [string, string[]][] = [
      ['plan on empty tables', ['policy', 'plan', file]],
      [`apply ${RECORDS + GROUPS} creates`, ['policy', 'apply', file, '--yes']],
      ['plan after the apply', ['policy', 'plan', file]],
      [`plan a change to ${RECORDS / 10} records`, ['policy', 'plan', changed]],
      [`apply ${RECORDS / 10} updates`, ['policy', 'apply', changed, '--yes']],
      ['plan after the second apply', ['policy', 'plan', changed]],
    ];
    for (const [name, args] of steps) {
      const t = await scoutr(args);
      rows.push([name, ms(t.ms), args[1] === 'apply' ? 'applied' : `exit ${t.value}`]);
    }
    const width = [Math.max(...rows.map((r) => r[0].length), 4), 10, 9];
    const line = (r: readonly string[]) => `| ${r.map((c, i) => c.padEnd(width[i]!)).join(' | ')} |`;
    console.log(line(['step', 'time', 'result']));
    console.log(`| ${width.map((w) => '-'.repeat(w)).join(' | ')} |`);
    for (const r of rows) console.log(line(r));
  } finally {
    db.destroy();
    await emulator.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

runMain(main);
