import type { LogFields, LogLevel, Logger } from '@socle/core';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CollectorMetrics } from '../metrics/collector-metrics.ts';
import type { Output } from '../outputs/output.ts';
import { StdoutOutput } from '../outputs/stdout-output.ts';
import { Acknowledgement } from './acknowledgement.ts';
import { DeliveryLoop } from './delivery-loop.ts';
import type { OutboundRecord } from './outbound.ts';
import { RecordBuffer } from './record-buffer.ts';

/** Fails the first `failures` sends, then records what it receives. */
class FlakyOutput implements Output {
  readonly name = 'flaky';
  readonly batches: number[][] = [];
  constructor(public failures: number) {}
  async start(): Promise<void> {}
  async send(batch: OutboundRecord[]): Promise<void> {
    if (this.failures > 0) {
      this.failures--;
      throw new Error('broker unavailable');
    }
    this.batches.push(batch.map((r) => (r.kind === 'event' ? (r.event.n as number) : -1)));
  }
  async close(): Promise<void> {}
}

/** A logger that keeps what it is told, as `[level, message, fields]`. */
function recordingLogger(into: Array<[LogLevel, string, LogFields | undefined]>): Logger {
  const at = (level: LogLevel) => (message: string, fields?: LogFields) => void into.push([level, message, fields]);
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

const record = (n: number, ack?: Acknowledgement): OutboundRecord => ({ kind: 'event', input: 'in', event: { n }, ack });

describe('DeliveryLoop', () => {
  it('retries a failed batch until delivered, keeps order, and acknowledges only after delivery', async () => {
    const buffer = new RecordBuffer<OutboundRecord>(100);
    const output = new FlakyOutput(3);
    const metrics = new CollectorMetrics();
    const logged: Array<[LogLevel, string, LogFields | undefined]> = [];
    const loop = new DeliveryLoop(buffer, output, metrics, { batchSize: 2, lingerMs: 0, retryDelayMs: 1, logger: recordingLogger(logged) });
    const ack = new Acknowledgement();
    for (let n = 0; n < 5; n++) {
      ack.add();
      buffer.push(record(n, ack));
    }
    let settled = false;
    void ack.seal().then(() => (settled = true));
    loop.start();
    expect(settled).toBe(false);
    expect(await loop.drain(10_000)).toEqual({ delivered: true });
    await ack.settled;
    expect(output.batches.flat()).toEqual([0, 1, 2, 3, 4]);
    expect(logged).toHaveLength(3);
    expect(logged[0]).toEqual(['warn', 'batch not delivered, retrying', { output: 'flaky', records: 2, retryInMs: 1, error: 'broker unavailable' }]);
    expect(await metrics.count(metrics.eventsOut, 'in')).toBe(5);
  });

  it('keeps up to inFlight batches outstanding and acknowledges them in the order they were taken', async () => {
    const buffer = new RecordBuffer<OutboundRecord>(100);
    const pending: { first: number; finish: () => void }[] = [];
    let most = 0;
    const output: Output = {
      name: 'slow',
      start: async () => {},
      close: async () => {},
      send: (batch) =>
        new Promise<void>((finish) => {
          pending.push({ first: batch[0].kind === 'event' ? (batch[0].event.n as number) : -1, finish });
          most = Math.max(most, pending.length);
        }),
    };
    const loop = new DeliveryLoop(buffer, output, new CollectorMetrics(), { batchSize: 2, lingerMs: 0, inFlight: 3 });
    const acknowledged: number[] = [];
    for (let n = 0; n < 8; n++) {
      const ack = new Acknowledgement();
      ack.add();
      void ack.seal().then(() => acknowledged.push(n));
      buffer.push(record(n, ack));
    }
    loop.start();
    const tick = () => new Promise((r) => setTimeout(r, 5));
    await tick();
    expect(pending.map((p) => p.first)).toEqual([0, 2, 4]);
    pending.splice(1, 1)[0].finish(); // the second batch is confirmed first: nothing may be acknowledged yet
    await tick();
    expect(acknowledged).toEqual([]);
    for (let turn = 0; turn < 20 && (pending.length > 0 || acknowledged.length < 8); turn++) {
      pending.shift()?.finish();
      await tick();
    }
    // Acknowledged as soon as delivered, without waiting for more records to arrive.
    expect(acknowledged).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(await loop.drain(1000)).toEqual({ delivered: true });
    expect(acknowledged).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(most).toBe(3);
  });

  it('gives up at the shutdown deadline when the output never comes back, leaving records unacknowledged', async () => {
    const buffer = new RecordBuffer<OutboundRecord>(100);
    const output = new FlakyOutput(Number.POSITIVE_INFINITY);
    const loop = new DeliveryLoop(buffer, output, new CollectorMetrics(), { batchSize: 10, lingerMs: 0, retryDelayMs: 1, maxRetryDelayMs: 2 });
    const ack = new Acknowledgement();
    ack.add();
    buffer.push(record(1, ack));
    let settled = false;
    void ack.seal().then(() => (settled = true));
    loop.start();
    expect(await loop.drain(50)).toEqual({ delivered: false });
    expect(settled).toBe(false);
    expect(output.batches).toEqual([]);
  });

  it('dead-letters a record the output cannot write as JSON instead of retrying it forever; the others are delivered', async () => {
    const buffer = new RecordBuffer<OutboundRecord>(100);
    const [events, letters] = [new PassThrough(), new PassThrough()];
    let eventText = '';
    let letterText = '';
    events.on('data', (c: Buffer) => (eventText += c.toString()));
    letters.on('data', (c: Buffer) => (letterText += c.toString()));
    const metrics = new CollectorMetrics();
    const logged: Array<[LogLevel, string, LogFields | undefined]> = [];
    const loop = new DeliveryLoop(buffer, new StdoutOutput({ events, deadLetters: letters }), metrics, { batchSize: 10, lingerMs: 0, retryDelayMs: 1, logger: recordingLogger(logged) });
    // Records that reached the buffer without the intake's checks (a custom parser, say).
    let deep: unknown = [];
    for (let i = 0; i < 30_000; i++) deep = [deep];
    const circular: Record<string, unknown> = { n: 4 };
    circular.self = circular;
    const ack = new Acknowledgement();
    const hostile: OutboundRecord[] = [
      record(1, ack),
      { kind: 'event', input: 'in', event: { n: 2, event: { original: '{"n":2,"deep":[[[...]]]}' }, organization: { id: 'acme' }, deep }, ack },
      record(3, ack),
      { kind: 'event', input: 'in', event: circular, ack },
      record(5, ack),
    ];
    for (const r of hostile) {
      ack.add();
      buffer.push(r);
    }
    loop.start();
    expect(await loop.drain(5_000)).toEqual({ delivered: true });
    await ack.seal();
    expect(eventText.trim().split('\n').map((l) => JSON.parse(l).n)).toEqual([1, 3, 5]);
    const dead = letterText.trim().split('\n').map((l) => JSON.parse(l));
    expect(dead).toHaveLength(2);
    expect(dead[0]).toMatchObject({ event: { original: '{"n":2,"deep":[[[...]]]}' }, error: { type: 'unserialisable' }, socle: { input: 'in', stage: 'output' }, organization: { id: 'acme' } });
    expect(dead[0].error.message).toMatch(/^output stdout: the event cannot be written as JSON: Maximum call stack size exceeded/);
    expect(dead[1].error.message).toMatch(/circular/i);
    expect(await metrics.count(metrics.eventsOut, 'in')).toBe(3);
    expect(await metrics.count(metrics.deadLetters, 'in')).toBe(2);
    expect(logged).toHaveLength(2);
    expect(logged[0]).toMatchObject(['warn', 'record sent to the dead-letter queue', { input: 'in' }]);
  });
});
