import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EmbeddedService } from '../embedded/embedded-service.ts';
import { runConfigSchema } from '../embedded/run-config.ts';
import { BROKEN_RULE, BRUTE_FORCE_ID, FAILURE_ID, FAILURE_RULE, SUDO_ID, SUDO_RULE, bruteForceRule, failureLine } from './test-rules.test-helper.ts';

const SUDO_BURST_RULE = `
title: Test sudo burst
id: 55555555-5555-4555-8555-555555555555
correlation:
  type: event_count
  rules: [${SUDO_ID}]
  group-by: [user.name]
  timespan: 5m
  condition: {gte: 5}
level: medium
`;

let dir: string;
let rulesDir: string;
let service: EmbeddedService | undefined;
const logs: string[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'socle-embedded-reload-'));
  rulesDir = join(dir, 'rules');
  await mkdir(rulesDir);
  await writeFile(join(rulesDir, 'ssh.yml'), `${FAILURE_RULE}\n---\n${bruteForceRule(3)}`);
  logs.length = 0;
});
afterEach(async () => {
  await service?.stop();
  service = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function start(reload: Record<string, unknown>): Promise<PassThrough> {
  const stdin = new PassThrough();
  const config = runConfigSchema.parse({
    dataDir: join(dir, 'data'),
    inputs: [{ type: 'stdin', organization: 'acme', format: 'auth' }],
    rules: [rulesDir],
    pipelines: ['linux-ecs'],
    api: { listen: '127.0.0.1:0' },
    reload,
  });
  service = new EmbeddedService(config, { stdin, log: (m) => logs.push(m) });
  await service.start();
  return stdin;
}

async function api(path: string, init?: RequestInit): Promise<{ status: number; body: any }> {
  const res = await fetch(service!.apiUrl + path, init);
  return { status: res.status, body: await res.json() };
}

/** The reload log lines, parsed. */
const reloads = () => logs.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)).filter((l) => l.event === 'rules.reload');

// Generous limits: the watch and the machine may be slow; nothing here asserts on durations.
describe('socle run: rules hot reload', () => {
  it('a broken file leaves the old set running; fixing it reloads, and the brute force keeps counting', async () => {
    const stdin = await start({ debounceMs: 100, pollIntervalMs: 100 });
    stdin.write(failureLine(1) + failureLine(2));
    await vi.waitFor(async () => expect((await api('/healthz')).body.events).toBe(2), { timeout: 10_000, interval: 50 });

    await writeFile(join(rulesDir, 'broken.yml'), BROKEN_RULE);
    await vi.waitFor(() => expect(reloads().at(-1)).toMatchObject({ status: 'refused', trigger: 'watch', newlyRejected: 1 }), { timeout: 10_000, interval: 50 });
    expect(reloads().at(-1).reason).toContain('broken.yml');
    expect(service!.rules.loaded).toBe(2);

    await writeFile(join(rulesDir, 'broken.yml'), SUDO_RULE);
    await vi.waitFor(() => expect(reloads().at(-1)).toMatchObject({ status: 'applied', trigger: 'watch', loaded: 3, kept: 2, added: 1 }), { timeout: 10_000, interval: 50 });
    expect(service!.rules.loaded).toBe(3);

    // completes the brute force only because the two failures before the reload were kept
    stdin.write(failureLine(3));
    await vi.waitFor(async () => expect((await api('/healthz')).body.events).toBe(3), { timeout: 10_000, interval: 50 });
    const high = (await api(`/alerts?rule=${BRUTE_FORCE_ID}`)).body;
    expect(high.total).toBe(1);
    expect(high.alerts[0].socle.correlation.value).toBe(3);
  }, 40_000);

  it('POST /admin/reload answers the result as JSON, also with the watch off', async () => {
    await start({ watch: false });
    await writeFile(join(rulesDir, 'sudo.yml'), SUDO_RULE);

    const applied = await api('/admin/reload', { method: 'POST', headers: { 'content-type': 'application/json' } });
    expect(applied.status).toBe(200);
    expect(applied.body).toMatchObject({ status: 'applied', trigger: 'admin', loaded: 3, rejections: [] });
    expect(applied.body.state).toEqual({ kept: [FAILURE_ID, BRUTE_FORCE_ID].sort(), reset: [], added: [SUDO_ID], removed: [] });

    await writeFile(join(rulesDir, 'broken.yml'), BROKEN_RULE);
    const refused = await api('/admin/reload', { method: 'POST', headers: { 'content-type': 'application/json' } });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ status: 'refused', loaded: 3 });
    expect(refused.body.rejections[0]).toMatchObject({ file: join(rulesDir, 'broken.yml'), new: true });

    expect((await api('/admin/reload')).status).toBe(405);
    expect((await api('/healthz')).status).toBe(200);
  }, 30_000);

  it('a restart after the rules changed keeps the state of the unchanged ones', async () => {
    let stdin = await start({ watch: false });
    stdin.write(failureLine(1) + failureLine(2));
    await vi.waitFor(async () => expect((await api('/healthz')).body.events).toBe(2), { timeout: 10_000, interval: 50 });
    await service!.stop();

    // a new correlation changes the correlation rule list: a plain restore would refuse the saved state
    await writeFile(join(rulesDir, 'sudo.yml'), `${SUDO_RULE}\n---\n${SUDO_BURST_RULE}`);
    stdin = await start({ watch: false });
    expect(service!.rules.loaded).toBe(4);
    expect(logs.some((l) => l.includes('not restored'))).toBe(false);
    stdin.write(failureLine(3));
    await vi.waitFor(async () => expect((await api('/healthz')).body.events).toBe(1), { timeout: 10_000, interval: 50 });
    expect((await api(`/alerts?rule=${BRUTE_FORCE_ID}`)).body.total).toBe(1);
  }, 30_000);
});
