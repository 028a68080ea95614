import { afterEach, describe, expect, it } from 'vitest';
import { startMetricsServer, type RunningMetricsServer } from './metrics-server.ts';
import { ServiceMetrics } from './service-metrics.ts';

let server: RunningMetricsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('metrics server', () => {
  it('serves the worker metrics, liveness and readiness on 127.0.0.1', async () => {
    const metrics = new ServiceMetrics(false);
    let ready = false;
    server = await startMetricsServer({ registry: metrics.registry, ready: () => ready, status: () => ({ events: 3 }) }, '127.0.0.1', 0);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    metrics.eventsConsumed.inc({ topic: 'socle.events' }, 3);
    metrics.alerts.inc({ rule: 'brute-force', severity: 'high' });
    metrics.evaluationSeconds.observe(0.002);

    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toContain('socle_events_consumed_total{topic="socle.events"} 3');
    expect(text).toContain('socle_alerts_total{rule="brute-force",severity="high"} 1');
    expect(text).toContain('socle_rule_evaluation_seconds_count 1');
    expect(text).toContain('socle_es_bulk_seconds');

    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const notReady = await fetch(`${server.url}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({ status: 'not ready', events: 3 });
    ready = true;
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
  });
});
