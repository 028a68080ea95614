/**
 * A token-mode alert API over a journal seeded with alerts of three organisations, serving the console: what the
 * browser tests and `scripts/dev.ts` run. Alerts carry their raw events, ATT&CK fields, a correlation with member
 * alerts, and shared (TLP-marked) alerts for layer 4. Each alert's host and raw line name its organisation
 * (`web-a`, `ORGA-SECRET`), so a test can tell any leak across organisations from the page text.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AlertJournal, JournalAlertStore, JournalTriageStore, MemoryAccessAuditLog, MemoryTokenStore, startAlertApi, type RunningAlertApi } from '@socle/api';
import { makeScopedAlert } from '@socle/api/testing';
import { silentLogger, type Alert } from '@socle/core';
import { CONSOLE_ASSETS_DIR } from '../../assets.js';

export interface ConsoleFixture {
  url: string;
  tokens: { l1a: string; l1b: string; l2: string; l3: string; l4: string };
  journal: AlertJournal;
  audit: MemoryAccessAuditLog;
  /** Adds alerts while the console is open (live queue). */
  write(alerts: Alert[]): Promise<void>;
  close(): Promise<void>;
}

/** Minutes before `base`, as ISO. */
const at = (base: number, minutesAgo: number) => new Date(base - minutesAgo * 60_000).toISOString();

export function seedAlerts(now: number): Alert[] {
  const alerts: Alert[] = [];
  const add = (a: Alert, extra: (a: Alert) => void = () => {}) => {
    extra(a);
    alerts.push(a);
  };
  const sshLine = (org: string, host: string, user: string, ip: string, t: string) =>
    `${t.slice(0, 19)} ${host} sshd[4211]: Accepted password for ${user} from ${ip} port 52311 ssh2 (${org.toUpperCase().replace('-', '')}-SECRET)`;
  for (const [org, letter] of [['org-a', 'a'], ['org-b', 'b'], ['org-c', 'c']] as const) {
    for (let i = 0; i < 12; i++) {
      const t = at(now, 5 + i * 37 + (letter.charCodeAt(0) - 97) * 3);
      const host = i % 3 === 0 ? `web-${letter}` : i % 3 === 1 ? `app-${letter}` : `dc-${letter}`;
      const user = i % 2 ? `svc_backup_${letter}` : `alice_${letter}`;
      const ip = `203.0.113.${10 + i}`;
      const level = (['critical', 'high', 'medium', 'low', 'high', 'medium'] as const)[i % 6];
      const rule = (['ssh_success_after_brute', 'web_shell', 'lsass_dump', 'encoded_powershell'] as const)[i % 4];
      add(
        makeScopedAlert({
          id: `${letter}-${String(i).padStart(2, '0')}`,
          time: t,
          org,
          rule,
          level,
          host,
          user,
          sourceIp: ip,
          destinationIp: i % 4 === 1 ? '198.51.100.200' : undefined,
          technique: rule === 'lsass_dump' ? 'T1003.001' : rule === 'web_shell' ? 'T1505.003' : rule === 'encoded_powershell' ? 'T1059.001' : 'T1110.001',
          shared: i % 4 === 0,
          event: {
            '@timestamp': t,
            event: { kind: 'event', original: sshLine(org, host, user, ip, t), dataset: 'system.auth' },
            host: { name: host },
            user: { name: user },
            source: { ip },
            organization: { id: org },
            process: { name: 'sshd', pid: 4211 },
          },
        }),
        (a) => {
          a.rule.name = RULE_NAMES[rule];
          a.rule.description = RULE_DESCRIPTIONS[rule];
          a.tags = [`attack.${rule === 'lsass_dump' ? 'credential-access' : 'execution'}`];
          if (a.threat) {
            a.threat.tactic = { id: [rule === 'lsass_dump' ? 'TA0006' : 'TA0002'], name: [rule === 'lsass_dump' ? 'Credential Access' : 'Execution'], reference: [] };
          }
          // makeScopedAlert wrote the shared view (what layer 4 reads); the TLP here varies by alert.
          const sharing = a.socle.sharing as { tlp?: string; sharedAt?: string; view?: Record<string, unknown> } | undefined;
          if (sharing) {
            sharing.tlp = i % 8 === 0 ? 'AMBER' : 'GREEN';
            sharing.sharedAt = at(now, 1);
            if (sharing.view) sharing.view = { ...sharing.view, tlp: sharing.tlp, rule: { ...(sharing.view.rule as object), name: a.rule.name } };
          }
        },
      );
    }
  }
  // A correlation of org-a: brute force then success, its member alerts in the window.
  const start = at(now, 20);
  const end = at(now, 17);
  for (const [i, m] of [19.5, 19, 18.5, 18].entries()) {
    add(makeScopedAlert({ id: `a-bf-${i}`, time: at(now, m), org: 'org-a', rule: 'ssh_failed_password', level: 'low', host: 'bastion-a', sourceIp: '203.0.113.66' }), (a) => {
      a.rule.name = 'SSH Failed Password';
    });
  }
  add(
    makeScopedAlert({ id: 'a-corr', time: end, org: 'org-a', rule: 'ssh_brute_then_success', level: 'critical', host: 'bastion-a', sourceIp: '203.0.113.66', correlationEvents: ['auth.log:1', 'auth.log:2', 'auth.log:3', 'auth.log:4', 'auth.log:9'] }),
    (a) => {
      a.rule.name = 'SSH Login Success After Brute Force';
      a.rule.description = 'Failed passwords from one address, then a success from it, within five minutes.';
      a.socle.correlation = { ...a.socle.correlation!, type: 'temporal_ordered', group: { 'source.ip': '203.0.113.66' }, window: { start, end }, rules: ['ssh_failed_password'] };
    },
  );
  return alerts;
}

