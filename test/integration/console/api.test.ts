import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { exampleFiles } from '../../../scripts/examples';
import { startConsole } from '../../../src/console/server';
import { consoleForTests, consoleGet, headersOf } from '../../support/console';
import { cli, cliOn } from '../cli/support';

// Each view's answer against the API's own: the console decides through the server's functions, so what it shows
// for an identity is what that identity gets from the local server (docs/how-to/use-the-console.md). The pet store here; repos for
// item roles and "who can read".

type Row = { key: string; item: Record<string, unknown>; change: boolean; delete: boolean; itemRoles: string[] };
type SeeAs = {
  status: number;
  code?: string;
  rows: Row[];
  plan?: unknown;
  hidden?: string[];
  reads: { items_read: number };
};
type WhoRow = {
  identity: string;
  read: boolean;
  change: boolean;
  delete: boolean;
  fields: string[];
  itemRoles: string[];
};

const IDENTITIES = [
  'key:public-key',
  'key:inventory-key',
  'key:admin-key',
  'key:nobody',
  'user:alice',
  'user:owen',
  'user:vera:vets',
  'user:audrey',
  'anonymous',
];
const byKey = (rows: { id?: unknown }[]) => [...rows].sort((a, b) => String(a.id).localeCompare(String(b.id)));

