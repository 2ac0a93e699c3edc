// The recipes example's routes and item roles (docs/reference/item-roles.md#granting-and-revoking, docs/tutorials/recipes.md) for tests that name their users: the example's app
// config without its DEFAULT_ROLE, and a `cooks` group in place of its `member` ROLE record, so that only the users a
// test seeds hold a role. The grants tests and the transaction fault tests start it the same way.
import app from '../../../example/recipes/scoutr.config';
import { as, type HarnessOptions } from '../../support/harness';
import { scanTable, writeTests } from '../write/support';

export const COOKS = {
  group_id: 'cooks',
  permitted_endpoints: [
    { method: 'GET', endpoint: '/recipes' },
    { method: 'POST', endpoint: '/recipe' },
    { method: '*', endpoint: '/recipe/[^/]+(/grants)?' },
    { method: 'GET', endpoint: '/history/[^/]+' },
  ],
  read_filters: [{ item_role: 'view' }],
  update_filters: [{ item_role: 'edit' }],
  delete_filters: [{ item_role: 'own' }],
};
const cook = (id: string) => ({ id, type: 'USERNAME', groups: ['cooks'] });

/** The file's recipes server with `users` in `cooks` (writeTests), and the calls the tests make as one of them. */
export function recipesTests(users: readonly string[], opts: Pick<HarnessOptions, 'overrides'> = {}) {
  const tests = writeTests({
    app: { ...app, defaultRole: undefined },
    seed: { authRecords: users.map(cook), groups: [COOKS] },
    ...opts,
  });
  const { h } = tests;
  const call = (who: string, method: string, path: string, body?: unknown) =>
    h.request(method, path, { headers: as.user(who), body });
  async function newRecipe(who = 'user1', title = 'soup'): Promise<string> {
    const res = await call(who, 'POST', '/recipe', { title, ingredients: ['water'] });
    expect(res.status).toBe(201);
    return (res.body as { id: string }).id;
  }
  const grantRowsOf = async (id: string) =>
    (await scanTable(h, h.tables.grants!, 'principal')).filter((r) => r.item_key === id);
  return { ...tests, call, newRecipe, grantRowsOf };
}
