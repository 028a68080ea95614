/** Debian's Chromium driven by playwright-core, for the browser tests and the screenshots (no browser download). */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.SOCLE_CHROMIUM ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: the console's browser tests need Debian's chromium (bash scripts/install-chromium.sh, run by npm test as root)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A fresh browser context (its own cookies) signed in with `token`, on the queue. */
export async function signIn(browser: Browser, url: string, token: string, path = '/ui/'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  (page as Page & { errors?: string[] }).errors = errors;
  await page.goto(url + path);
  await page.fill('#token', token);
  await page.click('button[type=submit]');
  await page.waitForSelector('[data-testid=principal] [data-testid=layer]');
  await page.waitForSelector('[data-testid=queue-total]:not(:has-text("Loading"))');
  return page;
}

/** Ids of the rows in the queue, top to bottom. */
export function rowIds(page: Page): Promise<string[]> {
  return page.$$eval('table.alerts tbody tr[data-id]', (rows) => rows.map((r) => r.getAttribute('data-id') ?? ''));
}
