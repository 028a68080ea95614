import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isFormatName } from '@socle/collector';
import { z } from 'zod';
import { parseValidatedYaml } from '@socle/rules';

const scenarioFile = z.strictObject({
  file: z.string().min(1),
  format: z.string().refine(isFormatName, 'not a collector format (e.g. auth, nginx, iptables, winlogbeat, syslog, json)'),
  /** `host.name` for records that do not name their host (access logs). */
  host: z.string().min(1),
  organization: z.string().min(1).optional(),
});

export const scenarioManifestSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  receivedAt: z.iso.datetime({ offset: true }),
  organization: z.string().min(1),
  pipelines: z.array(z.string().min(1)).default([]),
  files: z.array(scenarioFile).min(1, 'list at least one log file'),
});

export type ScenarioManifest = z.output<typeof scenarioManifestSchema>;

export interface Scenario {
  dir: string;
  manifest: ScenarioManifest;
}

/** The attack scenario shipped with the service (`packages/runtime/scenario/`). */
export const BUNDLED_SCENARIO = fileURLToPath(new URL('../../scenario/', import.meta.url));

export async function readScenario(dir: string = BUNDLED_SCENARIO): Promise<Scenario> {
  const file = join(dir, 'scenario.yml');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new Error(`${file}: cannot read the scenario manifest`);
  }
  return { dir: resolve(dir), manifest: parseValidatedYaml(text, file, scenarioManifestSchema) };
}
