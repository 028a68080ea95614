import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Alert } from '@socle/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayScenario, type ReplayResult } from './replay-scenario.ts';
import { readScenario } from './scenario-manifest.ts';

// Rule ids of the socle-baseline pack (packages/rules/packs/socle-baseline/rules/...).
const RULE = {
  portScan: 'c87ae447-3c0f-42c5-af08-d59df4509410', // network/port-scan.yml, correlation
  webScanner: 'f4975167-44bb-480c-83c6-682140e890b4', // web/attacks.yml
  contentDiscovery: '28679776-026f-44e0-8171-4d4c567bc60e', // web/discovery.yml, correlation
  sqlInjection: 'aa0e3d4a-d676-452d-b121-dc9246f1249a',
  xss: '620eb4c4-71cb-4f1a-bdb6-f55fc26b601e',
  pathTraversal: 'b81879b1-abe9-442f-ab3f-6f893eb6f16f',
  webShell: 'a3a1cd7b-2349-4649-a01c-387264eac666',
  sshUnknownUser: '8529f5ff-122c-4afb-80f2-be6313ee3c3a',
  sshBruteForce: 'e65bd695-f21d-4020-9a62-db67c505fc9c', // linux/ssh.yml, correlation
  sshSpraying: '43713f2a-42cd-4d33-bfc2-bb0ef1eba76d', // correlation
  sshSuccessAfterBruteForce: '8c1b894e-339d-4c44-96e0-c3cde92a44ba', // temporal_ordered
  powershellEncoded: '513d0dc1-de81-4d2a-bc88-a4c2b5f0fd6a',
  powershellCradle: '1b5c6171-2e7b-4c58-90e4-3f24894ff50a',
  lsassDumpLolbin: '37bc1f60-cd5e-4fa7-9ed0-98afd4fde5bd',
  lsassAccess: '9e0138d9-7f90-4985-ab62-67b90604d9d2',
  lateralMovement: '3f50374b-629d-4ccc-b671-e01ec1b55b54', // identity/lateral-movement.yml, correlation
  windowsUserCreated: '37c90031-36da-4f8f-bb8e-4a9e98b955ad',
  newWindowsAdmin: '2059a031-8243-4a87-a089-07f0d7a216f2',
  exfiltration: 'a6b2b6d4-6355-4877-9e33-854fd10569c7', // network/exfiltration.yml, value_sum of source.bytes
};
const ATTACKER = '203.0.113.66';

let dir: string;
let result: ReplayResult;
const of = (rule: string): Alert[] => result.alerts.filter((a) => a.rule.id === rule);
/** Matches behind a rule's alerts, counting the repeats suppression folded into them. */
const matches = (rule: string): number => of(rule).reduce((n, a) => n + 1 + (a.socle.suppression?.suppressed ?? 0), 0);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'socle-replay-'));
  result = await replayScenario({ journalDir: dir });
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('replaying the bundled scenario (the pipeline behind `socle demo`)', () => {
  it('parses every raw line of the five logs', () => {
    expect(result.rejectedRecords).toEqual([]);
    expect(result.lines).toBe(961);
    expect(result.events).toBe(961);
  });

  it('sees the reconnaissance: port scan, scanner, content discovery', () => {
    expect(of(RULE.portScan)).toHaveLength(1);
    expect(of(RULE.portScan)[0].socle.correlation?.group).toEqual({ 'source.ip': ATTACKER });
    expect(matches(RULE.webScanner)).toBe(65);
    expect(of(RULE.contentDiscovery)).toHaveLength(1);
  });

  it('sees the web attacks: SQL injection, XSS, path traversal and the web shell', () => {
    expect(matches(RULE.sqlInjection)).toBe(5);
    expect(matches(RULE.xss)).toBe(2);
    expect(matches(RULE.pathTraversal)).toBe(3);
    expect(matches(RULE.webShell)).toBe(4);
    for (const a of [...of(RULE.sqlInjection), ...of(RULE.webShell)]) {
      expect(a).toMatchObject({ host: { name: 'web-01' }, source: { ip: ATTACKER } });
    }
  });

  it('sees the SSH brute force, the spraying and the success that follows, all from the attacker only', () => {
    const bruteForce = of(RULE.sshBruteForce);
    expect(bruteForce.length).toBeGreaterThanOrEqual(1);
    expect(of(RULE.sshSpraying).length).toBeGreaterThanOrEqual(1);
    for (const a of [...bruteForce, ...of(RULE.sshSpraying)]) expect(a.socle.correlation?.group).toEqual({ 'source.ip': ATTACKER });
    const success = of(RULE.sshSuccessAfterBruteForce);
    expect(success).toHaveLength(1);
    expect(success[0].socle.correlation?.group).toEqual({ 'source.ip': ATTACKER });
    expect(success[0]['@timestamp']).toBe('2026-03-14T09:18:40.000Z');
    expect(matches(RULE.sshUnknownUser)).toBe(40);
  });

  it('sees the lateral movement of svc_backup onto four hosts, and nobody else’s', () => {
    const lateral = of(RULE.lateralMovement);
    expect(lateral).toHaveLength(1);
    expect(lateral[0].socle.correlation).toMatchObject({ group: { 'user.name': 'svc_backup' }, value: 4 });
  });

  it('sees the attacker’s tools on the Windows hosts', () => {
    expect(matches(RULE.powershellEncoded)).toBe(1);
    expect(matches(RULE.powershellCradle)).toBe(1);
    expect(matches(RULE.lsassDumpLolbin)).toBe(1);
    expect(matches(RULE.lsassAccess)).toBe(1);
    expect(matches(RULE.windowsUserCreated)).toBe(1);
    expect(matches(RULE.newWindowsAdmin)).toBe(1);
    expect(of(RULE.newWindowsAdmin)[0]).toMatchObject({ host: { name: 'dc-01' } });
  });

  it('sees app-02 sending 500 MiB to one external address, counted from the firewall session log', () => {
    const exfiltration = of(RULE.exfiltration);
    expect(exfiltration).toHaveLength(1);
    const correlation = exfiltration[0].socle.correlation;
    expect(correlation?.group).toEqual({ 'source.ip': '10.0.2.15', 'destination.ip': '198.51.100.200' });
    expect(Number(correlation?.value)).toBeGreaterThanOrEqual(500 * 1024 * 1024);
    expect(exfiltration[0]['@timestamp']).toBe('2026-03-14T09:47:45.000Z');
    // The bytes come from the CEF session records; the ufw lines of the same connections carry none.
    expect(correlation?.events.ids.every((id) => id.startsWith('firewall-sessions.cef:'))).toBe(true);
  });

  it('raises nothing about the benign background traffic', () => {
    const expected = new Set(Object.values(RULE));
    expect(result.alerts.filter((a) => !expected.has(a.rule.id)).map((a) => a.rule.name)).toEqual([]);
    const staff = ['10.0.0.21', '10.0.0.34', '10.0.0.47'];
    expect(result.alerts.filter((a) => staff.includes(String((a.source as { ip?: string } | undefined)?.ip)))).toEqual([]);
  });

  it('replayed again into the same journal, stores the same alerts once (deterministic ids, upserts)', async () => {
    const again = await replayScenario({ journalDir: dir });
    expect(again.alerts.map((a) => a.event.id).sort()).toEqual(result.alerts.map((a) => a.event.id).sort());
  }, 120_000);
});
