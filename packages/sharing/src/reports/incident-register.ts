/**
 * The incidents a SOC must report upward, kept in a YAML register (one per deployment) that analysts update as an
 * incident moves on: discovered, notified, response ended, final report sent.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { parseValidatedYaml } from '@socle/rules';

const time = z.string().refine((v) => Number.isFinite(Date.parse(v)), 'expected an ISO 8601 time such as 2026-03-14T09:41:00Z');

const incidentSchema = z
  .object({
    id: z.string().min(1),
    organization: z.string().min(1),
    title: z.string().min(1),
    summary: z.string().optional(),
    severity: z.enum(['low', 'medium', 'high', 'critical']).default('high'),
    alertIds: z.array(z.string()).default([]),
    discoveredAt: time,
    notifiedAt: time.optional(),
    responseEndedAt: time.optional(),
    finalReportAt: time.optional(),
  })
  .strict();

const registerSchema = z.object({ incidents: z.array(incidentSchema).default([]) }).strict();

export type IncidentRecord = z.output<typeof incidentSchema>;

export function parseIncidentRegister(text: string, file: string): IncidentRecord[] {
  const incidents = parseValidatedYaml(text, file, registerSchema).incidents;
  const seen = new Set<string>();
  for (const [i, incident] of incidents.entries()) {
    if (seen.has(incident.id)) throw new Error(`${file}: incidents.${i}.id: ${incident.id} is listed twice`);
    seen.add(incident.id);
  }
  return incidents;
}

export async function loadIncidentRegister(file: string): Promise<IncidentRecord[]> {
  return parseIncidentRegister(await readFile(file, 'utf8'), file);
}
