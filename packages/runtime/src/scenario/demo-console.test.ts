import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleIsBuilt } from '@socle/console';
import { startDemoConsole, type DemoConsole } from './demo-console.ts';
import { replayScenario, type ReplayResult } from './replay-scenario.ts';

let dir: string;
let served: DemoConsole;
let result: ReplayResult;

describe.runIf(consoleIsBuilt())('socle demo --console', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'socle-demo-console-'));
    result = await replayScenario({ journalDir: dir, includeEvent: true, maxOriginalChars: 120, attributeUnnamedAlerts: true });
    served = await startDemoConsole({ journalDir: dir, organizations: ['acme'], port: 0 });
  });
  afterAll(async () => {
    await served?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves every demo alert to the printed token, with the raw line of each detection', async () => {
    const origin = new URL(served.url).origin;
    const signIn = await fetch(`${origin}/api/session`, { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: JSON.stringify({ token: served.token }) });
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0];
    const page = (await (await fetch(`${origin}/alerts?size=1000`, { headers: { cookie } })).json()) as { total: number; alerts: { event: { id: string }; rule: { category: string } }[] };
    expect(page.total).toBe(result.alerts.length);
    const detection = page.alerts.find((a) => a.rule.category === 'detection')!;
    const detail = (await (await fetch(`${origin}/alerts/${detection.event.id}`, { headers: { cookie } })).json()) as { members: { events: { event: { original: string } }[] } };
    const original = detail.members.events[0].event.original;
    expect(original.length).toBeGreaterThan(10);
    expect(original.length).toBeLessThanOrEqual(120 + 60);
    expect((await fetch(served.url)).headers.get('content-type')).toBe('text/html; charset=utf-8');
  });
});
