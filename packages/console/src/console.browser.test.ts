/**
 * The console in a real headless Chromium (Debian's), against the real alert API in token mode over a journal of
 * three organisations: sign-in with tokens of each layer, filters in the URL, the alert with its raw line, triage
 * and its history, the live queue, and no view of a layer-1 token showing another organisation's alert.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeScopedAlert } from '@socle/api/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleIsBuilt } from '../assets.js';
import { launchChromium, rowIds, signIn } from './testing/browser.ts';
import { startConsoleFixture, type ConsoleFixture } from './testing/console-fixture.ts';

/** The README's screenshot is refreshed with SOCLE_UPDATE_SCREENSHOT=1; other runs leave the checkout as it was. */
const SCREENSHOT = process.env.SOCLE_UPDATE_SCREENSHOT === '1' ? join(import.meta.dirname, '..', '..', '..', 'docs', 'console.png') : join(tmpdir(), 'socle-console.png');

let fixture: ConsoleFixture;
let browser: Browser;

beforeAll(async () => {
  if (!consoleIsBuilt()) throw new Error('the console is not built: run `pnpm --filter @socle/console build` (scripts/bootstrap.sh does)');
  fixture = await startConsoleFixture();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await fixture?.close();
});

/** Polls the queue's rows until `ready` holds (a string predicate would be eval, which the console's CSP forbids). */
async function waitRows(page: Page, ready: (ids: string[], levels: string[]) => boolean, timeout = 10_000): Promise<string[]> {
  const until = Date.now() + timeout;
  for (;;) {
    const ids = await rowIds(page);
    const levels = await page.$$eval('table.alerts tbody tr[data-id] td.level', (tds) => tds.map((td) => td.textContent!.trim()));
    if (ready(ids, levels)) return ids;
    if (Date.now() > until) throw new Error(`queue rows never got ready: ${ids.join(', ')}`);
    await page.waitForTimeout(100);
  }
}

/** Text of other organisations that must never reach an org-a page (hosts, raw-line markers, organisation ids). */
function assertOnlyOrgA(text: string): void {
  for (const foreign of ['web-b', 'app-b', 'dc-b', 'svc_backup_b', 'alice_b', 'ORGB-SECRET', 'org-b', 'web-c', 'ORGC-SECRET', 'org-c']) expect(text).not.toContain(foreign);
}