const RULE_NAMES: Record<string, string> = {
  ssh_success_after_brute: 'SSH Login From Brute-Force Source',
  web_shell: 'Web Shell Command Execution',
  lsass_dump: 'LSASS Dump With comsvcs.dll',
  encoded_powershell: 'PowerShell Encoded Command',
};
const RULE_DESCRIPTIONS: Record<string, string> = {
  ssh_success_after_brute: 'A password login from an address that failed many times before.',
  web_shell: 'A request to an uploaded script that runs a shell command.',
  lsass_dump: 'rundll32 calling comsvcs.dll MiniDump on the LSASS process.',
  encoded_powershell: 'powershell.exe started with -EncodedCommand.',
};

export async function startConsoleFixture(options: { port?: number; now?: number; assetsDir?: string } = {}): Promise<ConsoleFixture> {
  const now = options.now ?? Date.now();
  const dir = await mkdtemp(join(tmpdir(), 'socle-console-'));
  const journal = await AlertJournal.open(join(dir, 'alerts'));
  await journal.write(seedAlerts(now));
  const triage = await JournalTriageStore.open(join(dir, 'triage'));
  const tokens = new MemoryTokenStore();
  const audit = new MemoryAccessAuditLog();
  const expires = (days: number) => new Date(now + days * 86_400_000).toISOString();
  const mint = (layer: 1 | 2 | 3 | 4, organizations: string[], role: 'analyst' | 'auditor' | 'national', days: number) =>
    tokens.create({ layer, organizations, role, expiresAt: expires(days), createdBy: 'console-fixture' }, now).token;
  const api: RunningAlertApi = await startAlertApi(
    { store: new JournalAlertStore(journal), triage, tokens, audit, logger: silentLogger, console: { assetsDir: options.assetsDir ?? CONSOLE_ASSETS_DIR } },
    '127.0.0.1',
    options.port ?? 0,
  );
  return {
    url: api.url,
    tokens: { l1a: mint(1, ['org-a'], 'analyst', 30), l1b: mint(1, ['org-b'], 'analyst', 30), l2: mint(2, ['org-a', 'org-b'], 'analyst', 30), l3: mint(3, ['org-a'], 'auditor', 12), l4: mint(4, [], 'national', 365) },
    journal,
    audit,
    write: (alerts) => journal.write(alerts),
    close: async () => {
      await api.close();
      await triage.close();
      await journal.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
