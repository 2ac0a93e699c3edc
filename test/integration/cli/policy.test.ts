import { spawnSync } from 'node:child_process';
import { GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { authTableSpec, createTable, dropTables, groupTableSpec } from '../../../src/dynamo/admin';
import { buildPackage } from '../../support/build';
import { localDb, uniqueName } from '../../support/db';
import { cli, policyFile } from './support';

const db = localDb();
const prefix = uniqueName('cli');
const tables = { auth: `${prefix}-auth`, groups: `${prefix}-groups` };
const env = { AUTH_TABLE: tables.auth, GROUP_TABLE: tables.groups, DYNAMODB_ENDPOINT: process.env.DYNAMODB_ENDPOINT };
const scoutr = cli(db, env);

beforeAll(async () => {
  await createTable(db, authTableSpec(tables.auth));
  await createTable(db, groupTableSpec(tables.groups));
});
afterAll(async () => {
  await dropTables(db, Object.values(tables));
  db.destroy();
});

const POLICY = `version: 1
groups:
  catalog-read:
    description: browse and search
    permitted_endpoints: ["GET /items(/[^/]+/[^/]+)?", {method: POST, endpoint: "/search/[^/]+"}]
  staff: {groups: [catalog-read], permitted_endpoints: ["POST /item"]}
records:
  public-key: {type: API_KEY, name: Website, groups: [catalog-read], exclude_fields: [cost]}
  alice: {type: USERNAME, groups: [staff], read_filters: [{field: price, operator: lt, value: 100}]}
`;

async function record(id: string) {
  const out = await db.send(
    new GetItemCommand({ TableName: tables.auth, Key: { id: { S: id } }, ConsistentRead: true }),
  );
  return out.Item;
}

describe('scoutr policy plan and apply', () => {
  const file = policyFile(POLICY);

  it('plans every record as a create on empty tables (exit 2), applies them, then plans nothing (exit 0)', async () => {
    // Prepare / Act
    const plan = await scoutr(['policy', 'plan', file]);
    const apply = await scoutr(['policy', 'apply', file, '--yes']);
    const again = await scoutr(['policy', 'plan', file]);
    // Assess
    expect(plan).toMatchObject({ code: 2, err: '' });
    expect(plan.out).toBe(
      '+ group catalog-read\n+ group staff\n+ record alice\n+ record public-key\n' +
        'Plan: 4 to create, 0 to update, 0 to delete.\n',
    );
    expect(apply.code).toBe(0);
    expect(apply.out).toContain('Applied 4 changes.');
    expect(again).toEqual({ code: 0, out: 'No changes: the tables match the policy.\n', err: '' });
    expect(await record('alice')).toEqual({
      id: { S: 'alice' },
      type: { S: 'USERNAME' },
      groups: { L: [{ S: 'staff' }] },
      read_filters: { L: [{ M: { field: { S: 'price' }, operator: { S: 'lt' }, value: { N: '100' } } }] },
    });
  });

  it('shows an update with its changed fields, old → new, and applies only those', async () => {
    const changed = policyFile(
      POLICY.replace('groups: [staff], read_filters', 'groups: [staff, catalog-read], read_filters'),
    );
    const plan = await scoutr(['policy', 'plan', changed]);
    expect(plan.code).toBe(2);
    expect(plan.out).toBe(
      '~ record alice\n    groups: ["staff"] → ["staff","catalog-read"]\nPlan: 0 to create, 1 to update, 0 to delete.\n',
    );
    expect((await scoutr(['policy', 'apply', changed, '--yes'])).code).toBe(0);
    expect((await scoutr(['policy', 'plan', changed])).code).toBe(0);
    expect((await scoutr(['policy', 'apply', file, '--yes'])).code).toBe(0); // back to the original
  });

  it('prints the plan as JSON with --json', async () => {
    const changed = policyFile(POLICY.replace('name: Website', 'name: Shop'));
    const plan = await scoutr(['policy', 'plan', changed, '--json']);
    expect(plan.code).toBe(2);
    expect(JSON.parse(plan.out)).toEqual({
      changes: [
        { action: 'update', kind: 'record', id: 'public-key', fields: { name: { before: 'Website', after: 'Shop' } } },
      ],
      undeclared: [],
      summary: { create: 0, update: 1, delete: 0 },
    });
  });

  it('deletes records the file does not declare only with --prune', async () => {
    await db.send(new PutItemCommand({ TableName: tables.auth, Item: { id: { S: 'stray' }, type: { S: 'API_KEY' } } }));
    const kept = await scoutr(['policy', 'plan', file]);
    expect(kept.code).toBe(0);
    expect(kept.out).toContain('1 in the tables but not in the file, kept (--prune deletes them): record stray');
    expect((await scoutr(['policy', 'apply', file, '--yes'])).code).toBe(0);
    expect(await record('stray')).toBeDefined();

    const pruned = await scoutr(['policy', 'plan', file, '--prune']);
    expect(pruned.code).toBe(2);
    expect(pruned.out).toBe('- record stray\nPlan: 0 to create, 0 to update, 1 to delete.\n');
    expect((await scoutr(['policy', 'apply', file, '--prune', '--yes'])).code).toBe(0);
    expect(await record('stray')).toBeUndefined();
    expect((await scoutr(['policy', 'plan', file, '--prune'])).code).toBe(0);
  });

  it('stops an apply raced by a concurrent change, names the record, and overwrites nothing', async () => {
    // Prepare: the plan changes public-key's name and adds a record; someone edits public-key while we are asked.
    const changed = policyFile(`${POLICY.replace('name: Website', 'name: Shop')}  bob: {type: USERNAME}\n`);
    const ask = async () => {
      await db.send(
        new UpdateItemCommand({
          TableName: tables.auth,
          Key: { id: { S: 'public-key' } },
          UpdateExpression: 'SET #n = :v',
          ExpressionAttributeNames: { '#n': 'name' },
          ExpressionAttributeValues: { ':v': { S: 'Edited in the console' } },
        }),
      );
      return 'yes';
    };
    // Act
    const apply = await scoutr(['policy', 'apply', changed], { ask });
    // Assess
    expect(apply.code).toBe(1);
    expect(apply.err).toBe(
      'scoutr: record public-key changed since the plan; stopped without writing it. ' +
        '0 of 2 changes were applied before it; run plan again.\n',
    );
    expect((await record('public-key'))?.name).toEqual({ S: 'Edited in the console' });
    expect(await record('bob')).toBeUndefined(); // its transaction wrote nothing
  });

  it('refuses to apply without --yes when there is no terminal to ask', async () => {
    const changed = policyFile(POLICY.replace('name: Website', 'name: Other'));
    const apply = await scoutr(['policy', 'apply', changed]);
    expect(apply.code).toBe(1);
    expect(apply.err).toBe('scoutr: no terminal to confirm the apply: pass --yes\n');
    expect(await scoutr(['policy', 'apply', changed], { ask: async () => 'no' })).toMatchObject({
      code: 1,
      err: 'scoutr: apply cancelled; nothing was written\n',
    });
  });

  it('reports progress past 100 records', async () => {
    const many = Array.from({ length: 150 }, (_, i) => `  key-${i}: {type: API_KEY, groups: [catalog-read]}`);
    const big = policyFile(`${POLICY}${many.join('\n')}\n`);
    await scoutr(['policy', 'apply', file, '--prune', '--yes']);
    const apply = await scoutr(['policy', 'apply', big, '--yes']);
    expect(apply.code).toBe(0);
    expect(apply.err).toBe('applied 100/150\napplied 150/150\n');
    expect((await scoutr(['policy', 'plan', big])).code).toBe(0);
    expect((await scoutr(['policy', 'apply', file, '--prune', '--yes'])).out).toContain('Applied 150 changes.');
  });
});

describe('scoutr policy export', () => {
  it.each(['yaml', 'json', 'ts'])('exports the tables as %s, and plan on the export is empty', async (format) => {
    // A record as others write them: numbers, object-form endpoints, a field the file above never used.
    await db.send(
      new PutItemCommand({
        TableName: tables.auth,
        Item: {
          id: { S: 'console-made' },
          type: { S: 'API_KEY' },
          explain: { BOOL: true },
          permitted_endpoints: { L: [{ M: { method: { S: 'get' }, endpoint: { S: ' /odd' } } }] },
          read_filters: {
            L: [
              { M: { field: { S: 'price' }, operator: { S: 'between' }, value: { L: [{ N: '1.5' }, { N: '10' }] } } },
            ],
          },
        },
      }),
    );
    const exported = await scoutr(['policy', 'export', '--format', format]);
    expect(exported.code).toBe(0);
    const file = policyFile(exported.out, format === 'yaml' ? 'yml' : format);
    expect((await scoutr(['policy', 'validate', file])).code).toBe(0);
    expect(await scoutr(['policy', 'plan', file, '--prune'])).toEqual({
      code: 0,
      out: 'No changes: the tables match the policy.\n',
      err: '',
    });
  });
});

describe('scoutr errors', () => {
  it('names a missing variable, without a stack', async () => {
    const got = await cli(db, { GROUP_TABLE: 'g' })(['policy', 'export']);
    expect(got).toEqual({ code: 1, out: '', err: 'scoutr: Invalid configuration:\n  AUTH_TABLE: required\n' });
  });

  it("answers DynamoDB's own error for a missing table in one line", async () => {
    const got = await cli(db, { ...env, AUTH_TABLE: `${prefix}-missing` })(['policy', 'export']);
    expect(got.code).toBe(1);
    expect(got.err).toMatch(/^scoutr: ResourceNotFoundException: .+\n$/);
  });

  it('prints validation errors located, exit 1, and a summary on success', async () => {
    const bad = policyFile('version: 1\nrecords:\n  k: {type: API_KEY, groups: [nope]}\n');
    expect(await scoutr(['policy', 'validate', bad])).toEqual({
      code: 1,
      out: '',
      err: `${bad}:3:31: records.k.groups[0]: unknown group_id 'nope'\n1 error\n`,
    });
    const good = policyFile(POLICY);
    expect(await scoutr(['policy', 'validate', good])).toEqual({
      code: 0,
      out: `${good}: valid (2 records, 2 groups)\n`,
      err: '',
    });
    const json = await scoutr(['policy', 'validate', bad, '--json']);
    expect(JSON.parse(json.out)).toMatchObject({
      valid: false,
      issues: [{ line: 3, col: 31, path: 'records.k.groups[0]' }],
    });
  });

  it('runs as the package bin: --help on every command, exit codes, no stack traces', async () => {
    await buildPackage(); // the bin runs the built command line, as an installed package does
    const bin = (args: string[]) =>
      spawnSync(process.execPath, ['bin/scoutr.js', ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
    for (const args of [
      [],
      ['policy'],
      ['policy', 'validate'],
      ['policy', 'plan'],
      ['policy', 'apply'],
      ['policy', 'export'],
      ['policy', 'schema'],
      ['check'],
    ]) {
      const help = bin([...args, '--help']);
      expect({ args, status: help.status }).toEqual({ args, status: 0 });
      expect(help.stdout).toContain('Usage: scoutr');
    }
    const bad = bin(['policy', 'validate', policyFile('version: 1\nrecords: {k: {type: NOPE}}\n')]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/:2:21: records\.k\.type: must be one of API_KEY/);
    const missing = bin(['policy', 'plan', '/nonexistent/policy.yml']);
    expect(missing).toMatchObject({ status: 1, stderr: 'scoutr: /nonexistent/policy.yml: no such file\n' });
    const schema = JSON.parse(bin(['policy', 'schema']).stdout);
    expect(schema.properties.records.additionalProperties.properties.exclude_fields).toEqual({
      type: 'array',
      items: { type: 'string', minLength: 1 },
    });
  });
});

describe('--json on every command that prints results', () => {
  // The leaf commands of `scoutr`, as --help lists them: a new one must take --json too, or be added here with why.
  const commands = [
    ['policy', 'validate'],
    ['policy', 'plan'],
    ['policy', 'apply'],
    ['policy', 'export'],
    ['policy', 'schema'],
    ['check'],
  ];

  it('lists --json in the help of every command', async () => {
    const top = await scoutr(['--help']);
    const policy = await scoutr(['policy', '--help']);
    const listed = (help: string) => [...help.matchAll(/^ {2}(\w+) /gm)].map((m) => m[1]).filter((c) => c !== 'help');
    expect([
      ...listed(policy.out).map((c) => ['policy', c]),
      ...listed(top.out)
        .filter((c) => c !== 'policy')
        .map((c) => [c]),
    ]).toEqual(expect.arrayContaining(commands));
    for (const args of commands) {
      const help = await scoutr([...args, '--help']);
      expect({ args, json: help.out.includes('--json') }).toEqual({ args, json: true });
    }
  });

  it('prints JSON from each of them', async () => {
    const file = policyFile(POLICY);
    const parsed = async (args: string[]) => {
      const res = await scoutr([...args, '--json']);
      expect({ args, err: res.err }).toEqual({ args, err: '' });
      return JSON.parse(res.out) as Record<string, unknown>;
    };
    expect(await parsed(['policy', 'validate', file])).toMatchObject({ valid: true, records: 2, groups: 2 });
    expect(await parsed(['policy', 'plan', file])).toHaveProperty('summary');
    expect(await parsed(['policy', 'apply', file, '--yes'])).toHaveProperty('applied');
    expect(await parsed(['policy', 'export'])).toMatchObject({ version: 1, records: { alice: { type: 'USERNAME' } } });
    const schema = await parsed(['policy', 'schema']);
    // update_check_filters (docs/reference/permissions.md#checking-the-new-row-update_check_filters) is a field of records and groups, as editors see them
    for (const kind of ['records', 'groups']) {
      expect(schema).toHaveProperty(
        ['properties', kind, 'additionalProperties', 'properties', 'update_check_filters', 'type'],
        'array',
      );
    }
    expect(await parsed(['check', '--as', 'user:alice', 'POST', '/item'])).toMatchObject({ allowed: true });
  });

  it('refuses --json with another --format, and takes it with --format json', async () => {
    expect(await scoutr(['policy', 'export', '--json', '--format', 'yaml'])).toEqual({
      code: 1,
      out: '',
      err: 'scoutr: --json and --format yaml: give one or the other\n',
    });
    const both = await scoutr(['policy', 'export', '--json', '--format', 'json']);
    expect(both.code).toBe(0);
    expect(JSON.parse(both.out)).toHaveProperty('version', 1);
  });
});
