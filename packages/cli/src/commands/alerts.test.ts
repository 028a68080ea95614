import { silentLogger } from '@socle/core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryAccessAuditLog, MemoryTokenStore, AlertJournal, JournalAlertStore, startAlertApi, type RunningAlertApi, JournalTriageStore } from '@socle/api';
import { makeScopedAlert } from '@socle/api/testing';
import { registerAlerts, resolveRelativeTime } from './alerts.ts';
import { runCli } from './cli-run.test-helper.ts';

let dir: string;
let api: RunningAlertApi;
let journal: AlertJournal;
let token: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'socle-alerts-cli-'));
  const seed = await AlertJournal.open(join(dir, 'alerts'));
  await seed.write([
    makeScopedAlert({ id: 'k1', time: '2026-11-23T09:00:00Z', org: 'org-a', technique: 'T1059.001', sourceIp: '198.51.100.7', rule: 'ps', level: 'high' }),
    makeScopedAlert({ id: 'k2', time: '2026-11-23T09:10:00Z', org: 'org-b', destinationIp: '198.51.100.7', rule: 'c2', level: 'critical' }),
    makeScopedAlert({ id: 'k3', time: '2026-11-23T09:20:00Z', org: 'org-a', rule: 'c2', level: 'low' }),
  ]);
  await seed.close();
  const triage = await JournalTriageStore.open(join(dir, 'triage'));
  await triage.append('k3', { tokenId: 'local' }, { status: 'closed' });
  await triage.close();
  journal = await AlertJournal.open(join(dir, 'alerts'));
  const tokens = new MemoryTokenStore();
  token = tokens.create({ layer: 1, organizations: ['org-a'], role: 'analyst', expiresAt: new Date(Date.now() + 3_600_000).toISOString(), createdBy: 't' }).token;
  api = await startAlertApi({ store: new JournalAlertStore(journal), tokens, audit: new MemoryAccessAuditLog(), logger: silentLogger }, '127.0.0.1', 0);
});
afterAll(async () => {
  await api?.close();
  await journal?.close();
  await rm(dir, { recursive: true, force: true });
});

const alerts = (...args: string[]) => runCli(registerAlerts, ['alerts', ...args]);
const ids = (stdout: string) => (JSON.parse(stdout).alerts as { event: { id: string } }[]).map((a) => a.event.id);

describe('socle alerts search', () => {
  it('queries the journal with the new filters', async () => {
    const j = join(dir, 'alerts');
    expect(ids((await alerts('search', '--journal', j, '--ip', '198.51.100.7', '--json')).stdout)).toEqual(['k2', 'k1']);
    expect(ids((await alerts('search', '--journal', j, '--technique', 'T1059.001', '--json')).stdout)).toEqual(['k1']);
    expect(ids((await alerts('search', '--journal', j, '--organization', 'org-a', '--json')).stdout)).toEqual(['k3', 'k1']);
    expect(ids((await alerts('search', '--journal', j, '--triage', join(dir, 'triage'), '--status', 'open', '--json')).stdout)).toEqual(['k2', 'k1']);
    expect(await alerts('search', '--journal', j, '--status', 'closed')).toMatchObject({ code: 2, stderr: expect.stringMatching(/--status: give --triage/) });
    expect(await alerts('search', '--journal', j, '--technique', 'powershell')).toMatchObject({ code: 2, stderr: expect.stringMatching(/technique: 'powershell' is not an ATT&CK technique id/) });
  });

  it('queries a running API with a token, within the token scope', async () => {
    const remote = await alerts('search', '--url', api.url, '--token', token, '--json');
    expect(ids(remote.stdout)).toEqual(['k3', 'k1']);
    expect(ids((await alerts('search', '--url', api.url, '--token', token, '--organization', 'org-b', '--json')).stdout)).toEqual([]);
    expect(await alerts('search', '--url', api.url, '--token', 'nope')).toMatchObject({ code: 2, stderr: expect.stringMatching(/401 invalid or expired token/) });
    const counts = await alerts('counts', '--url', api.url, '--token', token, '--by', 'rule');
    expect(counts.stdout).toBe('     1  c2\n     1  ps\n');
  });
});

describe('socle alerts search for analysts', () => {
  it('prints alert ids, dates and rule names, and takes a rule by its name', async () => {
    const j = join(dir, 'alerts');
    const table = await alerts('search', '--journal', j, '--rule', 'Rule c2');
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+TIME \(UTC\)\s+SEVERITY\s+RULE/);
    expect(table.stdout).toMatch(/k3\s+2026-11-23 09:20:00\s+low\s+Rule c2/);
    expect(table.stdout).toMatch(/k2\s+2026-11-23 09:10:00\s+critical\s+Rule c2/);
    expect(table.stdout).not.toContain('k1');
    expect(ids((await alerts('search', '--journal', j, '--rule', 'rule C2', '--json')).stdout)).toEqual(['k3', 'k2']);
    expect(ids((await alerts('search', '--journal', j, '--rule', 'ps', '--json')).stdout)).toEqual(['k1']);
  });

  it('reads relative times', async () => {
    const now = Date.parse('2026-11-23T10:00:00Z');
    expect(resolveRelativeTime('now-15m', now)).toBe('2026-11-23T09:45:00.000Z');
    expect(resolveRelativeTime('24h', now)).toBe('2026-11-22T10:00:00.000Z');
    expect(resolveRelativeTime('7d', now)).toBe('2026-11-16T10:00:00.000Z');
    expect(resolveRelativeTime('2026-11-23T09:00:00Z', now)).toBe('2026-11-23T09:00:00Z');
    expect(ids((await alerts('search', '--journal', join(dir, 'alerts'), '--from', '1h', '--json')).stdout)).toEqual([]);
    expect(await alerts('search', '--journal', join(dir, 'alerts'), '--from', 'soon')).toMatchObject({ code: 2, stderr: expect.stringMatching(/from: 'soon'/) });
  });
});
