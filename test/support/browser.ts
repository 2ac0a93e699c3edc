import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

// A real headless Chromium (Debian's, /usr/bin/chromium: .ci/run installs it) driven by playwright-core, which
// downloads no browser. A fresh profile per launch; no network but the loopback servers the tests start.
export const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };
/**
 * Where the tests leave their screenshots: under docs/console/ (the pictures the docs show) when SCREENSHOTS=1 asks
 * (`npm run screenshots`), else in a folder of the run's own, so a test run leaves the checkout as it found it.
 */
export const SHOTS =
  process.env.SCREENSHOTS === '1'
    ? resolve(__dirname, '../../docs/console')
    : join(tmpdir(), `scoutr-screenshots-${process.pid}`);

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'scoutr-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: ARGS,
    viewport: DESKTOP,
    headless: true,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  // Anything but the loopback servers is refused: the page must need no network (no CDN, no font service).
  await context.route(/^(?!http:\/\/(127\.0\.0\.1|localhost)[:/])/, (route) => route.abort());
  return {
    context,
    page,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A screenshot of the viewport (1280×800 unless set otherwise) under docs/console/. */
export async function shoot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}
