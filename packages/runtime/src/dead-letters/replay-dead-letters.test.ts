import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileDeadLetterSink } from './file-dead-letter-sink.ts';
import { replayFileDeadLetters } from './replay-dead-letters.ts';
import type { DeadLetter } from './dead-letter.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'socle-dlq-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const letter = (raw: Buffer, stage: DeadLetter['stage'], reason: string): DeadLetter => ({
  stage,
  reason,
  message: `${reason}!`,
  ref: 'syslog:abc',
  at: '2026-03-14T10:00:00.000Z',
  raw: { value: raw, origin: { input: 'syslog' } },
});

describe('dead-letter file', () => {
  it('keeps text as text and other bytes as base64, and replays the text records that pass the filter', async () => {
    const file = join(dir, 'dead-letters.ndjson');
    const sink = new FileDeadLetterSink(file);
    await sink.write([letter(Buffer.from('<13>bad line'), 'normalise', 'parse-error'), letter(Buffer.from([0xff, 0xfe]), 'normalise', 'unframed')]);
    await sink.write([letter(Buffer.from('{"@timestamp": 1e20}'), 'evaluate', 'time-out-of-range')]);
    await sink.close();
    const lines = (await readFile(file, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toEqual({ at: '2026-03-14T10:00:00.000Z', stage: 'normalise', reason: 'parse-error', error: 'parse-error!', ref: 'syslog:abc', origin: { input: 'syslog' }, raw: '<13>bad line' });
    expect(lines[1]).toMatchObject({ reason: 'unframed', rawBase64: '//4=' });

    const out: string[] = [];
    const all = await replayFileDeadLetters(file, {}, (l) => out.push(l));
    expect(out).toEqual(['<13>bad line', '{"@timestamp": 1e20}']);
    expect(all).toEqual({ read: 3, replayed: 2, skipped: 1, byReason: { 'normalise/parse-error': 1, 'evaluate/time-out-of-range': 1 }, byTopic: { syslog: 2 } });
    const some: string[] = [];
    expect((await replayFileDeadLetters(file, { stages: ['evaluate'] }, (l) => some.push(l))).replayed).toBe(1);
    expect(some).toEqual(['{"@timestamp": 1e20}']);
  });

  it('keeps a record that starts with a byte order mark byte for byte, and replays it so', async () => {
    const file = join(dir, 'dead-letters.ndjson');
    const sink = new FileDeadLetterSink(file);
    const record = '\uFEFF{"marker":"m0"}';
    await sink.write([letter(Buffer.from(record, 'utf8'), 'normalise', 'parse-error')]);
    await sink.close();
    expect(JSON.parse(await readFile(file, 'utf8')).raw).toBe(record);
    const out: string[] = [];
    await replayFileDeadLetters(file, {}, (l) => out.push(l));
    expect(out).toEqual([record]);
  });
});
