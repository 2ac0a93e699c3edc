// `scoutr check` and `scoutr policy validate` with an app's item roles (docs/reference/cli.md#scoutr-check, docs/reference/item-roles.md#declaring-item-roles): `--app MODULE` (or
// SCOUTR_CONFIG) gives the declaration the server checks at startup, so item_role filters decide as they do there.
import { resolve } from 'node:path';
import { exampleFiles } from '../../../scripts/examples';
import { startExample } from '../../support/examples';
import { as, type Harness } from '../../support/harness';
import { cliOn, policyFile } from './support';

const APP = resolve(__dirname, '../../../example/recipes/scoutr.config.ts');
let h: Harness;
beforeAll(async () => {
  h = await startExample('recipes'); // DEFAULT_ROLE=member, no recipes at start
  // user1 creates a recipe (and so owns it) and lets user2 view it
  expect(
    (
      await h.request('POST', '/recipe', {
        headers: as.user('user1'),
        body: { id: 'soup', title: 'Soup', ingredients: ['water'] },
      })
    ).status,
  ).toBe(201);
  const granted = await h.request('POST', '/recipe/soup/grants', {
    headers: as.user('user1'),
    body: { user: 'user2', grants: ['view'] },
  });
  expect(granted.status).toBe(200);
});
afterAll(() => h.close());

const scoutr = (extra: Record<string, string> = {}) => cliOn(h, { DEFAULT_ROLE: 'member', ...extra });

type Json = { allowed: boolean; item?: { visible: boolean; changeable?: boolean } };
const decided = async (extra: Record<string, string>, args: string[]) => {
  const res = await scoutr(extra)(['check', ...args, '--json']);
  return { code: res.code, ...(JSON.parse(res.out) as Json) };
};

describe.each([
  ['--app', (args: string[]) => ({ extra: {}, args: [...args, '--app', APP] })],
  ['SCOUTR_CONFIG', (args: string[]) => ({ extra: { SCOUTR_CONFIG: APP }, args })],
])('scoutr check with the item roles of %s', (_how, withApp) => {
  it.each([
    ['user1', true, true],
    ['user2', true, false],
    ['user3', false, false],
  ])(
    '%s on /recipe/soup: visible (%s) and changeable (%s) as the server answers',
    async (user, visible, changeable) => {
      const decide = async (method: string) => {
        const { extra, args } = withApp(['--as', `user:${user}`, method, '/recipe/soup', '--item', 'soup']);
        const fromTables = await decided(extra, args);
        expect(await decided(extra, [...args, '--policy', exampleFiles('recipes').policy!])).toEqual(fromTables);
        return fromTables;
      };
      expect((await decide('GET')).item).toMatchObject({ visible });
      const patch = await decide('PATCH');
      expect(patch.item?.visible === true && patch.item.changeable === true).toBe(changeable);
      const served = await h.request('GET', '/recipe/soup', { headers: as.user(user) });
      expect(served.status).toBe(visible ? 200 : 404);
      const patched = await h.request('PATCH', '/recipe/soup', { headers: as.user(user), body: { title: 'Soup' } });
      expect(patched.status).toBe(changeable ? 200 : visible ? 403 : 404);
    },
  );
});

it('says where the item roles come from when no app config is given', async () => {
  const res = await scoutr()(['check', '--as', 'user:user1', 'GET', '/recipes']);
  expect(res.code).toBe(1);
  expect(res.err).toBe(
    "scoutr: Permission records are misconfigured: record member: filter on item_role 'view': not an item role of the app config (the app config is --app MODULE or SCOUTR_CONFIG)\n",
  );
});

it('validates item roles against --app, located, exit 1; the example policy passes', async () => {
  const file = policyFile('version: 1\nrecords:\n  member: {type: ROLE, read_filters: [{item_role: viewer}]}\n');
  const bad = await scoutr()(['policy', 'validate', file, '--app', APP]);
  expect(bad.code).toBe(1);
  expect(bad.err).toContain(
    `${file}:3:51: records.member.read_filters[0].item_role: filter on item_role 'viewer': not an item role of the app config (its item roles are own, edit, view)`,
  );
  expect((await scoutr()(['policy', 'validate', file])).code).toBe(0);
  const good = await scoutr()(['policy', 'validate', exampleFiles('recipes').policy!, '--app', APP]);
  expect(good).toMatchObject({ code: 0, out: `${exampleFiles('recipes').policy!}: valid (1 records, 0 groups)\n` });
});