describe('the pet store', () => {
  const { h, c } = consoleForTests('petstore');
  const scoutr = () => cliOn(h);

  it.each(IDENTITIES)('see as %s: the rows and fields GET /items answers it', async (identity) => {
    const view = await consoleGet<SeeAs>(c, `/api/see-as?as=${encodeURIComponent(identity)}`);
    const res = await h.request('GET', '/items', { headers: headersOf(identity) });
    expect(view.status).toBe(res.status);
    if (res.status !== 200) {
      expect(view.code).toBe((res.body as { code: string }).code);
      return;
    }
    expect(byKey(view.rows.map((r) => r.item))).toEqual(byKey(res.body as { id: string }[]));
  });

  it.each([
    ['key:admin-key', 'type=dog&price__lt=480'],
    ['user:owen', 'type=dog'],
    ['key:public-key', 'status=sold'],
    ['key:public-key', 'cost__gt=1'],
    ['key:admin-key', 'price__between=x'],
  ])('see as %s with the filter %s: what the server answers', async (identity, q) => {
    const view = await consoleGet<SeeAs>(
      c,
      `/api/see-as?as=${encodeURIComponent(identity)}&q=${encodeURIComponent(q)}`,
    );
    const res = await h.request('GET', `/items?${q}`, { headers: headersOf(identity) });
    expect({ status: view.status, code: view.code }).toEqual({
      status: res.status,
      code: res.status === 200 ? undefined : (res.body as { code: string }).code,
    });
    if (res.status === 200) expect(byKey(view.rows.map((r) => r.item))).toEqual(byKey(res.body as { id: string }[]));
  });

  it("shows the plan the server's _explain shows", async () => {
    for (const q of ['status=available', 'type=dog&price__lt=480', 'id=p-1', 'name=Rex']) {
      const view = await consoleGet<SeeAs>(c, `/api/see-as?as=key:admin-key&q=${encodeURIComponent(q)}`);
      const res = await h.request('GET', `/items?${q}&_explain=true`, { headers: headersOf('key:admin-key') });
      expect({ q, plan: view.plan }).toEqual({ q, plan: (res.body as { plan: unknown }).plan });
    }
  });

  it('marks the rows owen may change, as PATCH answers him', async () => {
    const view = await consoleGet<SeeAs>(c, '/api/see-as?as=user:owen');
    for (const row of view.rows) {
      const res = await h.request('PATCH', `/item/${row.key}`, {
        headers: headersOf('user:owen'),
        body: { name: row.item.name },
      });
      expect({ key: row.key, change: row.change }).toEqual({ key: row.key, change: res.status === 200 });
    }
    expect(view.hidden).toEqual(['cost', 'supplier']);
  });

  it.each([
    ['key:public-key', 'GET', '/items', 'p-3'],
    ['user:vera:vets', 'PATCH', '/item/p-1', 'p-1'],
    ['user:vera:vets', 'PATCH', '/item/p-3', 'p-3'],
    ['user:alice', 'DELETE', '/item/p-1', undefined],
    ['key:nobody', 'GET', '/items', undefined],
    ['user:owen', 'GET', '/item/p-5', 'p-5'],
  ])('why %s %s %s (item %s): what scoutr check --json prints', async (identity, method, path, item) => {
    const q = new URLSearchParams({ as: identity, method, path, ...(item ? { item } : {}) });
    const view = await consoleGet<Record<string, unknown>>(c, `/api/why?${q}`);
    const check = await scoutr()([
      'check',
      '--as',
      identity,
      method,
      path,
      ...(item ? ['--item', item] : []),
      '--json',
    ]);
    const printed = JSON.parse(check.out) as Record<string, unknown>;
    const { identity: _, ...rest } = printed;
    expect(view).toMatchObject(rest);
  });

  it('who can read p-5: each identity as the server answers it, with the fields it sees', async () => {
    const view = await consoleGet<{ rows: WhoRow[] }>(c, '/api/who?item=p-5');
    expect(view.rows.map((r) => r.identity)).toEqual([
      'key:admin-key',
      'user:alice',
      'user:audrey',
      'key:inventory-key',
      'user:owen',
      'key:public-key',
      'user:(member of vets):vets',
    ]);
    for (const row of view.rows) {
      const res = await h.request('GET', '/item/p-5', { headers: headersOf(row.identity) });
      expect({ who: row.identity, read: row.read }).toEqual({ who: row.identity, read: res.status === 200 });
      if (res.status === 200) expect(row.fields).toEqual(Object.keys(res.body as object).sort());
      const del = await scoutr()(['check', '--as', row.identity, 'DELETE', '/item/p-5', '--item', 'p-5', '--json']);
      expect({ who: row.identity, delete: row.delete }).toEqual({
        who: row.identity,
        delete: (JSON.parse(del.out) as { item?: { changeable?: boolean } }).item?.changeable === true,
      });
    }
  });

  it('policy: the validation and the plan scoutr policy validate and plan print', async () => {
    const view = await consoleGet<{ valid: boolean; plan: unknown }>(c, '/api/policy');
    const plan = await scoutr()(['policy', 'plan', exampleFiles('petstore').policy!, '--json']);
    expect(view.valid).toBe(true);
    expect(view.plan).toEqual(JSON.parse(plan.out));
  });

  it('history of an item: the versions GET /history answers, with what changed', async () => {
    for (const body of [{ status: 'pending' }, { price: 130, notes: 'vaccinated' }]) {
      expect((await h.request('PATCH', '/item/p-2', { headers: headersOf('key:inventory-key'), body })).status).toBe(
        200,
      );
    }
    const view = await consoleGet<{ versions: { item: object; diff: { field: string }[]; first?: true }[] }>(
      c,
      '/api/history?item=p-2',
    );
    const res = await h.request('GET', '/history/p-2', { headers: headersOf('user:audrey') });
    expect(view.versions.map(({ diff, first, ...v }) => v)).toEqual(res.body);
    // The newest against the one before it; the oldest recorded (the seed wrote none) shows every field it holds.
    expect(view.versions.map((v) => v.diff.map((d) => d.field))).toEqual([
      ['notes', 'price'],
      Object.keys(view.versions[1]!.item).sort(),
    ]);
    expect(view.versions.map((v) => v.first ?? false)).toEqual([false, true]);
  });

  it('audit: the records GET /audit answers for the same filter', async () => {
    const view = await consoleGet<{ records: { id: string }[] }>(c, '/api/audit?action=UPDATE');
    const res = await h.request(
      'GET',
      `/audit?action=UPDATE&time__gte=${new Date(Date.now() - 86_400_000).toISOString()}`,
      {
        headers: headersOf('user:audrey'),
      },
    );
    expect(view.records.length).toBeGreaterThan(0);
    expect(view.records.map((r) => r.id)).toEqual((res.body as { id: string }[]).map((r) => r.id));
  });

  it.each(['key:public-key', 'user:owen', 'key:admin-key'])(
    'openapi for %s: the document GET /openapi.json answers it',
    async (identity) => {
      const view = await consoleGet(c, `/api/openapi?as=${encodeURIComponent(identity)}`);
      expect(view).toEqual((await h.request('GET', '/openapi.json', { headers: headersOf(identity) })).body);
    },
  );
});

describe('the policy view on a file with changes and mistakes', () => {
  const { h } = consoleForTests('petstore');
  const dir = mkdtempSync(join(tmpdir(), 'scoutr-console-'));

  it.each([
    [
      'changes',
      (t: string) => t.replace('      - hide-cost\n  audrey:', '  audrey:').concat('  bob:\n    type: USERNAME\n'),
    ],
    [
      'mistakes',
      (t: string) =>
        t
          .replace('exclude_fields:\n      - cost', 'exclude_field:\n      - cost')
          .replace('GET /audit(/[^/]+)?', 'GET /audit(?P<x>)'),
    ],
  ])('shows its %s as scoutr policy validate and plan do', async (_, edit) => {
    const file = join(dir, `policy-${_}.yml`);
    writeFileSync(file, edit(readFileSync(exampleFiles('petstore').policy!, 'utf8')));
    const own = await startConsole({ app: h.runtime.deps.app, config: h.config, db: h.db, policyFile: file });
    try {
      const view = await consoleGet<{ valid: boolean; issues: unknown[]; plan: unknown }>(own, '/api/policy');
      const env = {
        AUTH_TABLE: h.tables.auth,
        GROUP_TABLE: h.tables.groups,
        DYNAMODB_ENDPOINT: process.env.DYNAMODB_ENDPOINT,
      };
      const validate = JSON.parse((await cli(h.db, env)(['policy', 'validate', file, '--json'])).out) as {
        issues: unknown[];
      };
      expect(view.issues).toEqual(validate.issues);
      if (view.valid) {
        const plan = await cli(h.db, env)(['policy', 'plan', file, '--json']);
        expect(view.plan).toEqual(JSON.parse(plan.out));
        expect((view.plan as { changes: unknown[] }).changes.length).toBe(2);
      } else {
        expect(view.issues.length).toBe(2);
      }
    } finally {
      await own.close();
    }
  });
});

