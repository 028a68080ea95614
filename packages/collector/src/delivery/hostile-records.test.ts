import { PassThrough } from 'node:stream';
import { createEngine } from '@socle/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultDeadLetter, defaultParse } from '../default-parsing.ts';
import { CollectorMetrics } from '../metrics/collector-metrics.ts';
import { StdoutOutput } from '../outputs/stdout-output.ts';
import type { RejectionReason } from '../parsers/types.ts';
import { DeliveryLoop } from './delivery-loop.ts';
import { Intake } from './intake.ts';
import type { OutboundRecord } from './outbound.ts';
import { RecordBuffer } from './record-buffer.ts';

/** A raw record, and the reason it must be dead-lettered for (none: it must come out as an event). */
interface Generated {
  raw: (id: number) => string;
  reason?: RejectionReason;
}

const MIN_MS = Date.parse('1970-01-01T00:00:00.000Z');
const MAX_MS = Date.parse('9999-12-31T23:59:59.999Z');

const goodTime = fc.oneof(
  fc.integer({ min: MIN_MS, max: MAX_MS }).map((ms): unknown => new Date(ms).toISOString()),
  fc.integer({ min: 1e11, max: MAX_MS }),
  fc.constant(undefined),
);

/** Records that are odd but valid: any JSON payload, strings of any UTF-16 (lone surrogates too), any time in range. */
const good: fc.Arbitrary<Generated> = fc
  .record({ time: goodTime, payload: fc.jsonValue({ maxDepth: 6 }), text: fc.string({ unit: 'binary', maxLength: 200 }) })
  .map(({ time, payload, text }) => ({ raw: (id) => JSON.stringify({ id, '@timestamp': time, CommandLine: `whoami ${text}`, payload }) }));

function nestedText(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array' ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

const bad: fc.Arbitrary<Generated> = fc.oneof(
  // deeper than the default bound of 64, as arrays or objects, up to sizes that overflow recursive writers
  fc.record({ depth: fc.integer({ min: 64, max: 30_000 }), kind: fc.constantFrom<'array' | 'object'>('array', 'object') })
    .map(({ depth, kind }): Generated => ({ raw: (id) => `{"id":${id},"payload":${nestedText(depth, kind)}}`, reason: 'too-deep' })),
  fc.oneof(fc.double({ min: 1e16, max: 1e300, noNaN: true }), fc.integer({ min: -1e15, max: -1 }), fc.constantFrom('+275760-09-13T00:00:00.000Z', '1900-01-01T00:00:00Z', '+010000-01-01T00:00:00.000Z'))
    .map((time): Generated => ({ raw: (id) => JSON.stringify({ id, '@timestamp': time }), reason: 'time-out-of-range' })),
  fc.constantFrom<unknown>('soon', 'yesterday at noon', true, {}, [])
    .map((time): Generated => ({ raw: (id) => JSON.stringify({ id, '@timestamp': time }), reason: 'time-unreadable' })),
  // not JSON, not an object, or an object whose ECS parts are of the wrong type
  fc.constantFrom<(id: number) => string>(
    (id) => `{"id":${id},`,
    (id) => `[${id}]`,
    (id) => `"record ${id}"`,
    (id) => `{"id":${id},"event":"not an object"}`,
    (id) => `{"id":${id}}\u0000garbage`,
  ).map((raw): Generated => ({ raw, reason: 'unparsed' })),
);

function collect(stream: PassThrough): () => Record<string, any>[] {
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  return () => text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, any>);
}

const whoamiRule = `
title: Whoami
id: 00000000-0000-4000-8000-00000000000a
logsource: {product: any}
detection:
  selection:
    CommandLine|startswith: 'whoami '
  condition: selection
`;

describe('hostile records mixed with good ones (property)', () => {
  it('every good record comes out as an event and yields its alert; every bad one is dead-lettered with its reason', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof({ arbitrary: good, weight: 2 }, { arbitrary: bad, weight: 1 }), { maxLength: 25 }), async (records) => {
        const buffer = new RecordBuffer<OutboundRecord>(1000);
        const metrics = new CollectorMetrics();
        const [stdout, stderr] = [new PassThrough(), new PassThrough()];
        const [events, letters] = [collect(stdout), collect(stderr)];
        const intake = new Intake(buffer, defaultParse, defaultDeadLetter, metrics);
        const loop = new DeliveryLoop(buffer, new StdoutOutput({ events: stdout, deadLetters: stderr }), metrics, { batchSize: 7, lingerMs: 0, retryDelayMs: 1 });
        loop.start();
        const ctx = { organization: 'acme', input: 'gen', receivedAt: '2026-03-01T10:00:00.000Z' };
        const raws = records.map((r, id) => r.raw(id));
        raws.forEach((raw) => intake.push('json', raw, ctx));
        expect(await loop.drain(10_000)).toEqual({ delivered: true });

        const goodIds = records.flatMap((r, id) => (r.reason ? [] : [id]));
        expect(events().map((e) => e.id)).toEqual(goodIds);
        const expectedLetters = records.flatMap((r, id) => (r.reason ? [[raws[id], r.reason]] : []));
        expect(letters().map((l) => [l.event.original, l.error.type])).toEqual(expectedLetters);
        expect(await metrics.count(metrics.deadLetters, 'gen')).toBe(expectedLetters.length);

        // downstream: the engine takes every event the collector let through, and each gives its alert
        const engine = createEngine({ rules: [{ text: whoamiRule }], now: () => 0 });
        const alerts = events().flatMap((e) => engine.process(e));
        expect(alerts.map((a) => a.rule.id)).toEqual(goodIds.map(() => '00000000-0000-4000-8000-00000000000a'));
      }),
      { numRuns: 60 },
    );
  });
});
