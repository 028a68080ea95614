import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@socle/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EmbeddedService } from './embedded-service.ts';
import { runConfigSchema } from './run-config.ts';
import { BRUTE_FORCE_ID, bruteForceRule, FAILURE_RULE, failureLine } from '../reload/test-rules.test-helper.ts';

const SOC_WIDE_ID = '55555555-5555-4555-8555-555555555555';
const SOC_WIDE_RULE = `
title: Test SSH Brute Force across the SOC
id: ${SOC_WIDE_ID}
correlation:
  type: event_count
  rules: [t_ssh_failure]
  generate: true
  group-by: [source.ip]
  timespan: 5m
  condition: {gte: 3}
level: high
socle: {scope: soc}
`;

let dir: string;
let service: EmbeddedService | undefined;
const logs: string[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'socle-tenancy-'));
  await writeFile(join(dir, 'rules.yml'), `${FAILURE_RULE}\n---\n${bruteForceRule(3)}\n---\n${SOC_WIDE_RULE}`);
  // Two failures from one address at each organisation: three or more at one organisation would be a brute force.
  // org-b's lines come later in event time, so its file is filled once org-a's are in (see the test).
  await writeFile(join(dir, 'a.log'), failureLine(1) + failureLine(2));
  await writeFile(join(dir, 'b.log'), '');
  logs.length = 0;
});
afterEach(async () => {
  await service?.stop();
  service = undefined;
  await rm(dir, { recursive: true, force: true });
});

function config(tenancy: unknown) {
  return runConfigSchema.parse({
    dataDir: join(dir, 'data'),
    inputs: [
      { type: 'file', organization: 'org-a', format: 'auth', paths: [join(dir, 'a.log')] },
      { type: 'file', organization: 'org-b', format: 'auth', paths: [join(dir, 'b.log')] },
    ],
    rules: [join(dir, 'rules.yml')],
    pipelines: ['linux-ecs'],
    api: { listen: '127.0.0.1:0' },
    tenancy,
  });
}

const logger = createLogger({ format: 'text', write: (line) => logs.push(line) });

describe('socle run keeps organisations apart (tenancy:)', () => {
  it('counts each organisation on its own, and the SOC-wide rule across the members of its SOC', async () => {
    service = new EmbeddedService(config({ socs: { 'soc-1': ['org-a', 'org-b'] } }), { logger });
    await service.start();
    type StoredAlert = { rule: { id: string }; organization: { id: string }; socle: { organizations: string[] } };
    const alerts = async () => ((await (await fetch(`${service!.apiUrl}/alerts?size=100`)).json()) as { alerts: StoredAlert[] }).alerts;
    const events = async () => ((await (await fetch(`${service!.apiUrl}/healthz`)).json()) as { events: number }).events;
    // Correlation runs on event time: had the two files been read the other way round, org-a's earlier lines would
    // arrive after the SOC's window moved past them (late, not counted). One file after the other, as time goes.
    await vi.waitFor(async () => expect(await events()).toBe(2), { timeout: 60_000, interval: 100 });
    await appendFile(join(dir, 'b.log'), failureLine(3) + failureLine(4));
    await vi.waitFor(async () => expect((await alerts()).filter((a) => a.rule.id === SOC_WIDE_ID)).toHaveLength(1), { timeout: 60_000, interval: 100 });
    const all = await alerts();
    expect(all.filter((a) => a.rule.id === BRUTE_FORCE_ID)).toEqual([]);
    const socWide = all.find((a) => a.rule.id === SOC_WIDE_ID)!;
    expect(socWide.organization.id).toBe('soc-1');
    expect(socWide.socle.organizations).toEqual(['org-a', 'org-b']);
    expect(new Set(all.filter((a) => a.rule.id !== SOC_WIDE_ID).map((a) => a.organization.id))).toEqual(new Set(['org-a', 'org-b']));
  }, 120_000);

  it('refuses to start when an organisation is in two SOCs', async () => {
    service = new EmbeddedService(config({ socs: { 'soc-1': ['org-a'], 'soc-2': ['org-a', 'org-b'] } }), { logger });
    await expect(service.start()).rejects.toThrow(/org-a/);
    service = undefined;
  }, 60_000);
});