describe('repos (item roles): who can read each repository', () => {
  const { h, c } = consoleForTests('repos');

  it.each(['gmail', 'react', 'oso'])('%s: read and change as the server answers each identity', async (repo) => {
    const view = await consoleGet<{ rows: WhoRow[] }>(c, `/api/who?item=${repo}`);
    expect(view.rows.map((r) => r.identity)).toEqual([
      'user:anne',
      'user:graham',
      'user:larry',
      'user:(any signed-in user)',
      'anonymous',
    ]);
    for (const row of view.rows) {
      const res = await h.request('GET', `/repo/${repo}`, { headers: headersOf(row.identity) });
      expect({ who: row.identity, read: row.read }).toEqual({ who: row.identity, read: res.status === 200 });
      if (row.identity === 'anonymous') continue;
      const patch = await h.request('PATCH', `/repo/${repo}`, {
        headers: headersOf(row.identity),
        body: { description: (res.body as { description?: string }).description ?? 'x' },
      });
      expect({ who: row.identity, change: row.change }).toEqual({ who: row.identity, change: patch.status === 200 });
    }
    const holders = Object.fromEntries(
      view.rows.filter((r) => r.itemRoles.length > 0).map((r) => [r.identity, r.itemRoles]),
    );
    expect(holders).toEqual(
      {
        gmail: { 'user:larry': ['admin', 'contributor', 'maintainer'] },
        react: { 'user:anne': ['contributor', 'maintainer'] },
        oso: { 'user:graham': ['contributor'] },
      }[repo],
    );
  });

  it('see as larry: the repositories GET /repos answers him, read from his grants', async () => {
    const view = await consoleGet<SeeAs & { plan: { operation: string } }>(c, '/api/see-as?as=user:larry');
    const res = await h.request('GET', '/repos', { headers: headersOf('user:larry') });
    expect(view.rows.map((r) => r.item)).toEqual(expect.arrayContaining(res.body as unknown[]));
    expect(view.rows.length).toBe((res.body as unknown[]).length);
    expect(view.rows.find((r) => r.key === 'gmail')?.itemRoles).toEqual(['admin', 'contributor', 'maintainer']);
  });
});

describe('who: a user the item names, without a record of their own', () => {
  const { h, c } = consoleForTests('petstore', async ({ h }) => {
    // Members of the OIDC group `owners` read the pets whose owner is their username; carol has no record.
    await h.db.send(
      new PutItemCommand({
        TableName: h.tables.auth,
        Item: {
          id: { S: 'owners' },
          type: { S: 'OIDC_GROUP' },
          permitted_endpoints: { L: [{ M: { method: { S: 'GET' }, endpoint: { S: '/item/[^/]+' } } }] },
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a Scoutr placeholder, not a JS template
          read_filters: { L: [{ M: { field: { S: 'owner' }, value: { S: '${user.username}' } } }] },
        },
      }),
    );
    const patched = await h.request('PATCH', '/item/p-7', {
      headers: headersOf('key:admin-key'),
      body: { owner: 'carol' },
    });
    expect(patched.status).toBe(200);
  });

  it('lists her as a member of the group whose filter names her, and nowhere she answers as any member does', async () => {
    const view = await consoleGet<{ rows: (WhoRow & { kind: string })[] }>(c, '/api/who?item=p-7');
    const ids = view.rows.map((r) => r.identity);
    expect(ids).toContain('user:(member of owners):owners');
    const carol = view.rows.filter((r) => r.identity.startsWith('user:carol'));
    expect(carol.map((r) => [r.identity, r.kind, r.read])).toEqual([
      ['user:carol:owners', "named by the item's owner", true],
    ]);
    // each row, stand-ins included, as the server answers that identity
    for (const row of view.rows) {
      const res = await h.request('GET', '/item/p-7', { headers: headersOf(row.identity) });
      expect({ who: row.identity, read: row.read }).toEqual({ who: row.identity, read: res.status === 200 });
    }
    // and as a member of vets carol answers as any member of vets does: that row is left out
    const vets = await h.request('GET', '/item/p-7', { headers: headersOf('user:carol:vets') });
    const member = view.rows.find((r) => r.identity === 'user:(member of vets):vets')!;
    expect(member.read).toBe(vets.status === 200);
  });
});
