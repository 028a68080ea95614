import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { silentLogger } from '@socle/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EmbeddedService } from './embedded-service.ts';
import { runConfigSchema } from './run-config.ts';

/**
 * The embedded path end to end: stdin (format json) -> line splitting and parsing -> BusRecordSink ->
 * InProcessBus -> DetectionLoop -> engine -> alert journal, with refused records in `dead-letters.ndjson`.
 * Hostile records mixed into a stream must neither lose nor duplicate the alerts of the good ones around them.
 */
const GOOD_ID = 'b0b0b0b0-0000-4000-8000-000000000001';
const BURST_ID = 'b0b0b0b0-0000-4000-8000-000000000002';
const BURST_THRESHOLD = 3;
const RULES = `
title: Good record
id: ${GOOD_ID}
name: t_good
logsource: {product: any}
detection:
  selection: {event.action: socle-good}
  condition: selection
level: low
---
title: Burst of good records per user
id: ${BURST_ID}
correlation:
  type: event_count
  rules: [t_good]
  generate: true
  group-by: [user.name]
  timespan: 5m
  condition: {gte: ${BURST_THRESHOLD}}
level: high
`;

const MAX_MESSAGE_BYTES = 4096;
/** Event times after the wall clock: a record stamped with its arrival time never moves the watermark past them. */
const BASE_MS = Date.parse('2031-01-01T00:00:00.000Z');
const USERS = ['alice', 'bob', 'carol'] as const;

/** One generated line; `kind` says what the service must make of it. */
type Generated =
  | { kind: 'good'; bytes: (index: number) => Buffer; user: string }
  | { kind: 'refused'; bytes: (index: number) => Buffer; error: RegExp }
  | { kind: 'valid' | 'oversize'; bytes: (index: number) => Buffer };

const utf8 = (text: string) => Buffer.from(text, 'utf8');
const timeOf = (index: number) => BASE_MS + index * 1000;

/** Invalid UTF-8 sequences (lone continuation, truncated multi-byte, overlong, out of range); never LF or CR. */
const invalidUtf8 = fc.constantFrom(
  Buffer.from([0xff]),
  Buffer.from([0x80]),
  Buffer.from([0xc3]),
  Buffer.from([0xe2, 0x82]),
  Buffer.from([0xc0, 0xaf]),
  Buffer.from([0xf4, 0x90, 0x80, 0x80]),
);

/** Good records: each fires `t_good` once. Odd but valid content rides along (any JSON, lone surrogates, bad bytes in a string). */
const good: fc.Arbitrary<Generated> = fc
  .record({
    user: fc.constantFrom(...USERS),
    epochMs: fc.boolean(),
    payload: fc.jsonValue({ maxDepth: 4 }),
    note: fc.string({ unit: 'binary', maxLength: 60 }),
    badBytes: fc.option(invalidUtf8, { nil: undefined }),
  })
  .map(({ user, epochMs, payload, note, badBytes }): Generated => ({
    kind: 'good',
    user,
    bytes: (index) => {
      const time = epochMs ? timeOf(index) : new Date(timeOf(index)).toISOString();
      const text = JSON.stringify({ '@timestamp': time, event: { action: 'socle-good' }, marker: `m${index}`, user: { name: user }, payload, note, bytes: '@@' });
      const [before, after] = text.split('"@@"');
      return Buffer.concat([utf8(`${before}"`), badBytes ?? Buffer.alloc(0), utf8(`"${after}`)]);
    },
  }));

const nested = (depth: number, kind: 'array' | 'object') => (kind === 'array' ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth));

const refused = (error: RegExp, text: (index: number) => string): Generated => ({ kind: 'refused', error, bytes: (index) => utf8(text(index)) });

