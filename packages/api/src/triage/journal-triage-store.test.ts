import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JournalTriageStore } from './journal-triage-store.ts';
import { parseTriageChange } from './triage.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'socle-triage-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const alice = { tokenId: 'aaaa', layer: 2, role: 'analyst' };
const bob = { tokenId: 'bbbb', layer: 1, role: 'admin' };

describe('JournalTriageStore', () => {
  it('keeps every change as a trail and folds it into the current state, across reopen', async () => {
    const store = await JournalTriageStore.open(dir);
    expect(await store.state('x1')).toEqual({ alertId: 'x1', status: 'open', tags: [], notes: [] });
    await store.append('x1', alice, { status: 'acknowledged', assignee: 'alice', addTags: ['phishing', 'vip'] }, new Date('2026-11-23T10:00:00Z'));
    await store.append('x1', bob, { removeTags: ['vip'], note: 'user confirmed the mail' }, new Date('2026-11-23T10:05:00Z'));
    await store.append('x1', alice, { status: 'closed', assignee: null }, new Date('2026-11-23T10:10:00Z'));
    await store.append('x2', bob, { status: 'acknowledged' }, new Date('2026-11-23T10:11:00Z'));
    await store.close();

    const reopened = await JournalTriageStore.open(dir);
    expect(await reopened.state('x1')).toEqual({
      alertId: 'x1',
      status: 'closed',
      tags: ['phishing'],
      notes: [{ at: '2026-11-23T10:05:00.000Z', by: bob, text: 'user confirmed the mail' }],
      updatedAt: '2026-11-23T10:10:00.000Z',
      updatedBy: alice,
    });
    expect((await reopened.history('x1')).map((e) => [e.by.tokenId, e.change])).toEqual([
      ['aaaa', { status: 'acknowledged', assignee: 'alice', addTags: ['phishing', 'vip'] }],
      ['bbbb', { removeTags: ['vip'], note: 'user confirmed the mail' }],
      ['aaaa', { status: 'closed', assignee: null }],
    ]);
    expect(await reopened.idsWithStatus('closed')).toEqual(['x1']);
    expect(await reopened.idsNotOpen()).toEqual(['x1', 'x2']);
    await reopened.close();
  });

  it('skips unreadable lines and says where', async () => {
    await appendFile(join(dir, 'triage.ndjson'), '{"alertId":"x","at":"2026-11-23T10:00:00Z","by":{"tokenId":"t"},"change":{"status":"closed"}}\nnot json\n');
    const store = await JournalTriageStore.open(dir);
    expect((await store.state('x')).status).toBe('closed');
    expect(store.warnings).toEqual([expect.stringMatching(/triage\.ndjson:2: skipped/)]);
    await store.close();
  });
});

describe('parseTriageChange', () => {
  it('accepts the triage fields and names the bad one', () => {
    expect(parseTriageChange({ status: 'closed', note: 'done' })).toEqual({ status: 'closed', note: 'done' });
    expect(() => parseTriageChange({ status: 'resolved' })).toThrow(/^status: expected one of open, acknowledged, closed/);
    expect(() => parseTriageChange({ organization: 'org-b' })).toThrow(/^organization: not a triage field/);
    expect(() => parseTriageChange({ addTags: ['ok', 'bad tag'] })).toThrow(/^addTags:/);
    expect(() => parseTriageChange({ note: 'x'.repeat(5000) })).toThrow(/^note:/);
    expect(() => parseTriageChange({})).toThrow(/needs at least one/);
    expect(() => parseTriageChange([])).toThrow(/^body: expected a JSON object/);
  });
});
