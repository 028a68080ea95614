// Benchmark: the analyst console's first screen over the embedded alert journal (what `socle run` serves).
//   1. --alerts alerts (default 100,000) of three organisations, 30 days ending now, with raw events, written to a
//      journal in a temporary folder; then the journal is opened again (index rebuilt) as `socle run` does.
//   2. the alert API in token mode with the console, on 127.0.0.1; Debian's Chromium (playwright-core) signed in
//      with a layer-2 token of two organisations.
//   3. --runs times each: a fresh page loads /ui/ (or /ui/?<filters>) and the time to the first row of the queue
//      is taken in the page (navigation start to the first `tr[data-id]` inserted, by a MutationObserver), plus the
//      time until the rule counts and histogram are drawn too (the whole first screen, seen from the test runner).
//      SOCLE_BENCH_TRACE=1 prints the page's resource timings of one run per view.
//
//   pnpm exec tsx bench/console-first-row.ts [--alerts 100000] [--runs 7]
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { AlertJournal, JournalAlertStore, JournalTriageStore, MemoryAccessAuditLog, MemoryTokenStore, startAlertApi } from '@socle/api';
import { makeScopedAlert } from '@socle/api/testing';
import { silentLogger, type Alert } from '@socle/core';
import { CONSOLE_ASSETS_DIR, consoleIsBuilt } from '../packages/console/assets.js';
import { launchChromium } from '../packages/console/src/testing/browser.ts';

const { values } = parseArgs({ options: { alerts: { type: 'string', default: '100000' }, runs: { type: 'string', default: '7' } } });
const total = Number(values.alerts);
const runs = Number(values.runs);
if (!consoleIsBuilt()) throw new Error('build the console first: pnpm --filter @socle/console build');

const now = Date.now();
const RULES = ['web_shell', 'ssh_brute', 'lsass_dump', 'encoded_powershell', 'new_admin', 'port_scan', 'sqli', 'exfil'];
const LEVELS = ['low', 'medium', 'medium', 'high', 'high', 'critical'];
function alertAt(i: number): Alert {
  const org = ['org-a', 'org-b', 'org-c'][i % 3];
  const t = new Date(now - Math.floor((i / total) * 30 * 86_400_000)).toISOString();
  const host = `host-${i % 500}`;
  const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  return makeScopedAlert({
    id: `bench-${i}`,
    time: t,
    org,
    rule: RULES[i % RULES.length],
    level: LEVELS[(i * 7) % LEVELS.length],
    host,
    user: `user-${i % 2000}`,
    sourceIp: ip,
    technique: 'T1059.001',
    event: { event: { kind: 'event', original: `${t} ${host} sshd[${i % 30000}]: Accepted password for user-${i % 2000} from ${ip} port 5${i % 10000} ssh2` }, host: { name: host } },
  });
}

const dir = mkdtempSync(join(tmpdir(), 'socle-console-bench-'));
try {
  let started = performance.now();
  const writer = await AlertJournal.open(join(dir, 'alerts'));
  for (let i = 0; i < total; i += 5000) await writer.write(Array.from({ length: Math.min(5000, total - i) }, (_, k) => alertAt(total - 1 - (i + k))));
  await writer.close();
  const writeS = (performance.now() - started) / 1000;
  started = performance.now();
  const journal = await AlertJournal.open(join(dir, 'alerts'));
  const openS = (performance.now() - started) / 1000;
  const triage = await JournalTriageStore.open(join(dir, 'triage'));
  const tokens = new MemoryTokenStore();
  const { token } = tokens.create({ layer: 2, organizations: ['org-a', 'org-b'], role: 'analyst', expiresAt: new Date(now + 86_400_000).toISOString(), createdBy: 'bench' }, now);
  const api = await startAlertApi({ store: new JournalAlertStore(journal), triage, tokens, audit: new MemoryAccessAuditLog(), console: { assetsDir: CONSOLE_ASSETS_DIR }, logger: silentLogger }, '127.0.0.1', 0);
  const browser = await launchChromium();
  const views: [string, string][] = [
    ['all time', ''],
    ['last 24 h, high+critical', '?from=now-24h&severity=high,critical'],
    ['free text (host)', '?q=host-42'],
  ];
  const results: string[] = [];
  for (const [name, query] of views) {
    const firstRow: number[] = [];
    const screen: number[] = [];
    for (let r = 0; r < runs + 1; r++) {
      const context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
      const signIn = await context.request.post(`${api.url}/api/session`, { headers: { origin: api.url }, data: { token } });
      if (!signIn.ok()) throw new Error(`sign-in: ${signIn.status()}`);
      const page = await context.newPage();
      // Taken in the page when the first row is inserted (an init script is not subject to the page's CSP).
      await page.addInitScript(() => {
        const w = globalThis as any; // the page's window (this file is typechecked without the DOM library)
        new w.MutationObserver(() => {
          if (w.__firstRow === undefined && w.document.querySelector('table.alerts tbody tr[data-id]')) w.__firstRow = performance.now();
        }).observe(w.document, { childList: true, subtree: true });
      });
      await page.goto(`${api.url}/ui/${query}`, { waitUntil: 'commit' });
      await page.waitForSelector('table.alerts tbody tr[data-id]', { timeout: 60_000 });
      const row = await page.evaluate(() => (globalThis as any).__firstRow as number);
      if (process.env.SOCLE_BENCH_TRACE && r === 1) {
        const entries = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => `${e.name.replace(/^https?:\/\/[^/]+/, '').slice(0, 60)} ${e.startTime.toFixed(0)}-${(e as any).responseEnd.toFixed(0)}`));
        process.stderr.write(`${name}: first row at ${row.toFixed(0)} ms\n  ${entries.join('\n  ')}\n`);
      }
      await page.waitForSelector('[data-testid=rule-counts] li', { timeout: 60_000 });
      await page.waitForSelector('[data-testid=queue-total]:not(:has-text("Loading"))');
      const all = await page.evaluate(() => performance.now());
      if (r > 0) {
        firstRow.push(row);
        screen.push(all);
      }
      await context.close();
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    results.push(`| ${name} | ${median(firstRow).toFixed(0)} | ${Math.min(...firstRow).toFixed(0)}-${Math.max(...firstRow).toFixed(0)} | ${median(screen).toFixed(0)} |`);
  }
  await browser.close();
  await api.close();
  await triage.close();
  await journal.close();
  process.stdout.write(
    `${total.toLocaleString('en')} alerts: written in ${writeS.toFixed(1)} s, journal opened (index rebuilt) in ${openS.toFixed(1)} s; ${cpus().length} cores, ${runs} runs after one warm-up\n\n` +
      `| view | first row, median (ms) | min-max (ms) | whole first screen, median (ms) |\n|---|---|---|---|\n${results.join('\n')}\n`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