describe('console in Chromium', () => {
  it('signs a layer-1 analyst in and shows only their organisation, in every view', async () => {
    const page = await signIn(browser, fixture.url, fixture.tokens.l1a);
    expect(await page.textContent('[data-testid=layer]')).toContain('Layer 1');
    expect(await page.textContent('[data-testid=orgs]')).toBe('org-a');
    expect(await page.textContent('[data-testid=expiry]')).toMatch(/ends in (59|60) min/);
    const ids = await rowIds(page);
    expect(ids.length).toBe(17);
    expect(ids.every((id) => id.startsWith('a-'))).toBe(true);
    await page.waitForSelector('[data-testid=rule-counts] li');
    assertOnlyOrgA(await page.innerText('body'));

    // Pivots and searches on the other organisation's values find nothing.
    for (const q of ['host=web-b', 'q=ORGB', 'ip=203.0.113.10&host=web-b', 'organization=org-b']) {
      await page.goto(`${fixture.url}/ui/?${q}`);
      await page.waitForSelector('table.alerts td.empty, [role=alert]');
      expect(await rowIds(page)).toEqual([]);
      assertOnlyOrgA(await page.innerText('body'));
    }
    // Opening another organisation's alert by URL answers as an unknown id.
    await page.goto(`${fixture.url}/ui/?alert=b-00`);
    await page.waitForSelector('aside.detail [role=alert]');
    expect(await page.innerText('aside.detail')).toContain("no alert with id 'b-00'");
    assertOnlyOrgA(await page.innerText('body'));

    // The same alert id space through the API from the page (cookie session): the server scopes, not the page.
    const status = await page.evaluate(async () => (await fetch('/alerts/b-00')).status);
    expect(status).toBe(404);
    const all = await page.evaluate(async () => (await (await fetch('/alerts?size=1000')).json()) as { alerts: { organization: { id: string } }[] });
    expect(new Set(all.alerts.map((a) => a.organization.id))).toEqual(new Set(['org-a']));

    // Related alerts of an org-a alert on a host name both organisations use in their pattern stay org-a.
    await page.goto(`${fixture.url}/ui/?alert=a-00`);
    await page.waitForSelector('[data-testid=related] li');
    assertOnlyOrgA(await page.innerText('body'));
    expect((page as Page & { errors?: string[] }).errors).toEqual([]);
    await page.context().close();
  });

  it('filters from the bar and keeps them in a URL that can be shared', async () => {
    const page = await signIn(browser, fixture.url, fixture.tokens.l2);
    await page.click('.filters button.chip.level-critical');
    await page.waitForURL(/severity=critical/);
    await waitRows(page, (ids, levels) => ids.length > 0 && levels.every((l) => l === 'critical'));
    await page.fill('input[name=host]', 'web-a');
    await page.press('input[name=host]', 'Enter');
    await page.waitForURL(/host=web-a/);
    await waitRows(page, (ids) => ids.length > 0 && ids.every((id) => id.startsWith('a-')));
    const shared = page.url();
    const filtered = await rowIds(page);

    // The shared URL shows the same view in another session.
    const other = await signIn(browser, fixture.url, fixture.tokens.l2, new URL(shared).pathname + new URL(shared).search);
    expect(await rowIds(other)).toEqual(filtered);
    expect(await other.inputValue('input[name=host]')).toBe('web-a');
    await other.context().close();

    // A relative time range: the last hour.
    await page.goto(`${fixture.url}/ui/`);
    await page.waitForSelector('table.alerts tbody tr[data-id]');
    await page.selectOption('select[name=time]', { label: 'Last 1 h' });
    await page.waitForURL(/from=now-1h/);
    await waitRows(page, (ids) => ids.length > 0 && ids.length < 20);
    const times = await page.$$eval('table.alerts tbody td.time', (tds) => tds.map((td) => Date.parse(`${td.getAttribute('title')!.replace(' UTC', '').replace(' ', 'T')}Z`)));
    expect(times.every((t) => t >= Date.now() - 3_600_000 - 2000)).toBe(true);

    // A click on a rule count narrows the queue to that rule.
    await page.goto(`${fixture.url}/ui/`);
    await page.waitForSelector('[data-testid=rule-counts] li');
    await page.click('[data-testid=rule-counts] button:has-text("SSH Failed Password")');
    await page.waitForURL(/rule=ssh_failed_password/);
    await waitRows(page, (ids) => ids.length === 4);

    // Keyboard: j moves down, Enter opens, Esc closes.
    await page.goto(`${fixture.url}/ui/`);
    await page.waitForSelector('table.alerts tbody tr[data-id]');
    const top = await rowIds(page);
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`alert=${top[2]}`));
    await page.waitForSelector('[data-testid=alert-detail]');
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid=alert-detail]', { state: 'detached' });
    await page.context().close();
  });

  it('opens an alert with its raw line, triages it and shows the history', async () => {
    const page = await signIn(browser, fixture.url, fixture.tokens.l2);
    await page.click('tr[data-id="a-03"] td.rule');
    await page.waitForSelector('[data-testid=raw-line]');
    expect(await page.textContent('[data-testid=raw-line]')).toMatch(/sshd\[4211\]: Accepted password for svc_backup_a from 203\.0\.113\.13 .*ORGA-SECRET/);
    expect(await page.textContent('[data-testid=detail-rule]')).toBe('PowerShell Encoded Command');
    expect(await page.innerText('[data-testid=alert-detail]')).toContain('T1059.001');

    await page.click('[data-testid=status-acknowledged]');
    await page.waitForSelector('[data-testid=status-acknowledged]:disabled');
    await page.fill('input[name=assignee]', 'alice');
    await page.click('.triage-row form button:has-text("Assign")');
    await page.fill('input[name=tag]', 'phishing');
    await page.press('input[name=tag]', 'Enter');
    await page.fill('textarea[name=note]', 'Checked the host: the command downloads a second stage.');
    await page.click('button:has-text("Add note")');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=history] li').length === 4);
    const history = await page.innerText('[data-testid=history]');
    expect(history).toContain('set status to acknowledged');
    expect(history).toContain('assigned to alice');
    expect(history).toContain('tagged phishing');
    expect(history).toContain('noted: “Checked the host: the command downloads a second stage.”');
    expect(await page.getAttribute('tr[data-id="a-03"] .status', 'title')).toBe('acknowledged');

    // After a reload the trail is still there (the triage store, not the page, holds it).
    await page.reload();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=history] li').length === 4);
    await page.waitForSelector('[data-testid=related] li');
    await page.$eval('[data-testid=member-events]', (el) => el.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: SCREENSHOT });

    // Bulk triage: select two rows with x and close them.
    await page.goto(`${fixture.url}/ui/?host=web-b`);
    await waitRows(page, (ids) => ids.length >= 2);
    const ids = (await rowIds(page)).slice(0, 2);
    await page.keyboard.press('x');
    await page.keyboard.press('j');
    await page.keyboard.press('x');
    await page.click('[data-testid=bulk-bar] button:has-text("Close")');
    for (const id of ids) await page.waitForSelector(`tr[data-id="${id}"] .status-closed`);
    await page.goto(`${fixture.url}/ui/?host=web-b&status=closed`);
    await waitRows(page, (rows) => rows.join() === ids.join());
    await page.context().close();
  });

  it('shows new alerts without a reload', async () => {
    const page = await signIn(browser, fixture.url, fixture.tokens.l1a);
    await fixture.write([makeScopedAlert({ id: 'a-live', org: 'org-a', time: new Date().toISOString(), rule: 'web_shell', level: 'critical', host: 'web-a' })]);
    await fixture.write([makeScopedAlert({ id: 'b-live', org: 'org-b', time: new Date().toISOString(), rule: 'web_shell', level: 'critical', host: 'web-b' })]);
    await page.waitForSelector('tr[data-id="a-live"].fresh', { timeout: 15_000 });
    expect(await rowIds(page)).not.toContain('b-live');
    await page.context().close();
  });

  it('gives the auditor a read-only console that says its reads are audited', async () => {
    const before = fixture.audit.entries.length;
    const page = await signIn(browser, fixture.url, fixture.tokens.l3);
    expect(await page.textContent('[data-testid=auditor-banner]')).toMatch(/read-only access that expires .* Every read is recorded/);
    expect(await page.$('table.alerts input[type=checkbox]')).toBeNull();
    await page.click('tr[data-id="a-03"] td.rule');
    await page.waitForSelector('[data-testid=triage]');
    expect(await page.isDisabled('[data-testid=status-closed]')).toBe(true);
    expect(await page.$('textarea[name=note]')).toBeNull();
    expect(fixture.audit.entries.length).toBeGreaterThan(before + 3);
    expect(fixture.audit.entries.slice(before).every((e) => e.layer === 3 || e.target === '/api/session')).toBe(true);
    await page.context().close();
  });

  it('gives layer 4 the shared, TLP-marked alerts and the statistics, never a raw event', async () => {
    const page = await signIn(browser, fixture.url, fixture.tokens.l4);
    expect(await page.textContent('[data-testid=national-banner]')).toContain('only alerts shared upward');
    const ids = await rowIds(page);
    expect(ids.sort()).toEqual(['a-00', 'a-04', 'a-08', 'b-00', 'b-04', 'b-08', 'c-00', 'c-04', 'c-08']);
    expect(await page.textContent('tr[data-id="a-00"] .tlp')).toBe('TLP:AMBER');
    await page.waitForSelector('[data-testid=statistics] dd');
    await page.click('tr[data-id="b-04"] td.rule');
    await page.waitForSelector('[data-testid=member-events]');
    expect(await page.innerText('[data-testid=member-events]')).toContain('Raw events are never shared upward');
    expect(await page.$('[data-testid=raw-line]')).toBeNull();
    expect(await page.$('[data-testid=triage]')).toBeNull();
    expect(await page.innerText('body')).not.toMatch(/ORG[ABC]-SECRET/);
    await page.context().close();
  });

  it('signs out: the cookie no longer opens anything', async () => {
    const page = await signIn(browser, fixture.url, fixture.tokens.l1b);
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === 'socle_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    await page.click('[data-testid=sign-out]');
    await page.waitForSelector('#token');
    expect(await page.innerText('body')).toContain('Signed out.');
    expect(await page.evaluate(async () => (await fetch('/alerts')).status)).toBe(401);
    await page.context().close();
  });

  it('refuses a bad token with a message', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${fixture.url}/ui/`);
    await page.fill('#token', `socle_0123456789abcdef_${'0'.repeat(64)}`);
    await page.click('button[type=submit]');
    await page.waitForSelector('.sign-in .error');
    expect(await page.textContent('.sign-in .error')).toBe('invalid or expired token');
    await context.close();
  });
});
