import { appendFile, mkdir, mkdtemp, readFile, rename, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CollectorMetrics } from '../metrics/collector-metrics.ts';
import { Intake, type ParseRecordFn } from '../delivery/intake.ts';
import type { OutboundRecord } from '../delivery/outbound.ts';
import { RecordBuffer } from '../delivery/record-buffer.ts';
import { FileTailInput } from './file-tail.ts';

// Test-only parser injected through the intake: the line becomes `message`.
const parseLine: ParseRecordFn = (_format, raw, ctx) => ({ ok: true, event: { message: raw, organization: { id: ctx.organization } } });

async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('FileTailInput', () => {
  let dir: string;
  let running: { tail: FileTailInput; buffer: RecordBuffer<OutboundRecord> } | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'socle-tail-'));
  });
  afterEach(async () => {
    if (running) await stop();
    await rm(dir, { recursive: true, force: true });
  });

  const stateFile = () => join(dir, 'state', 'files.json');

  /** Starts a tailer whose records are acknowledged only while `acknowledging` is true. */
  async function start(options: { acknowledging?: boolean } = {}) {
    const buffer = new RecordBuffer<OutboundRecord>(10_000);
    const messages: string[] = [];
    const control = { acknowledging: options.acknowledging ?? true };
    void (async () => {
      for (;;) {
        const batch = await buffer.take(1000, 1);
        if (batch.length === 0) return;
        for (const r of batch) if (r.kind === 'event') messages.push(r.event.message as string);
        if (control.acknowledging) for (const r of batch) r.ack?.deliver();
      }
    })();
    const tail = new FileTailInput(
      { name: 'files', organization: 'acme', format: 'plain', paths: [join(dir, 'logs', '*.log')], stateFile: stateFile(), pollIntervalMs: 10, readChunkBytes: 4096, maxMessageBytes: 1024, startAt: 'beginning' },
      new Intake(buffer, parseLine, (raw, _ctx, error) => ({ raw, error }), new CollectorMetrics()),
    );
    await tail.start();
    running = { tail, buffer };
    return { messages, control };
  }

  async function stop(): Promise<void> {
    const { tail, buffer } = running!;
    running = undefined;
    await tail.stop();
    buffer.close();
    await tail.finish();
  }

  const savedOffset = async (): Promise<number | undefined> => {
    try {
      const state = JSON.parse(await readFile(stateFile(), 'utf8')) as { files: { offset: number }[] };
      return state.files[0]?.offset;
    } catch {
      return undefined;
    }
  };

  it('reads matching files and checkpoints the end of the last complete line only', async () => {
    await rm(join(dir, 'logs'), { recursive: true, force: true });
    await writeFile(join(dir, 'logs.txt'), 'ignored');
    await mkdir(join(dir, 'logs'));
    await writeFile(join(dir, 'logs', 'a.log'), 'one\ntwo\nthree-unfinished');
    await writeFile(join(dir, 'logs', 'b.txt'), 'not matched\n');
    const { messages } = await start();
    await until(async () => (await savedOffset()) === 8);
    expect(messages).toEqual(['one', 'two']);
    await appendFile(join(dir, 'logs', 'a.log'), '\n');
    await until(() => messages.length === 3);
    expect(messages[2]).toBe('three-unfinished');
  });

  it('resumes after a restart where the last acknowledged batch ended', async () => {
    await mkdir(join(dir, 'logs'));
    const log = join(dir, 'logs', 'app.log');
    await writeFile(log, 'a1\na2\n');
    const first = await start();
    await until(async () => (await savedOffset()) === 6);
    await stop();
    await appendFile(log, 'a3\na4\n');
    const second = await start();
    await until(() => second.messages.length === 2);
    expect(first.messages).toEqual(['a1', 'a2']);
    expect(second.messages).toEqual(['a3', 'a4']);
  });

  it('does not checkpoint a batch the output never acknowledged, so a restart reads it again', async () => {
    await mkdir(join(dir, 'logs'));
    await writeFile(join(dir, 'logs', 'app.log'), 'b1\nb2\n');
    const first = await start({ acknowledging: false });
    await until(() => first.messages.length === 2);
    await stop();
    expect(await savedOffset()).toBe(0);
    const second = await start();
    await until(() => second.messages.length === 2);
    expect(second.messages).toEqual(['b1', 'b2']);
  });

  it('follows rotation: finishes the renamed file, then reads the new one from the start', async () => {
    await mkdir(join(dir, 'logs'));
    const log = join(dir, 'logs', 'app.log');
    await writeFile(log, 'old1\n');
    const { messages } = await start();
    await until(() => messages.length === 1);
    // The writer appends once more to the old file after the rename, as real loggers do until they reopen.
    await rename(log, join(dir, 'logs', 'app.log.1'));
    await appendFile(join(dir, 'logs', 'app.log.1'), 'old2\n');
    await writeFile(log, 'new1\n');
    await until(() => messages.length === 3);
    expect(messages.slice(1).sort()).toEqual(['new1', 'old2']);
    await appendFile(log, 'new2\n');
    await until(() => messages.length === 4);
    expect(messages[3]).toBe('new2');
  });

  it('detects truncation and reads the file again from the start', async () => {
    await mkdir(join(dir, 'logs'));
    const log = join(dir, 'logs', 'app.log');
    await writeFile(log, 'long line before truncation\n');
    const { messages } = await start();
    await until(() => messages.length === 1);
    await truncate(log, 0);
    await until(async () => (await savedOffset()) === 0);
    await appendFile(log, 'after\n');
    await until(() => messages.length === 2);
    expect(messages[1]).toBe('after');
  });
});
