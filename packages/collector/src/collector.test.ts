import { silentLogger } from '@socle/core';
import { PassThrough } from 'node:stream';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { Collector } from './collector.ts';
import { validateConfig } from './config/load-config.ts';
import type { SyslogStreamInput } from './inputs/syslog-stream.ts';
import type { SyslogUdpInput } from './inputs/syslog-udp.ts';

function collectText(stream: PassThrough): () => string {
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  return () => text;
}

describe('Collector', () => {
  it('runs stdin -> syslog parser -> stdout, dead letters on stderr, and ends at EOF', async () => {
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const out = collectText(stdout);
    const err = collectText(stderr);
    const config = validateConfig({ inputs: [{ type: 'stdin', organization: 'acme', format: 'syslog' }], output: { type: 'stdout' }, buffer: { capacity: 100, batchSize: 10, lingerMs: 1 } }, 'test');
    const collector = new Collector(config, { stdin, stdout, stderr, logger: silentLogger });
    await collector.start();
    stdin.end('<38>Jan  5 10:00:00 web1 sshd[42]: Accepted password for alice from 10.0.0.5 port 51000 ssh2\n\n<not syslog at all\n');
    await collector.ended;
    await collector.stop();
    const events = out().trim().split('\n').map((line) => JSON.parse(line) as Record<string, any>);
    expect(events).toHaveLength(1);
    expect(events[0]!.organization).toEqual({ id: 'acme' });
    expect(events[0]!.host).toMatchObject({ name: 'web1' });
    const letters = err().trim().split('\n').map((line) => JSON.parse(line) as Record<string, any>);
    expect(letters).toHaveLength(1);
    expect(letters[0]!.event.original).toBe('<not syslog at all');
    expect(await collector.metrics.count(collector.metrics.eventsIn, 'stdin-1')).toBe(2);
    expect(await collector.metrics.count(collector.metrics.eventsOut, 'stdin-1')).toBe(1);
    expect(await collector.metrics.count(collector.metrics.deadLetters, 'stdin-1')).toBe(1);
  });

  it('pauses TCP senders while the output is blocked and loses nothing once it drains', { timeout: 30_000 }, async () => {
    const stdout = new PassThrough({ highWaterMark: 16 });
    const config = validateConfig(
      { inputs: [{ type: 'syslog-tcp', name: 'tcp', organization: 'acme', format: 'syslog', listen: '127.0.0.1:0' }], output: { type: 'stdout' }, buffer: { capacity: 500, batchSize: 100, lingerMs: 1 } },
      'test',
    );
    const collector = new Collector(config, { stdout, stderr: new PassThrough(), logger: silentLogger });
    await collector.start();
    const port = collector.input<SyslogStreamInput>('tcp').port;
    const socket = connect(port, '127.0.0.1');
    const total = 20_000;
    let payload = '';
    for (let i = 0; i < total; i++) payload += `<13>Jan  5 10:00:00 host${i % 7} app: message ${i}\n`;
    socket.end(payload);
    // Nobody reads stdout yet: the output blocks, the buffer fills, the socket must be paused.
    while ((await collector.metrics.count(collector.metrics.eventsIn, 'tcp')) < 500) await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const received = await collector.metrics.count(collector.metrics.eventsIn, 'tcp');
    expect(received).toBeLessThan(total / 2);
    const lines = collectText(stdout);
    while ((await collector.metrics.count(collector.metrics.eventsOut, 'tcp')) < total) await new Promise((resolve) => setTimeout(resolve, 10));
    await collector.stop();
    const messages = lines().trim().split('\n').map((l) => (JSON.parse(l) as { message: string }).message);
    expect(messages).toHaveLength(total);
    expect(messages[total - 1]).toBe(`message ${total - 1}`);
  });

  it('serves Prometheus metrics by input on /metrics', async () => {
    const stdin = new PassThrough();
    const config = validateConfig(
      { inputs: [{ type: 'stdin', name: 'in', organization: 'acme', format: 'json' }], output: { type: 'stdout' }, metrics: { listen: '127.0.0.1:0' }, buffer: { capacity: 100, batchSize: 10, lingerMs: 1 } },
      'test',
    );
    const collector = new Collector(config, { stdin, stdout: new PassThrough(), stderr: new PassThrough(), logger: silentLogger });
    await collector.start();
    stdin.end('{"a":1}\n{"a":2}\nnot json\n');
    await collector.ended;
    while ((await collector.metrics.count(collector.metrics.eventsOut, 'in')) < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    const response = await fetch(`http://127.0.0.1:${collector.metricsPort}/metrics`);
    const text = await response.text();
    await collector.stop();
    expect(response.status).toBe(200);
    expect(text).toContain('socle_collector_events_in_total{input="in"} 3');
    expect(text).toContain('socle_collector_events_out_total{input="in"} 2');
    expect(text).toContain('socle_collector_dlq_total{input="in"} 1');
    expect(text).toContain('socle_collector_buffer_capacity 100');
    expect(text).toContain('socle_collector_produce_seconds_bucket');
  });

  it('fails to start with a message naming the input whose port is taken, and releases the others', async () => {
    const { createServer } = await import('node:net');
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as { port: number }).port;
    const config = validateConfig(
      {
        inputs: [
          { type: 'syslog-udp', name: 'udp', organization: 'acme', format: 'syslog', listen: '127.0.0.1:0' },
          { type: 'syslog-tcp', name: 'tcp', organization: 'acme', format: 'syslog', listen: `127.0.0.1:${taken}` },
        ],
        output: { type: 'stdout' },
      },
      'test',
    );
    const collector = new Collector(config, { stdout: new PassThrough(), stderr: new PassThrough(), logger: silentLogger });
    await expect(collector.start()).rejects.toThrow(`input tcp: cannot listen on 127.0.0.1:${taken}`);
    expect(() => collector.input<SyslogUdpInput>('udp').port).toThrow(/not started/);
    await new Promise((resolve) => blocker.close(resolve));
  });

  it('every input dead-letters a too-deep record or an absurd time with its source, and delivers the rest', { timeout: 20_000 }, async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'socle-hostile-'));
    const deep = `{"n":"deep","a":${'['.repeat(30_000)}${']'.repeat(30_000)}}`;
    const late = '{"n":"late","@timestamp":1e20}';
    writeFileSync(join(dir, 'app.ndjson'), `{"n":"file"}\n${deep}\n${late}\n`);
    const stdin = new PassThrough();
    const [stdout, stderr] = [new PassThrough(), new PassThrough()];
    const [out, err] = [collectText(stdout), collectText(stderr)];
    const config = validateConfig(
      {
        inputs: [
          { type: 'stdin', name: 'stdin', organization: 'acme', format: 'json' },
          { type: 'file', name: 'file', organization: 'acme', format: 'json', paths: [join(dir, '*.ndjson')], stateFile: join(dir, 'state.json'), pollIntervalMs: 20 },
          { type: 'syslog-tcp', name: 'tcp', organization: 'acme', format: 'json', listen: '127.0.0.1:0', maxMessageBytes: 131072 },
        ],
        output: { type: 'stdout' },
        buffer: { capacity: 100, batchSize: 10, lingerMs: 1 },
      },
      'test',
    );
    const collector = new Collector(config, { stdin, stdout, stderr, logger: silentLogger });
    await collector.start();
    stdin.write(`{"n":"stdin"}\n${deep}\n${late}\n`);
    const socket = connect(collector.input<SyslogStreamInput>('tcp').port, '127.0.0.1');
    socket.end(`{"n":"tcp"}\n${deep}\n${late}\n`);
    const letters = () => err().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>);
    while (letters().length < 6 || out().split('\n').filter(Boolean).length < 3) await new Promise((resolve) => setTimeout(resolve, 20));
    stdin.end();
    await collector.stop();
    expect(out().trim().split('\n').map((l) => JSON.parse(l).n).sort()).toEqual(['file', 'stdin', 'tcp']);
    const byInput = letters().map((l) => [l.socle.input, l.error.type, l.socle.stage, JSON.parse(l.event.original).n]).sort();
    expect(byInput).toEqual([
      ['file', 'time-out-of-range', 'validate', 'late'],
      ['file', 'too-deep', 'validate', 'deep'],
      ['stdin', 'time-out-of-range', 'validate', 'late'],
      ['stdin', 'too-deep', 'validate', 'deep'],
      ['tcp', 'time-out-of-range', 'validate', 'late'],
      ['tcp', 'too-deep', 'validate', 'deep'],
    ]);
    expect(letters().find((l) => l.socle.input === 'file')?.log).toEqual({ file: { path: join(dir, 'app.ndjson') } });
    expect(letters().find((l) => l.socle.input === 'tcp')?.log?.source?.address).toMatch(/^127\.0\.0\.1:\d+$/);
  });
});