/** Records the parsers must refuse: not JSON, not an object, too deep, times that are no time. */
const refusedRecords: fc.Arbitrary<Generated> = fc.oneof(
  fc.constantFrom(
    refused(/invalid JSON/, (i) => `{"marker":"m${i}",`),
    refused(/invalid JSON/, (i) => `not json ${i}`),
    refused(/invalid JSON/, (i) => `{"marker":"m${i}"}garbage`),
    refused(/invalid JSON/, (i) => `\uFEFF{"marker":"m${i}"}`),
    refused(/found an array/, (i) => `[${i}, {"event": {"action": "socle-good"}}]`),
    refused(/found a string/, (i) => `"record ${i}"`),
    refused(/found null/, () => 'null'),
    refused(/found a number/, (i) => `${i}e400`),
    refused(/found a boolean/, () => 'true'),
    refused(/'event' must be an object/, (i) => `{"marker":"m${i}","event":"socle-good"}`),
  ),
  // up to 600 levels: deeper objects would exceed maxMessageBytes and be refused for their size instead
  fc
    .record({ depth: fc.integer({ min: 65, max: 600 }), kind: fc.constantFrom<'array' | 'object'>('array', 'object') })
    .map(({ depth, kind }) => refused(/nest deeper than 64/, (i) => `{"marker":"m${i}","event":{"action":"socle-good"},"payload":${nested(depth, kind)}}`)),
  fc
    .constantFrom<unknown>(1e20, -1e20, 1e300, -1)
    .map((time) => refused(/no time in 1970\.\.9999|outside/, (i) => JSON.stringify({ '@timestamp': time, event: { action: 'socle-good' }, marker: `m${i}` }))),
  fc
    .constantFrom<unknown>('next tuesday', 'NaN', 'Infinity', '-Infinity', 'undefined', true, {}, [])
    .map((time) => refused(/timestamp/, (i) => JSON.stringify({ '@timestamp': time, event: { action: 'socle-good' }, marker: `m${i}` }))),
  invalidUtf8.map((bad): Generated => ({ kind: 'refused', error: /invalid JSON/, bytes: (i) => Buffer.concat([bad, utf8(`{"marker":"m${i}"}`)]) })),
);

/** Lines over maxMessageBytes: refused before parsing, even when they would be good records. */
const oversize: fc.Arbitrary<Generated> = fc.integer({ min: MAX_MESSAGE_BYTES + 1, max: 4 * MAX_MESSAGE_BYTES }).map((size): Generated => ({
  kind: 'oversize',
  bytes: (i) => {
    const head = JSON.stringify({ '@timestamp': new Date(timeOf(i)).toISOString(), event: { action: 'socle-good' }, marker: `m${i}`, user: { name: 'alice' }, pad: '' });
    return utf8(head.replace('"pad":""', `"pad":"${'é'.repeat(Math.ceil(size / 2))}"`));
  },
}));

/** Odd records that are valid events and fire nothing: huge numbers, unicode oddities, prototype keys. */
const validOdd: fc.Arbitrary<Generated> = fc
  .constantFrom<unknown>(
    { n: 1e308, tiny: 5e-324, neg: -0 },
    { s: '\ud800\udfff\ud800', rtl: '\u202eevil\u202c', zw: 'a\u200bb', nul: 'a\u0000b', emoji: '👩‍💻' },
    { ['__proto__']: { polluted: true }, constructor: { prototype: 1 }, toString: 'x' },
    { event: { action: 'socle-good ' } },
    { event: { action: 'socle-good-not' } },
  )
  .chain((fields) =>
    // Edge times too: an event that matches no rule must not move the watermark (its own arrival time when absent).
    fc.constantFrom<unknown>(new Date(BASE_MS).toISOString(), '9999-12-31T23:59:59.999Z', '1970-01-01T00:00:00.000Z', 253402300799, undefined).map(
      (time): Generated => ({ kind: 'valid', bytes: (i) => utf8(`{"digits":123456789012345678901234567890,${JSON.stringify({ '@timestamp': time, marker: `m${i}`, ...(fields as object) }).slice(1)}`) }),
    ),
  );

const stream = fc.array(fc.oneof({ arbitrary: good, weight: 4 }, { arbitrary: refusedRecords, weight: 2 }, { arbitrary: oversize, weight: 1 }, { arbitrary: validOdd, weight: 1 }), {
  maxLength: 40,
});

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'socle-hostile-'));
  await writeFile(join(dir, 'rules.yml'), RULES);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

interface StoredAlert {
  rule: { id: string };
  event: { id: string; reference: string };
  'socle.event': { marker: string };
  socle: { correlation?: { group: Record<string, unknown>; value: number } };
}

