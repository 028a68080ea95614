import { describe, expect, it } from 'vitest';
import { BusRecordSink, type RejectedRecord } from './bus-record-sink.ts';
import { InProcessBus } from './in-process-bus.ts';

const ctx = { organization: 'acme', input: 'file:auth.log', receivedAt: '2026-03-14T10:00:00Z' };
const LINE = 'Mar 14 09:00:01 web-01 sshd[11]: Failed password for root from 198.51.100.7 port 40001 ssh2';

/** Counts like the collector's Acknowledgement: records added by the sink, delivered once the bus consumer acks. */
function counter() {
  const c = { added: 0, delivered: 0, add: (n = 1) => void (c.added += n), deliver: (n = 1) => void (c.delivered += n) };
  return c;
}

describe('BusRecordSink', () => {
  it('parses records onto the bus and reports them delivered only when the consumer acknowledges', async () => {
    const bus = new InProcessBus();
    const sink = new BusRecordSink(bus, () => {});
    const ack = counter();
    expect(sink.push('auth', LINE, ctx, ack as never)).toBeUndefined();
    expect(ack).toMatchObject({ added: 1, delivered: 0 });

    const batch = (await bus[Symbol.asyncIterator]().next()).value!;
    expect((batch[0] as { event: unknown }).event).toMatchObject({ source: { ip: '198.51.100.7' }, user: { name: 'root' }, organization: { id: 'acme' } });
    expect(ack.delivered).toBe(0);
    await bus.ack(batch[0].ref);
    expect(ack.delivered).toBe(1);
  });

  it('gives a record the same id when it is read again (a resumed file), so its alerts are replaced, not duplicated', async () => {
    const bus = new InProcessBus();
    const sink = new BusRecordSink(bus, () => {});
    sink.push('auth', LINE, ctx);
    sink.push('auth', LINE, ctx);
    sink.push('auth', LINE.replace('40001', '40002'), ctx);
    const [a, b, c] = (await bus[Symbol.asyncIterator]().next()).value!;
    expect(a.ref.id).toBe(b.ref.id);
    expect(c.ref.id).not.toBe(a.ref.id);
    expect(a.ref.id.startsWith('file:auth.log:')).toBe(true);
  });

  it('reports records the parser refuses and hands them to the loop to dead-letter before they count as delivered', async () => {
    const bus = new InProcessBus();
    const rejected: RejectedRecord[] = [];
    const sink = new BusRecordSink(bus, (r) => rejected.push(r));
    const ack = counter();
    const error = sink.push('winlogbeat', '{"not": "windows"}', ctx, ack as never);
    expect(error).toMatch(/^winlogbeat: /);
    expect(rejected).toEqual([{ input: 'file:auth.log', error, raw: '{"not": "windows"}' }]);
    expect(sink.rejected).toBe(1);
    const [item] = (await bus[Symbol.asyncIterator]().next()).value!;
    expect(item).toMatchObject({ rejected: { stage: 'normalise', reason: 'parse-error', message: error }, raw: { origin: { input: 'file:auth.log' } } });
    expect(ack.delivered).toBe(0);
    await bus.ack(item.ref);
    expect(ack.delivered).toBe(1);
  });
});
