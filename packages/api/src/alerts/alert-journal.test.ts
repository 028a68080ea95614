import { mkdtemp, readdir, readFile, rm, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeAlert } from '../testing/alert-fixtures.ts';
import { AlertJournal } from './alert-journal.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'socle-journal-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('AlertJournal', () => {
  it('appends alerts as NDJSON and finds them by id', async () => {
    const j = await AlertJournal.open(dir);
    await j.write([makeAlert({ id: 'a1', time: '2026-11-23T10:00:00Z' }), makeAlert({ id: 'a2', time: '2026-11-23T10:01:00Z' })]);
    expect(j.index.get('a2')?.['@timestamp']).toBe('2026-11-23T10:01:00Z');
    await j.close();
    const files = await readdir(dir);
    expect(files).toEqual(['alerts-000001.ndjson']);
    const lines = (await readFile(join(dir, files[0]), 'utf8')).trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).event.id)).toEqual(['a1', 'a2']);
  });

  it('restores the index when reopened, and keeps appending to the same journal', async () => {
    const j = await AlertJournal.open(dir);
    await j.write([makeAlert({ id: 'a1', time: '2026-11-23T10:00:00Z', rule: 'r1' })]);
    await j.close();
    const again = await AlertJournal.open(dir);
    expect(again.index.size).toBe(1);
    expect(again.index.search({ rule: ['r1'] }).alerts.map((a) => a.event.id)).toEqual(['a1']);
    await again.write([makeAlert({ id: 'a2', time: '2026-11-23T10:05:00Z' })]);
    await again.close();
    const third = await AlertJournal.open(dir);
    expect(third.index.size).toBe(2);
    expect(await readdir(dir)).toEqual(['alerts-000001.ndjson']);
    await third.close();
  });

  it('stores an alert written twice with the same id once, the latest version winning, also after reopening', async () => {
    const j = await AlertJournal.open(dir);
    await j.write([makeAlert({ id: 'same', time: '2026-11-23T10:00:00Z', level: 'medium' })]);
    await j.write([makeAlert({ id: 'same', time: '2026-11-23T10:00:00Z', level: 'critical' })]);
    expect(j.index.size).toBe(1);
    expect(j.index.get('same')?.socle.level).toBe('critical');
    expect(j.index.search({ severity: ['medium'] }).total).toBe(0);
    await j.close();
    const again = await AlertJournal.open(dir);
    expect(again.index.size).toBe(1);
    expect(again.index.get('same')?.socle.level).toBe('critical');
    expect(again.index.aggregate('severity')).toEqual([{ key: 'critical', count: 1 }]);
    await again.close();
  });

  it('starts a new segment when the current one is full, and reads all segments back in order', async () => {
    const j = await AlertJournal.open(dir, { maxSegmentBytes: 600 });
    for (let i = 0; i < 6; i++) await j.write([makeAlert({ id: `a${i}`, time: `2026-11-23T10:0${i}:00Z` })]);
    await j.write([makeAlert({ id: 'a0', time: '2026-11-23T10:00:00Z', level: 'high' })]);
    await j.close();
    const files = await readdir(dir);
    expect(files.length).toBeGreaterThan(1);
    const again = await AlertJournal.open(dir, { maxSegmentBytes: 600 });
    expect(again.index.size).toBe(6);
    expect(again.index.get('a0')?.socle.level).toBe('high');
    await again.close();
  });

  it('drops a torn last line left by an interrupted write and reports it', async () => {
    const j = await AlertJournal.open(dir);
    await j.write([makeAlert({ id: 'a1', time: '2026-11-23T10:00:00Z' })]);
    await j.close();
    await appendFile(join(dir, 'alerts-000001.ndjson'), '{"@timestamp":"2026-11-23T1');
    const again = await AlertJournal.open(dir);
    expect(again.warnings).toEqual([expect.stringMatching(/alerts-000001\.ndjson: incomplete last line/)]);
    await again.write([makeAlert({ id: 'a2', time: '2026-11-23T10:01:00Z' })]);
    await again.close();
    const third = await AlertJournal.open(dir);
    expect(third.warnings).toEqual([]);
    expect(third.index.size).toBe(2);
    await third.close();
  });

  it('skips a corrupt line in the middle, naming file and line', async () => {
    const j = await AlertJournal.open(dir);
    await j.write([makeAlert({ id: 'a1', time: '2026-11-23T10:00:00Z' })]);
    await j.close();
    await appendFile(join(dir, 'alerts-000001.ndjson'), 'garbage\n');
    const again = await AlertJournal.open(dir);
    await again.write([makeAlert({ id: 'a2', time: '2026-11-23T10:01:00Z' })]);
    expect(again.warnings).toEqual([expect.stringMatching(/alerts-000001\.ndjson:2: not a stored alert/)]);
    expect(again.index.size).toBe(2);
    await again.close();
  });

  it('refuses an alert without event.id, naming its rule', async () => {
    const j = await AlertJournal.open(dir);
    const bad = makeAlert({ id: '', time: '2026-11-23T10:00:00Z', rule: 'r9' });
    await expect(j.write([bad])).rejects.toThrow(/r9.*event\.id/);
    await j.close();
  });

  it('keeps every alert of concurrent writes, each written whole', async () => {
    const j = await AlertJournal.open(dir);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => j.write([makeAlert({ id: `c${i}a`, time: '2026-11-23T10:00:00Z' }), makeAlert({ id: `c${i}b`, time: '2026-11-23T10:00:01Z' })])),
    );
    await j.close();
    const lines = (await readFile(join(dir, 'alerts-000001.ndjson'), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(40);
    for (const l of lines) expect(() => JSON.parse(l)).not.toThrow();
    expect((await AlertJournal.open(dir)).index.size).toBe(40);
  });

  it('a failed write does not block the writes after it', async () => {
    const j = await AlertJournal.open(dir);
    const bad = j.write([makeAlert({ id: '', time: '2026-11-23T10:00:00Z' })]);
    const good = j.write([makeAlert({ id: 'ok', time: '2026-11-23T10:00:00Z' })]);
    await expect(bad).rejects.toThrow(/event\.id/);
    await good;
    expect(j.index.get('ok')).toBeDefined();
    await j.close();
  });
});
