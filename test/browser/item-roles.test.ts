import type { Page } from 'playwright-core';
import { type Browser, launchBrowser, shoot } from '../support/browser';
import { consoleForTests, headersOf } from '../support/console';
import type { Harness } from '../support/harness';

// Item roles in the console, in a real headless Chromium: the recipes example (a recipe shared with a friend) and
// the repos example (roles on each repository, public ones read by anyone). What each view shows is checked against
// what the local server answers the same identity.

let b: Browser;
let page: Page;
beforeAll(async () => {
  b = await launchBrowser();
  page = b.page;
});
afterAll(() => b?.close());

const rowsOf = (page: Page) =>
  page.locator('tr[data-identity]').evaluateAll((trs) => trs.map((t) => t.getAttribute('data-identity')!));

/** For each row of "who can read", the read and change columns against GET and a no-op PATCH of that identity. */
async function expectWhoAgrees(h: Harness, path: string, field: string) {
  for (const identity of await rowsOf(page)) {
    const row = page.locator(`tr[data-identity="${identity}"]`);
    const got = await h.request('GET', path, { headers: headersOf(identity) });
    expect({ identity, read: await row.locator('[data-col="read"]').innerText() }).toEqual({
      identity,
      read: got.status === 200 ? 'yes' : 'no',
    });
    if (identity === 'anonymous') continue;
    const body = { [field]: (got.body as Record<string, unknown> | undefined)?.[field] ?? 'unchanged' };
    const patch = await h.request('PATCH', path, { headers: headersOf(identity), body });
    expect({ identity, change: await row.locator('[data-col="change"]').innerText() }).toEqual({
      identity,
      change: patch.status === 200 ? 'yes' : 'no',
    });
  }
}

describe('recipes', () => {
  let id: string;
  const { h, c } = consoleForTests('recipes', async ({ h, c }) => {
    const created = await h.request('POST', '/recipe', {
      headers: headersOf('user:user1'),
      body: { title: 'Pancakes', ingredients: ['flour', 'milk', 'eggs'] },
    });
    id = (created.body as { id: string }).id;
    const shared = await h.request('POST', `/recipe/${id}/grants`, {
      headers: headersOf('user:user1'),
      body: { user: 'user2', grants: ['view'] },
    });
    expect(shared.status).toBe(200);
    await page.goto(c.link);
  });

  it('see as user2: the recipes GET /recipes answers, with the item roles held and what may change', async () => {
    await page.goto(`${c.url}/see-as?as=user%3Auser2`);
    await page.getByTestId('rows').waitFor();
    const listed = (await h.request('GET', '/recipes', { headers: headersOf('user:user2') })).body as { id: string }[];
    const keys = await page.locator('tr[data-key]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key')));
    expect(keys).toEqual(listed.map((r) => r.id));
    const row = page.locator(`tr[data-key="${id}"]`);
    expect(await row.locator('[data-col="item-roles"]').innerText()).toBe('view');
    const patch = await h.request('PATCH', `/recipe/${id}`, { headers: headersOf('user:user2'), body: { title: 'x' } });
    expect(await row.locator('[data-col="change"]').innerText()).toBe(patch.status === 200 ? 'yes' : 'no');
    expect(await page.getByTestId('operation').innerText()).toBe('GrantsQuery+BatchGetItem');
    await shoot(page, 'see-as-item-roles');
  });

  it('who can read the recipe: its holders, any other signed-in user, each as the server answers', async () => {
    await page.goto(`${c.url}/see-as?as=user%3Auser1`);
    await page.getByTestId('rows').waitFor();
    await Promise.all([
      page.waitForURL(new RegExp(`/who\\?item=${id}$`)),
      page.locator(`tr[data-key="${id}"]`).getByRole('link', { name: 'who' }).click(),
    ]);
    await page.getByTestId('who').waitFor();
    expect(await rowsOf(page)).toEqual(['user:user1', 'user:user2', 'user:(any signed-in user)']);
    const grants = (await h.request('GET', `/recipe/${id}/grants`, { headers: headersOf('user:user1') }))
      .body as Record<string, string[]>;
    const expected = Object.keys(grants)
      .sort()
      .map((role) => `${role}: ${grants[role]!.join(', ')}`);
    expect(await page.getByTestId('acl').innerText()).toBe(`Item roles: ${expected.join(' · ')}`);
    await expectWhoAgrees(h, `/recipe/${id}`, 'title');
    await shoot(page, 'who-recipes');
  });
});

describe('repos', () => {
  const { h, c } = consoleForTests('repos', async ({ c }) => {
    await page.goto(c.link);
  });

  it.each(['react', 'gmail'])(
    'who can read %s: members, anyone signed in and anonymous as the server answers',
    async (repo) => {
      await page.goto(`${c.url}/who`);
      await page.getByLabel('Item').fill(repo);
      await Promise.all([page.waitForURL(new RegExp(`/who\\?item=${repo}$`)), page.getByLabel('Item').press('Enter')]);
      await page.getByTestId('who').waitFor();
      expect(await rowsOf(page)).toEqual([
        'user:anne',
        'user:graham',
        'user:larry',
        'user:(any signed-in user)',
        'anonymous',
      ]);
      await expectWhoAgrees(h, `/repo/${repo}`, 'description');
      if (repo === 'react') await shoot(page, 'who-repos');
    },
  );
});