let run = 0;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('socle run with hostile records mixed into a stream (property)', () => {
  it('yields every good record\'s alert exactly once, the correlations a count per user predicts, and dead-letters the rest', async () => {
    await fc.assert(
      fc.asyncProperty(stream, fc.integer({ min: 7, max: 4096 }), async (records, chunkBytes) => {
        const runDir = join(dir, `run-${run++}`);
        const config = runConfigSchema.parse({
          dataDir: join(runDir, 'data'),
          inputs: [{ type: 'stdin', name: 'gen', organization: 'acme', format: 'json', maxMessageBytes: MAX_MESSAGE_BYTES }],
          rules: [join(dir, 'rules.yml')],
          pipelines: [],
          api: { listen: '127.0.0.1:0' },
          bus: { capacity: 16, batchSize: 5 },
        });
        const stdin = new PassThrough();
        const service = new EmbeddedService(config, { stdin, logger: silentLogger, onRejected: () => {} });
        await service.start();
        try {
          const lines = records.map((r, i) => r.bytes(i));
          // Chunks of any size: a line may be split anywhere, also inside a UTF-8 sequence.
          const all = Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')]));
          for (let at = 0; at < all.length; at += chunkBytes) stdin.write(all.subarray(at, at + chunkBytes));
          stdin.end();
          await service.inputsEnded;
          const api = async (path: string) => (await fetch(service.apiUrl + path)).json() as Promise<any>;
          await vi.waitFor(async () => expect((await api('/healthz')).events).toBe(records.length), { timeout: 20_000, interval: 25 });

          // Every good record's alert, exactly once; nothing for the others.
          const goodMarkers = records.flatMap((r, i) => (r.kind === 'good' ? [`m${i}`] : []));
          const detections = (await api(`/alerts?rule=${GOOD_ID}&size=1000`)).alerts as StoredAlert[];
          expect(detections.map((a) => a['socle.event'].marker).sort()).toEqual([...goodMarkers].sort());
          expect(new Set(detections.map((a) => a.event.id)).size).toBe(detections.length);
          // Deterministic: each alert refers to its record by input and a hash of the line, as a re-read would.
          const refs = new Map(detections.map((a) => [a['socle.event'].marker, a.event.reference]));
          records.forEach((r, i) => r.kind === 'good' && expect(refs.get(`m${i}`)).toBe(`gen:${sha256(lines[i]!.toString('utf8')).slice(0, 20)}`));

          // Reference model: each user's good records, all inside one 5 m window, fire once per `threshold` of them.
          const bursts = (await api(`/alerts?rule=${BURST_ID}&size=1000`)).alerts as StoredAlert[];
          const expected = USERS.flatMap((user) => {
            const n = records.filter((r) => r.kind === 'good' && r.user === user).length;
            return Array.from({ length: Math.floor(n / BURST_THRESHOLD) }, () => user);
          });
          expect(bursts.map((a) => a.socle.correlation!.group['user.name']).sort()).toEqual(expected.sort());

          // Every refused record is in the dead-letter file, in order, with its reason and the input it came from.
          const expectedLetters = records.flatMap((r, i) => {
            if (r.kind === 'refused') return [{ reason: 'parse-error', raw: lines[i]!.toString('utf8'), error: r.error }];
            if (r.kind === 'oversize') return [{ reason: 'unframed', raw: lines[i]!.toString('utf8', 0, 1024), error: /maximum message size of 4096 bytes/ }];
            return [];
          });
          const letters = expectedLetters.length === 0 ? [] : (await readFile(service.deadLetterFile, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
          expect(letters).toHaveLength(expectedLetters.length);
          letters.forEach((letter, k) => {
            const want = expectedLetters[k]!;
            expect(letter).toMatchObject({ stage: 'normalise', reason: want.reason, raw: want.raw, origin: { input: 'gen' } });
            expect(letter.error).toMatch(want.error);
          });

          const health = await api('/healthz');
          expect(health).toMatchObject({ events: records.length, rejectedRecords: expectedLetters.length, droppedRecords: 0, queued: 0 });
          expect(health.inputs).toEqual([{ name: 'gen', type: 'stdin', status: 'running' }]);
          expect(health.status).toBe('ok');
        } finally {
          await service.stop();
          await rm(runDir, { recursive: true, force: true });
        }
      }),
      { numRuns: 25 },
    );
  }, 300_000);
});
