import { afterEach, describe, expect, it } from 'vitest';
import { CollectorMetrics } from '../metrics/collector-metrics.ts';
import { Intake, type DeadLetterFn, type ParseRecordFn } from '../delivery/intake.ts';
import type { OutboundRecord } from '../delivery/outbound.ts';
import { RecordBuffer } from '../delivery/record-buffer.ts';
import { HttpIngestInput } from './http-ingest.ts';

// Test-only parser injected through the intake: JSON objects pass, anything else is an error.
const parseJson: ParseRecordFn = (_format, raw, ctx) => {
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, error: 'not a JSON object' };
    return { ok: true, event: { ...(value as object), organization: { id: ctx.organization } } };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
};
const deadLetter: DeadLetterFn = (raw, ctx, error) => ({ raw, input: ctx.input, error, organization: { id: ctx.organization } });

const TOKEN_ACME = 'acme-token-0123456789abcdef';
const TOKEN_GLOBEX = 'globex-token-0123456789abcdef';

describe('HTTP ingest', () => {
  let input: HttpIngestInput | undefined;
  afterEach(async () => {
    await input?.stop();
    input = undefined;
  });

  /** Starts the input on a free port; a consumer acknowledges whatever reaches the buffer. */
  async function start(options: { capacity?: number; maxBodyBytes?: number; consume?: boolean } = {}) {
    const buffer = new RecordBuffer<OutboundRecord>(options.capacity ?? 1000);
    const metrics = new CollectorMetrics();
    const received: OutboundRecord[] = [];
    if (options.consume ?? true) {
      void (async () => {
        for (;;) {
          const batch = await buffer.take(100, 1);
          if (batch.length === 0) return;
          for (const r of batch) {
            received.push(r);
            r.ack?.deliver();
          }
        }
      })();
    }
    input = new HttpIngestInput(
      {
        name: 'http-test',
        format: 'json',
        listen: { host: '127.0.0.1', port: 0 },
        tokens: [
          { token: TOKEN_ACME, organization: 'acme' },
          { token: TOKEN_GLOBEX, organization: 'globex' },
        ],
        maxBodyBytes: options.maxBodyBytes ?? 1 << 20,
        maxMessageBytes: 4096,
        retryAfterSeconds: 3,
      },
      new Intake(buffer, parseJson, deadLetter, metrics),
      metrics,
    );
    await input.start();
    const url = `http://127.0.0.1:${input.port}/ingest`;
    const post = (body: string, token?: string) =>
      fetch(url, { method: 'POST', body, headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { buffer, received, post, metrics };
  }

  it('ingests NDJSON for the organisation of the token', async () => {
    const { post, received } = await start();
    const response = await post('{"a":1}\n{"a":2}\n', TOKEN_GLOBEX);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ accepted: 2 });
    expect(received.map((r) => (r.kind === 'event' ? r.event : r.letter))).toEqual([
      { a: 1, organization: { id: 'globex' } },
      { a: 2, organization: { id: 'globex' } },
    ]);
  });

  it('refuses a missing or unknown token with 401 and ingests nothing', async () => {
    const { post, received } = await start();
    expect((await post('{"a":1}\n')).status).toBe(401);
    const wrong = await post('{"a":1}\n', 'acme-token-0123456789abcdeX');
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer');
    expect(JSON.stringify(await wrong.json())).not.toContain('acme-token');
    expect(received).toEqual([]);
  });

  it('answers 400 listing the bad lines, ingests the good ones and dead-letters the bad ones', async () => {
    const { post, received } = await start();
    const response = await post('{"ok":1}\nnot json\n{"ok":2}\n[1,2]\n', TOKEN_ACME);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { accepted: number; rejected: number; errors: { line: number; error: string }[] };
    expect(body.accepted).toBe(2);
    expect(body.rejected).toBe(2);
    expect(body.errors.map((e) => e.line)).toEqual([2, 4]);
    expect(received.filter((r) => r.kind === 'event')).toHaveLength(2);
    expect(received.filter((r) => r.kind === 'dead').map((r) => (r.kind === 'dead' ? r.letter.raw : ''))).toEqual(['not json', '[1,2]']);
  });

  it('answers 413 for a body over the limit', async () => {
    const { post, received } = await start({ maxBodyBytes: 1024 });
    const response = await post(`${JSON.stringify({ big: 'x'.repeat(2000) })}\n`, TOKEN_ACME);
    expect(response.status).toBe(413);
    expect(received).toEqual([]);
  });

  it('answers 429 with Retry-After while the buffer is full', async () => {
    const { post, buffer } = await start({ capacity: 2, consume: false });
    buffer.push({ kind: 'event', input: 'x', event: {} });
    buffer.push({ kind: 'event', input: 'x', event: {} });
    const response = await post('{"a":1}\n', TOKEN_ACME);
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('3');
  });

  it('serves only POST /ingest', async () => {
    const { post } = await start();
    const base = `http://127.0.0.1:${input!.port}`;
    expect((await fetch(`${base}/other`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await fetch(`${base}/ingest`)).status).toBe(405);
    expect((await post('{}\n', TOKEN_ACME)).status).toBe(200);
  });
});
