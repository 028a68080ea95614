import { silentLogger } from '@socle/core';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { Collector } from '../collector.ts';
import { validateConfig } from '../config/load-config.ts';
import type { HttpIngestInput } from './http-ingest.ts';

const TOKEN = 'acme-token-0123456789abcdef';

function lines(stream: PassThrough): () => Record<string, any>[] {
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  return () => text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, any>);
}

/** The whole collector (real parsers, intake, delivery loop, stdout output) behind an HTTP input. */
async function startCollector(http: Record<string, unknown> = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const events = lines(stdout);
  const letters = lines(stderr);
  const config = validateConfig(
    {
      inputs: [{ type: 'http', name: 'http', listen: '127.0.0.1:0', tokens: [{ token: TOKEN, organization: 'acme' }], ...http }],
      output: { type: 'stdout' },
      buffer: { capacity: 100, batchSize: 10, lingerMs: 1 },
      shutdownTimeoutMs: 2000,
    },
    'test',
  );
  const collector = new Collector(config, { stdout, stderr, logger: silentLogger });
  await collector.start();
  const url = `http://127.0.0.1:${collector.input<HttpIngestInput>('http').port}/ingest`;
  // A wedged output never answers: the signal turns that into a failure instead of a hung test.
  const post = (body: string) => fetch(url, { method: 'POST', body, headers: { authorization: `Bearer ${TOKEN}` }, signal: AbortSignal.timeout(5000) });
  return { collector, events, letters, post };
}

describe('hostile records through HTTP ingest', () => {
  let running: Collector | undefined;
  afterEach(async () => {
    await running?.stop();
    running = undefined;
  });

  it('a 30,000-deep nested array is dead-lettered at intake; the records around it and later requests go through', async () => {
    const { collector, events, letters, post } = await startCollector();
    running = collector;
    const deep = `{"n":2,"payload":${'['.repeat(30_000)}${']'.repeat(30_000)}}`;
    expect(deep.length).toBeLessThan(64 * 1024); // under the size limit: only the depth bound stops it
    const first = await post(`{"n":1}\n${deep}\n{"n":3}\n`);
    expect(first.status).toBe(400);
    const body = (await first.json()) as { accepted: number; rejected: number; errors: { line: number; error: string }[] };
    expect(body).toMatchObject({ accepted: 2, rejected: 1 });
    expect(body.errors).toEqual([{ line: 2, error: "json: objects and arrays nest deeper than 64 levels (in 'payload')" }]);
    const second = await post('{"n":4}\n');
    expect(second.status).toBe(200);
    expect(events().map((e) => e.n)).toEqual([1, 3, 4]);
    expect(letters()).toHaveLength(1);
    expect(letters()[0]).toMatchObject({
      event: { kind: 'pipeline_error', original: deep },
      error: { type: 'too-deep' },
      socle: { input: 'http', format: 'json', stage: 'validate' },
      organization: { id: 'acme' },
    });
    const metrics = await collector.metrics.registry.metrics();
    expect(metrics).toContain('socle_collector_dead_letters_total{input="http",stage="validate",reason="too-deep"} 1');
  });

  it('honours a configured depth bound', async () => {
    const { collector, events, letters, post } = await startCollector({ maxNestingDepth: 3 });
    running = collector;
    expect((await post('{"a":{"b":{"c":1}}}\n{"a":{"b":{"c":{"d":1}}}}\n')).status).toBe(400);
    expect(events().map((e) => e.a)).toEqual([{ b: { c: 1 } }]);
    expect(letters().map((l) => l.error.type)).toEqual(['too-deep']);
  });

  it('event times outside 1970..9999 are dead-lettered at intake with their reason', async () => {
    const { collector, events, letters, post } = await startCollector();
    running = collector;
    const records = [
      { n: 1, '@timestamp': '2026-03-01T10:00:00Z' },
      { n: 2, '@timestamp': 1e20 },
      { n: 3, '@timestamp': '+275760-09-13T00:00:00.000Z' },
      { n: 4, '@timestamp': '1900-01-01T00:00:00Z' },
      { n: 5, '@timestamp': 'next tuesday' },
      { n: 6, '@timestamp': -5 },
      { n: 7 },
    ];
    const response = await post(records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    expect(response.status).toBe(400);
    expect(events().map((e) => e.n)).toEqual([1, 7]);
    expect(letters().map((l) => [JSON.parse(l.event.original).n, l.error.type])).toEqual([
      [2, 'time-out-of-range'],
      [3, 'time-out-of-range'],
      [4, 'time-out-of-range'],
      [5, 'time-unreadable'],
      [6, 'time-out-of-range'],
    ]);
  });
});
