import type { Alert } from '@socle/core';
import { describe, expect, it } from 'vitest';
import { DetectionLoop, type DetectionEngine } from './detection-loop.ts';
import { InProcessBus } from './embedded/in-process-bus.ts';
import type { SourcedEventRef, EventSource, SourceItem, SourcedEvent } from './ports.ts';
import type { DeadLetter } from './dead-letters/dead-letter.ts';
import type { AlertSink } from '@socle/api';
import { makeAlert } from '@socle/api/testing';

/** Every event with `bad: true` gives one alert, keyed by the event's ref. */
const engine: DetectionEngine = {
  process: (event, ref) => (event.bad ? [makeAlert({ id: `alert-${ref?.id}`, time: '2026-11-23T10:00:00Z' })] : []),
};

/** A source over fixed batches that records acks, as Kafka offsets would be committed. */
function recordingSource(batches: SourceItem[][]): EventSource & { acks: string[] } {
  const acks: string[] = [];
  return {
    acks,
    async ack(upTo: SourcedEventRef) {
      acks.push(upTo.id);
    },
    async *[Symbol.asyncIterator]() {
      yield* batches;
    },
  };
}

const ev = (id: string, bad = false): SourcedEvent => ({ event: { bad }, ref: { id } });

describe('DetectionLoop', () => {
  it('writes each batch’s alerts and acknowledges the batch’s last event', async () => {
    const written: string[][] = [];
    const sink: AlertSink = { write: async (alerts) => void written.push(alerts.map((a) => a.event.id)) };
    const source = recordingSource([[ev('1'), ev('2', true)], [ev('3')], [ev('4', true), ev('5', true)]]);
    const stats = await new DetectionLoop({ source, engine, sinks: [sink] }).run();
    expect(written).toEqual([['alert-2'], ['alert-4', 'alert-5']]);
    expect(source.acks).toEqual(['2', '3', '5']);
    expect(stats).toMatchObject({ batches: 3, events: 5, alerts: 3, sinkRetries: 0 });
  });

  it('does not acknowledge while the sink fails, and retries the same alerts until it succeeds', async () => {
    const source = recordingSource([[ev('1', true)]]);
    const attempts: string[][] = [];
    let failuresLeft = 2;
    const sink: AlertSink = {
      write: async (alerts) => {
        attempts.push(alerts.map((a) => a.event.id));
        // The batch must still be unacknowledged on every attempt.
        expect(source.acks).toEqual([]);
        if (failuresLeft-- > 0) throw new Error('disk full');
      },
    };
    const errors: string[] = [];
    const delays: number[] = [];
    const stats = await new DetectionLoop({
      source,
      engine,
      sinks: [sink],
      retry: { initialDelayMs: 10, maxDelayMs: 15 },
      sleep: async (ms) => void delays.push(ms),
      onSinkError: (e) => errors.push((e as Error).message),
    }).run();
    expect(attempts).toEqual([['alert-1'], ['alert-1'], ['alert-1']]);
    expect(errors).toEqual(['disk full', 'disk full']);
    expect(delays).toEqual([10, 15]);
    expect(source.acks).toEqual(['1']);
    expect(stats.sinkRetries).toBe(2);
  });

  it('fails without acknowledging when the sink keeps failing past maxAttempts', async () => {
    const source = recordingSource([[ev('1', true)]]);
    const sink: AlertSink = { write: async () => Promise.reject(new Error('index closed')) };
    const loop = new DetectionLoop({ source, engine, sinks: [sink], retry: { initialDelayMs: 1, maxDelayMs: 1, maxAttempts: 3 }, sleep: async () => {} });
    await expect(loop.run()).rejects.toThrow(/failed 3 times.*index closed/);
    expect(source.acks).toEqual([]);
  });

  it('writes the alerts of engine.flush() at the end of a replay', async () => {
    const flushed = makeAlert({ id: 'window-closed', time: '2026-11-23T10:00:00Z' });
    const withFlush: DetectionEngine = { process: () => [], flush: (): Alert[] => [flushed] };
    const written: string[] = [];
    const sink: AlertSink = { write: async (alerts) => void written.push(...alerts.map((a) => a.event.id)) };
    await new DetectionLoop({ source: recordingSource([[ev('1')]]), engine: withFlush, sinks: [sink], flushAtEnd: true }).run();
    expect(written).toEqual(['window-closed']);
  });

  it('frees bus capacity only after the sink resolved', async () => {
    const bus = new InProcessBus({ capacity: 1, batchSize: 1 });
    let release!: () => void;
    const sinkGate = new Promise<void>((r) => (release = r));
    const sink: AlertSink = { write: () => sinkGate };
    const loop = new DetectionLoop({ source: bus, engine, sinks: [sink] }).run();
    await bus.publish(ev('1', true));
    let secondIn = false;
    const second = bus.publish(ev('2')).then(() => (secondIn = true));
    for (let i = 0; i < 5; i++) await Promise.resolve();
    expect(secondIn).toBe(false);
    release();
    await second;
    bus.close();
    expect((await loop).events).toBe(2);
  });

  it('skips an event the engine throws on when told how to report it, and goes on', async () => {
    const fragile: DetectionEngine = {
      process: (event, ref) => {
        if (event.poison) throw new Error('cannot read this');
        return engine.process(event, ref);
      },
    };
    const written: string[] = [];
    const errors: string[] = [];
    const source = recordingSource([[{ event: { poison: true }, ref: { id: 'p' } }, ev('2', true)]]);
    const stats = await new DetectionLoop({
      source,
      engine: fragile,
      sinks: [{ write: async (alerts) => void written.push(...alerts.map((a) => a.event.id)) }],
      onEventError: (e, ref) => errors.push(`${ref.id}: ${(e as Error).message}`),
    }).run();
    expect(errors).toEqual(['p: cannot read this']);
    expect(written).toEqual(['alert-2']);
    expect(source.acks).toEqual(['2']);
    expect(stats.eventErrors).toBe(1);
  });

  it('without an error handler, an engine failure ends the loop and leaves the batch unacknowledged', async () => {
    const source = recordingSource([[{ event: { poison: true }, ref: { id: 'p' } }]]);
    const throwing: DetectionEngine = { process: () => { throw new Error('boom'); } };
    await expect(new DetectionLoop({ source, engine: throwing, sinks: [] }).run()).rejects.toThrow('boom');
    expect(source.acks).toEqual([]);
  });

  it('delivers what advancing the watermark closes (absence rules on a quiet stream)', async () => {
    const closed = makeAlert({ id: 'backup-missing', time: '2026-03-14T10:00:00Z' });
    const withWatermark: DetectionEngine = { process: () => [], advanceWatermark: (t) => (t >= Date.parse('2026-03-14T10:00:00Z') ? [closed] : []) };
    const written: string[] = [];
    const loop = new DetectionLoop({ source: recordingSource([]), engine: withWatermark, sinks: [{ write: async (a) => void written.push(...a.map((x) => x.event.id)) }] });
    await loop.advanceWatermark(Date.parse('2026-03-14T09:00:00Z'));
    expect(written).toEqual([]);
    await loop.advanceWatermark(Date.parse('2026-03-14T10:00:00Z'));
    expect(written).toEqual(['backup-missing']);
  });

  describe('bad records', () => {
    class InvalidEventError extends Error {
      override readonly name = 'InvalidEventError';
      constructor(readonly reason: string) {
        super(`invalid: ${reason}`);
      }
    }
    const picky: DetectionEngine = {
      process: (event, ref) => {
        if (event.time === 1e20) throw new InvalidEventError('time-out-of-range');
        if (event.boom) throw new RangeError('Invalid time value');
        return engine.process(event, ref);
      },
    };

    it('dead-letters unreadable records and events the engine throws on, durably before the ack, and goes on', async () => {
      const unreadable: SourceItem = { ref: { id: 't/0/1' }, raw: { value: Buffer.from('{oops'), origin: { topic: 't', partition: 0, offset: '1' } }, rejected: { stage: 'decode', reason: 'invalid-json', message: 'not JSON' } };
      const source = recordingSource([[ev('0', true), unreadable, { event: { time: 1e20 }, ref: { id: 't/0/2' } }, { event: { boom: true }, ref: { id: 't/0/3' } }, ev('4', true)], [ev('5', true)]]);
      const written: DeadLetter[] = [];
      const reported: string[] = [];
      const alerts: string[] = [];
      const stats = await new DetectionLoop({
        source,
        engine: picky,
        sinks: [{ write: async (a) => void alerts.push(...a.map((x) => x.event.id)) }],
        deadLetters: {
          write: async (letters) => {
            expect(source.acks).toEqual([]); // durable before the batch is acknowledged
            written.push(...letters);
          },
        },
        onDeadLetters: (letters) => reported.push(...letters.map((l) => `${l.stage}/${l.reason}`)),
      }).run();
      expect(alerts).toEqual(['alert-0', 'alert-4', 'alert-5']);
      expect(written.map((l) => [l.ref, l.stage, l.reason])).toEqual([
        ['t/0/1', 'decode', 'invalid-json'],
        ['t/0/2', 'evaluate', 'time-out-of-range'],
        ['t/0/3', 'evaluate', 'engine-error'],
      ]);
      expect(Buffer.from(written[0].raw.value!).toString()).toBe('{oops');
      expect(JSON.parse(Buffer.from(written[1].raw.value!).toString())).toEqual({ time: 1e20 });
      expect(written[2].message).toBe('Invalid time value');
      expect(reported).toEqual(['decode/invalid-json', 'evaluate/time-out-of-range', 'evaluate/engine-error']);
      expect(source.acks).toEqual(['4', '5']);
      expect(stats).toMatchObject({ events: 6, alerts: 3, deadLetters: 3, eventErrors: 2 });
    });

    it('retries a failing dead-letter sink without acknowledging the batch', async () => {
      const source = recordingSource([[{ event: { boom: true }, ref: { id: '1' } }]]);
      let failures = 2;
      const stats = await new DetectionLoop({
        source,
        engine: picky,
        sinks: [],
        deadLetters: {
          write: async () => {
            expect(source.acks).toEqual([]);
            if (failures-- > 0) throw new Error('broker down');
          },
        },
        sleep: async () => undefined,
      }).run();
      expect(source.acks).toEqual(['1']);
      expect(stats).toMatchObject({ deadLetters: 1, sinkRetries: 2 });
    });
  });

  it('runs an exclusive task only between batches', async () => {
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const source = recordingSource([[ev('1', true)], [ev('2', true)]]);
    const loop = new DetectionLoop({
      source,
      engine,
      sinks: [
        {
          write: async (a) => {
            order.push(`write ${a[0].event.id}`);
            if (a[0].event.id === 'alert-1') await gate;
          },
        },
      ],
    });
    const running = loop.run();
    await new Promise((r) => setTimeout(r, 10));
    const task = loop.exclusive(async () => void order.push('task'));
    await new Promise((r) => setTimeout(r, 10));
    expect(order).toEqual(['write alert-1']); // the batch in hand is not finished: the task waits
    release();
    await Promise.all([running, task]);
    expect(order).toEqual(['write alert-1', 'task', 'write alert-2']);
  });
});
