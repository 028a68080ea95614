import { mkdtemp, readdir, readFile, appendFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DiskSpool } from './disk-spool.ts';
import type { StoredRecord } from '../delivery/outbound.ts';

const event = (n: number): StoredRecord => ({ kind: 'event', input: 'test', event: { n, message: `event ${n}` } });
const numbers = (records: StoredRecord[]): number[] => records.map((r) => (r.kind === 'event' ? (r.event.n as number) : -1));

describe('DiskSpool', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'socle-spool-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('replays appended records in order and is empty once everything is committed', async () => {
    const spool = await DiskSpool.open(dir, { maxSegmentBytes: 1 << 20 });
    expect(spool.isEmpty).toBe(true);
    await spool.append([event(1), event(2)]);
    await spool.append([event(3)]);
    expect(spool.isEmpty).toBe(false);
    const first = await spool.read(spool.committed, 2);
    expect(numbers(first.records)).toEqual([1, 2]);
    await spool.commit(first.next);
    const second = await spool.read(first.next, 10);
    expect(numbers(second.records)).toEqual([3]);
    await spool.commit(second.next);
    expect(spool.isEmpty).toBe(true);
    await spool.close();
  });

  it('rolls segments at the size limit, reads across them, and deletes the consumed ones', async () => {
    const spool = await DiskSpool.open(dir, { maxSegmentBytes: 200 });
    for (let i = 0; i < 30; i++) await spool.append([event(i)]);
    const segments = (await readdir(dir)).filter((n) => n.startsWith('segment-'));
    expect(segments.length).toBeGreaterThan(3);
    const all = await spool.read(spool.committed, 1000);
    expect(numbers(all.records)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    await spool.commit(all.next);
    const left = (await readdir(dir)).filter((n) => n.startsWith('segment-'));
    expect(left).toHaveLength(1);
    await spool.close();
  });

  it('resumes after a restart from the committed position, without the records already replayed', async () => {
    const spool = await DiskSpool.open(dir, { maxSegmentBytes: 300 });
    for (let i = 0; i < 20; i++) await spool.append([event(i)]);
    const part = await spool.read(spool.committed, 7);
    await spool.commit(part.next);
    await spool.close();

    const reopened = await DiskSpool.open(dir, { maxSegmentBytes: 300 });
    const rest = await reopened.read(reopened.committed, 1000);
    expect(numbers(rest.records)).toEqual(Array.from({ length: 13 }, (_, i) => i + 7));
    await reopened.append([event(20)]);
    const more = await reopened.read(rest.next, 1000);
    expect(numbers(more.records)).toEqual([20]);
    await reopened.close();
  });

  it('cuts a record torn by a crash mid-append and keeps appending after the last whole record', async () => {
    const spool = await DiskSpool.open(dir, { maxSegmentBytes: 1 << 20 });
    await spool.append([event(1), event(2)]);
    await spool.close();
    const [segment] = (await readdir(dir)).filter((n) => n.startsWith('segment-'));
    await appendFile(join(dir, segment!), '{"kind":"event","inp');

    const reopened = await DiskSpool.open(dir, { maxSegmentBytes: 1 << 20 });
    await reopened.append([event(3)]);
    const all = await reopened.read(reopened.committed, 100);
    expect(numbers(all.records)).toEqual([1, 2, 3]);
    expect((await readFile(join(dir, segment!), 'utf8')).endsWith('\n')).toBe(true);
    await reopened.close();
  });

  it('names the segment and offset of an unreadable record', async () => {
    const spool = await DiskSpool.open(dir, { maxSegmentBytes: 1 << 20 });
    await spool.close();
    const [segment] = (await readdir(dir)).filter((n) => n.startsWith('segment-'));
    await appendFile(join(dir, segment!), 'not json\n');
    const reopened = await DiskSpool.open(dir, { maxSegmentBytes: 1 << 20 });
    await expect(reopened.read(reopened.committed, 10)).rejects.toThrow(/segment-000000000001\.ndjson offset 0: unreadable record/);
    await reopened.close();
  });
});
