import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { exampleFiles } from '../../scripts/examples';
import { type ConsoleServer, startConsole } from '../../src/console/server';
import { cliOn } from '../integration/cli/support';
import { type Browser, launchBrowser, PHONE, shoot } from '../support/browser';
import { headersOf, startConsoleOn } from '../support/console';
import type { Harness } from '../support/harness';

// The console's views of the pet store in a real headless Chromium, driven as a person would (links, forms, the
// keyboard), each checked against the API's own answers for the same identity, and photographed for the docs.

let h: Harness;
let c: ConsoleServer;
let close: () => Promise<void>;
let b: Browser;
let page: Page;
beforeAll(async () => {
  ({ h, c, close } = await startConsoleOn('petstore'));
  b = await launchBrowser();
  page = b.page;
  // The printed address: its token becomes a cookie, and leaves the address bar.
  await page.goto(c.link);
  expect(page.url()).toBe(`${c.url}/`);
});
afterAll(async () => {
  await b?.close();
  await close?.();
});

const scoutr = () => cliOn(h);
const texts = (page: Page, selector: string) => page.locator(selector).allInnerTexts();
const ids = (body: unknown) => (body as { id: string }[]).map((p) => p.id).sort();

it('identities: every record with the groups GET /user says it inherits; a link to see as it', async () => {
  await page.goto(`${c.url}/identities`);
  await page.getByTestId('records').waitFor();
  const shown = await page
    .locator('[data-record]')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-record')));
  expect(shown).toEqual(['admin-key', 'alice', 'audrey', 'inventory-key', 'owen', 'public-key', 'vets']);
  for (const [record, identity] of [
    ['alice', 'user:alice'],
    ['public-key', 'key:public-key'],
    ['vets', 'user:vera:vets'],
  ] as const) {
    const me = await h.request('GET', '/user', { headers: headersOf(identity) });
    const role = (me.body as { roles: { id: string; groups: string[] }[] }).roles.find((r) => r.id === record)!;
    const cell = await page.locator(`[data-record="${record}"] td`).nth(2).innerText();
    expect(cell.split(', ').filter(Boolean)).toEqual(role.groups);
  }
  await shoot(page, 'identities');
  // Keyboard: the first Tab reaches the skip link.
  await page.keyboard.press('Tab');
  expect(await page.evaluate('document.activeElement?.textContent')).toBe('Skip to the view');
  await Promise.all([
    page.waitForURL(/\/see-as\?as=key%3Apublic-key$/),
    page.locator('[data-record="public-key"]').getByRole('link', { name: 'see as' }).click(),
  ]);
});

