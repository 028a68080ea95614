import { describe, expect, it } from 'vitest';
import type { SourcedEvent } from '../ports.ts';
import { InProcessBus } from './in-process-bus.ts';

const ev = (n: number): SourcedEvent => ({ event: { n }, ref: { id: `e${n}` } });

describe('InProcessBus', () => {
  it('delivers events in order, in batches of at most batchSize, and ends after close', async () => {
    const bus = new InProcessBus({ capacity: 100, batchSize: 3 });
    for (let i = 1; i <= 7; i++) await bus.publish(ev(i));
    bus.close();
    const batches: string[][] = [];
    for await (const batch of bus) {
      batches.push(batch.map((b) => b.ref.id));
      await bus.ack(batch[batch.length - 1].ref);
    }
    expect(batches).toEqual([['e1', 'e2', 'e3'], ['e4', 'e5', 'e6'], ['e7']]);
  });

  it('makes producers wait while capacity is held by unacknowledged events', async () => {
    const bus = new InProcessBus({ capacity: 2, batchSize: 2 });
    await bus.publish(ev(1));
    await bus.publish(ev(2));
    let thirdPublished = false;
    const third = bus.publish(ev(3)).then(() => (thirdPublished = true));

    const it = bus[Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.value?.map((e: SourcedEvent) => e.ref.id)).toEqual(['e1', 'e2']);
    // Delivered but not acknowledged: still held, so the producer is still blocked.
    await Promise.resolve();
    expect(thirdPublished).toBe(false);
    expect(bus.held).toBe(2);

    await bus.ack({ id: 'e1' });
    await third;
    expect(thirdPublished).toBe(true);
    expect(bus.held).toBe(2);
    await bus.ack({ id: 'e2' });
    bus.close();
    const second = await it.next();
    expect(second.value?.map((e: SourcedEvent) => e.ref.id)).toEqual(['e3']);
  });

  it('a waiting consumer wakes when an event is published', async () => {
    const bus = new InProcessBus({ capacity: 10 });
    const it = bus[Symbol.asyncIterator]();
    const next = it.next();
    await bus.publish(ev(1));
    expect((await next).value?.[0].ref.id).toBe('e1');
  });

  it('rejects an ack for an event it never delivered, naming the id', async () => {
    const bus = new InProcessBus();
    await expect(bus.ack({ id: 'nope' })).rejects.toThrow(/nope/);
  });

  it('rejects publishing after close', async () => {
    const bus = new InProcessBus();
    bus.close();
    await expect(bus.publish(ev(1))).rejects.toThrow(/closed.*e1/);
  });

  it('acknowledges by the ref objects it handed out, even when two events share an id', async () => {
    const bus = new InProcessBus({ capacity: 10, batchSize: 2 });
    const acked: string[] = [];
    for (const n of [1, 2, 3, 4]) await bus.publish({ event: { n }, ref: { id: 'same-line' }, onAcked: () => acked.push(`e${n}`) });
    bus.close();
    for await (const batch of bus) await bus.ack(batch[batch.length - 1].ref);
    expect(acked).toEqual(['e1', 'e2', 'e3', 'e4']);
    expect(bus.held).toBe(0);
  });
});
