/**
 * Replays the socle-baseline attack scenario (packages/rules/packs/socle-baseline/scenario/) through the
 * collector's parsers and the engine loaded with the pack, as the README demo does. Shared by the scenario test.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseRecord, type FormatName } from '@socle/collector';
import { createEngine, type Alert, type SocleEvent } from '@socle/core';
import { loadPackage } from '@socle/rules';

export const SCENARIO_PACK = fileURLToPath(new URL('../../packages/rules/packs/socle-baseline', import.meta.url));

/** Each raw file of the scenario and the collector format it is written in. */
export const SCENARIO_FILES: Array<{ file: string; format: FormatName }> = [
  { file: 'scenario/ufw.syslog', format: 'iptables' },
  { file: 'scenario/nginx-access.txt', format: 'nginx' },
  { file: 'scenario/auth.syslog', format: 'auth' },
  { file: 'scenario/firewall.cef', format: 'cef' },
];

export async function scenarioEvents(): Promise<{ events: SocleEvent[]; errors: string[] }> {
  const events: SocleEvent[] = [];
  const errors: string[] = [];
  for (const { file, format } of SCENARIO_FILES) {
    const text = await readFile(`${SCENARIO_PACK}/${file}`, 'utf8');
    text.split('\n').forEach((line, i) => {
      if (!line.trim()) return;
      const result = parseRecord(format, line, { organization: 'demo', input: `file:${file}`, receivedAt: '2026-11-20T12:00:00.000Z' });
      if (result.ok) events.push(result.event);
      else errors.push(`${file}:${i + 1}: ${result.error}`);
    });
  }
  const time = (e: SocleEvent) => Date.parse(String(e['@timestamp']));
  return { events: events.map((e, i) => ({ e, i })).sort((a, b) => time(a.e) - time(b.e) || a.i - b.i).map((x) => x.e), errors };
}

export async function replayScenario(): Promise<{ alerts: Alert[]; rejected: string[]; parseErrors: string[] }> {
  const pkg = await loadPackage(SCENARIO_PACK);
  const engine = createEngine({ rules: pkg.ruleSources, pipelines: pkg.pipelineSources });
  const { events, errors } = await scenarioEvents();
  const alerts: Alert[] = [];
  for (const e of events) alerts.push(...engine.process(e));
  alerts.push(...engine.flush());
  return { alerts, rejected: engine.rejected.map((r) => `${r.file}: ${r.reason}`), parseErrors: errors };
}