it('see as: typed with the keyboard, the rows, hidden fields and plan the API answers that identity', async () => {
  await page.goto(`${c.url}/see-as`);
  const identity = page.getByLabel('Identity');
  await identity.fill('key:admin-key');
  await page.getByLabel('Filter').fill('status=available');
  await Promise.all([
    page.waitForURL(/\/see-as\?as=key%3Aadmin-key&q=status%3Davailable$/),
    page.getByLabel('Filter').press('Enter'),
  ]);
  await page.getByTestId('rows').waitFor();
  const explained = await h.request('GET', '/items?status=available&_explain=true', {
    headers: headersOf('key:admin-key'),
  });
  const plan = (explained.body as { plan: { operation: string } }).plan;
  expect(await page.getByTestId('operation').innerText()).toBe(plan.operation);
  const listed = await h.request('GET', '/items?status=available', { headers: headersOf('key:admin-key') });
  expect((await texts(page, 'tr[data-key]')).length).toBe((listed.body as unknown[]).length);
  expect(await page.getByTestId('items-read').innerText()).toBe(String((listed.body as unknown[]).length));

  await page.goto(`${c.url}/see-as?as=key%3Apublic-key`);
  await page.getByTestId('rows').waitFor();
  const res = await h.request('GET', '/items', { headers: headersOf('key:public-key') });
  const keys = await page.locator('tr[data-key]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key')));
  expect(keys.sort()).toEqual(ids(res.body));
  expect(await page.getByTestId('hidden').innerText()).toBe('cost, supplier.contact');
  const costCells = await page.locator('tr[data-key] td.hidden-field').allInnerTexts();
  expect(costCells).toEqual(keys.map(() => 'hidden'));
  for (const pet of res.body as { id: string; name: string }[]) {
    expect(await page.locator(`tr[data-key="${pet.id}"]`).innerText()).toContain(pet.name);
  }
  await shoot(page, 'see-as');

  // owen: the fields he may change are marked, and PATCH agrees on each row.
  await page.goto(`${c.url}/see-as?as=user%3Aowen`);
  await page.getByTestId('rows').waitFor();
  const marked = await page
    .locator('th[data-field]:has(.pen)')
    .evaluateAll((ths) => ths.map((t) => t.getAttribute('data-field')));
  expect(marked).toEqual(['name', 'notes']);
  for (const key of await page
    .locator('tr[data-key]')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key')!))) {
    const name = (await h.request('GET', `/item/${key}`, { headers: headersOf('user:owen') })).body as { name: string };
    const patch = await h.request('PATCH', `/item/${key}`, {
      headers: headersOf('user:owen'),
      body: { name: name.name },
    });
    const shown = await page.locator(`tr[data-key="${key}"] td[data-col="change"]`).innerText();
    expect({ key, change: shown }).toEqual({ key, change: patch.status === 200 ? 'yes' : 'no' });
  }

  // On a phone the page keeps to the screen's width: the table scrolls inside its own box.
  await page.setViewportSize(PHONE);
  await page.goto(`${c.url}/see-as?as=key%3Apublic-key`);
  await page.getByTestId('rows').waitFor();
  expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
  await shoot(page, 'see-as-phone');
  await page.setViewportSize({ width: 1280, height: 800 });
});

