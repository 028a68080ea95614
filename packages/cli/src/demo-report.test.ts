import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readScenario, replayScenario, type ReplayResult } from '@socle/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDemoReport } from './demo-report.ts';

// Rule ids of the socle-baseline pack (packages/rules/packs/socle-baseline/rules/...), one per attack step.
const STEPS = [
  'c87ae447-3c0f-42c5-af08-d59df4509410', // port scan
  'a3a1cd7b-2349-4649-a01c-387264eac666', // web shell
  '8c1b894e-339d-4c44-96e0-c3cde92a44ba', // SSH success after brute force
  '3f50374b-629d-4ccc-b671-e01ec1b55b54', // lateral movement
  '2059a031-8243-4a87-a089-07f0d7a216f2', // new Windows admin
  'a6b2b6d4-6355-4877-9e33-854fd10569c7', // exfiltration
];

let dir: string;
let result: ReplayResult;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'socle-demo-report-'));
  result = await replayScenario({ journalDir: dir });
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the `socle demo` report', () => {
  it('prints as a report of under 60 lines, one row per attack step, oldest first', async () => {
    const { manifest } = await readScenario();
    const lines = formatDemoReport(manifest, result, { journalDir: dir });
    expect(lines.length).toBeLessThan(60);
    const rows = lines.filter((l) => /^\d\d:\d\d:\d\d /.test(l));
    const rowOf = (rule: string) => rows.findIndex((l) => l.includes(result.alerts.find((a) => a.rule.id === rule)!.rule.name));
    const steps = STEPS.map(rowOf);
    expect(steps.every((i) => i >= 0)).toBe(true);
    expect([...steps].sort((a, b) => a - b)).toEqual(steps);
    expect(lines.some((l) => l.startsWith(`${result.events} events (0 unparsed), ${result.alerts.length} alerts: critical `))).toBe(true);
  });
});
