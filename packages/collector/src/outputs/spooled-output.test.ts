import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CollectorMetrics } from '../metrics/collector-metrics.ts';
import type { OutboundRecord } from '../delivery/outbound.ts';
import { DiskSpool } from './disk-spool.ts';
import type { Output } from './output.ts';
import { SpooledOutput } from './spooled-output.ts';

/** An output whose downstream can be switched off and on, recording what it accepted. */
class SwitchableOutput implements Output {
  readonly name = 'switchable';
  up = true;
  readonly delivered: number[] = [];
  async start(): Promise<void> {}
  async send(batch: OutboundRecord[]): Promise<void> {
    if (!this.up) throw new Error('downstream is down');
    for (const r of batch) if (r.kind === 'event') this.delivered.push(r.event.n as number);
  }
  async close(): Promise<void> {}
}

const batch = (from: number, count: number): OutboundRecord[] =>
  Array.from({ length: count }, (_, i) => ({ kind: 'event' as const, input: 't', event: { n: from + i } }));

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('SpooledOutput', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'socle-spooled-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const create = async (inner: Output) =>
    new SpooledOutput(inner, await DiskSpool.open(dir, { maxSegmentBytes: 512 }), { directTimeoutMs: 5000, replayBatchSize: 7, retryDelayMs: 5 }, new CollectorMetrics());

  it('accepts batches while the downstream is down and delivers all of them, in order, once it is back', async () => {
    const inner = new SwitchableOutput();
    const output = await create(inner);
    await output.start();
    await output.send(batch(0, 10));
    inner.up = false;
    await output.send(batch(10, 10)); // fails direct, spooled
    await output.send(batch(20, 10)); // spooled behind it
    inner.up = true;
    await output.send(batch(30, 10)); // must queue behind the spool, not overtake it
    await until(() => inner.delivered.length >= 40);
    expect(inner.delivered).toEqual(Array.from({ length: 40 }, (_, i) => i));
    await output.close();
  });

  it('keeps spooled records across a restart and replays them on the next start', async () => {
    const down = new SwitchableOutput();
    down.up = false;
    const first = await create(down);
    await first.start();
    await first.send(batch(0, 25));
    await first.close();
    expect(down.delivered).toEqual([]);

    const up = new SwitchableOutput();
    const second = await create(up);
    await second.start();
    await until(() => up.delivered.length >= 25);
    expect(up.delivered).toEqual(Array.from({ length: 25 }, (_, i) => i));
    await second.close();
  });
});
