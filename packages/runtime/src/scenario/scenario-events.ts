import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseRecord, type FormatName } from '@socle/collector';
import type { SocleEvent } from '@socle/core';
import type { SourcedEvent } from '../ports.ts';
import type { Scenario } from './scenario-manifest.ts';

export interface ScenarioEvents {
  /** Every parsed event of every file, in event-time order (ties keep file order). */
  events: SourcedEvent[];
  /** `file:line: reason` for each record the parser refused. */
  rejected: string[];
  lines: number;
}

/**
 * Parses the scenario's raw logs with the collector's parsers, as the collector would on arrival, and merges them
 * in time order: a replay must hand the engine events in the order they happened, whatever file they are in.
 */
export async function readScenarioEvents(scenario: Scenario): Promise<ScenarioEvents> {
  const { manifest } = scenario;
  const timed: { event: SourcedEvent; time: number }[] = [];
  const rejected: string[] = [];
  let lines = 0;
  for (const f of manifest.files) {
    const path = join(scenario.dir, f.file);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      throw new Error(`${path}: cannot read the log file listed in ${join(scenario.dir, 'scenario.yml')}`);
    }
    const ctx = { organization: f.organization ?? manifest.organization, input: `file:${f.file}`, receivedAt: manifest.receivedAt };
    text.split('\n').forEach((raw, i) => {
      if (!raw.trim()) return;
      lines++;
      const result = parseRecord(f.format as FormatName, raw, ctx);
      if (!result.ok) {
        rejected.push(`${f.file}:${i + 1}: ${result.error}`);
        return;
      }
      defaultHostName(result.event, f.host);
      const time = Date.parse(String(result.event['@timestamp']));
      timed.push({ event: { event: result.event, ref: { id: `${f.file}:${i + 1}` } }, time: Number.isFinite(time) ? time : 0 });
    });
  }
  // Array.prototype.sort is stable, so events of the same millisecond keep their file order.
  timed.sort((a, b) => a.time - b.time);
  return { events: timed.map((t) => t.event), rejected, lines };
}

/** Records that name no host (access logs) get the host the manifest says the file comes from. */
function defaultHostName(event: SocleEvent, host: string): void {
  const current = event.host;
  if (typeof current === 'object' && current !== null && !Array.isArray(current)) {
    const h = current as Record<string, unknown>;
    if (h.name === undefined) h.name = host;
  } else if (current === undefined) {
    event.host = { name: host };
  }
}