it('why: the form decides as the server does, and links the rule to its record', async () => {
  await page.goto(`${c.url}/why`);
  await page.getByLabel('Identity').fill('user:vera:vets');
  await page.getByLabel('Method').selectOption('PATCH');
  await page.getByLabel('Path').fill('/item/p-3');
  await page.getByLabel('Item (optional)').fill('p-3');
  await page.getByRole('button', { name: 'Decide' }).click();
  await page.getByTestId('verdict').waitFor();
  const patch = await h.request('PATCH', '/item/p-3', {
    headers: headersOf('user:vera:vets'),
    body: { name: 'Tweety' },
  });
  expect(patch.status).toBe(403);
  const check = await scoutr()(['check', '--as', 'user:vera:vets', 'PATCH', '/item/p-3', '--item', 'p-3']);
  expect(await page.getByTestId('verdict').innerText()).toBe(check.out.split('\n')[0]);
  expect(await page.getByTestId('item').innerText()).toMatch(/^visible, not changeable/);
  await shoot(page, 'why');
  await page.getByTestId('rule').getByRole('link', { name: 'vets' }).first().click();
  await page.waitForURL(/\/identities#record-vets$/);
  await page.locator('[data-record="vets"]').waitFor();
});

it('who can read: each identity as GET /item answers it, with the fields it sees', async () => {
  await page.goto(`${c.url}/who`);
  await page.getByLabel('Item').fill('p-5');
  await page.getByLabel('Item').press('Enter');
  await page.getByTestId('who').waitFor();
  const rows = await page
    .locator('tr[data-identity]')
    .evaluateAll((trs) => trs.map((t) => t.getAttribute('data-identity')!));
  expect(rows.length).toBe(7);
  for (const identity of rows) {
    const res = await h.request('GET', '/item/p-5', { headers: headersOf(identity) });
    const row = page.locator(`tr[data-identity="${identity}"]`);
    expect({ identity, read: await row.locator('[data-col="read"]').innerText() }).toEqual({
      identity,
      read: res.status === 200 ? 'yes' : 'no',
    });
    if (res.status === 200) {
      const fields = (await row.locator('[data-col="fields"]').innerText()).split(' (hidden')[0]!;
      expect(fields.split(', ')).toEqual(Object.keys(res.body as object).sort());
    }
  }
  await shoot(page, 'who-petstore');
});

it('policy: the plan and the errors scoutr policy plan and validate print', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'scoutr-browser-'));
  const text = readFileSync(exampleFiles('petstore').policy!, 'utf8');
  const changed = join(dir, 'policy.yml');
  writeFileSync(
    changed,
    text.replace('      - hide-cost\n  audrey:', '  audrey:').concat('  bob:\n    type: USERNAME\n'),
  );
  const broken = join(dir, 'broken.yml');
  writeFileSync(broken, text.replace('exclude_fields:\n      - cost', 'exclude_field:\n      - cost'));
  for (const [file, shot] of [
    [changed, 'policy'],
    [broken, 'policy-errors'],
  ] as const) {
    const own = await startConsole({ app: h.runtime.deps.app, config: h.config, db: h.db, policyFile: file });
    try {
      await page.goto(own.link.replace('/?', '/policy?'));
      await page.getByTestId('validity').waitFor();
      if (file === changed) {
        const printed = await scoutr()(['policy', 'plan', file]);
        expect((await page.getByTestId('plan').innerText()).trim()).toBe(printed.out.trim());
      } else {
        const printed = await scoutr()(['policy', 'validate', file]);
        const issues = await texts(page, '[data-testid="issues"] li');
        expect(issues).toEqual(printed.err.trim().split('\n').slice(0, -1));
        expect(await page.locator('.source li.marked').count()).toBe(1);
      }
      await shoot(page, shot);
    } finally {
      await own.close();
    }
  }
});

it('history and audit: the versions and records the API answers; every record links to its item', async () => {
  for (const body of [{ status: 'pending' }, { price: 130, notes: 'vaccinated' }]) {
    expect((await h.request('PATCH', '/item/p-2', { headers: headersOf('key:inventory-key'), body })).status).toBe(200);
  }
  await page.goto(`${c.url}/audit`);
  await page.getByLabel('Action').fill('UPDATE');
  // Waiting starts before the click: a navigation that commits at once is not missed.
  await Promise.all([page.waitForURL(/action=UPDATE/), page.getByRole('button', { name: 'Filter' }).click()]);
  await page.getByTestId('audit').waitFor();
  const since = new Date(Date.now() - 86_400_000).toISOString();
  const records = await h.request('GET', `/audit?action=UPDATE&time__gte=${since}`, {
    headers: headersOf('user:audrey'),
  });
  expect(await page.locator('tr[data-action]').count()).toBe((records.body as unknown[]).length);
  await shoot(page, 'audit');

  await Promise.all([
    page.waitForURL(/\/history\?item=p-2$/),
    page.locator('tr[data-action]').first().getByRole('link', { name: 'history' }).click(),
  ]);
  await page.getByTestId('timeline').waitFor();
  const versions = await h.request('GET', '/history/p-2', { headers: headersOf('user:audrey') });
  const shown = await page
    .locator('[data-testid="timeline"] > li')
    .evaluateAll((lis) => lis.map((l) => l.getAttribute('data-version')));
  expect(shown).toEqual((versions.body as { version: number }[]).map((v) => String(v.version)));
  const newest = page.locator('[data-testid="timeline"] > li').first();
  expect(await newest.locator('tr[data-field="price"] td.before').innerText()).toBe('120');
  expect(await newest.locator('tr[data-field="price"] td.after').innerText()).toBe('130');
  expect(await newest.innerText()).toContain('UPDATE by inventory-manager');
  await shoot(page, 'history');
});
