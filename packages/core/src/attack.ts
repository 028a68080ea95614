/** ATT&CK tags of Sigma rules (`attack.t1059.001`, `attack.execution`) as ECS `threat.*` fields. */
import type { Threat } from './alert.ts';

const TACTICS: Record<string, [string, string]> = {
  reconnaissance: ['TA0043', 'Reconnaissance'],
  resource_development: ['TA0042', 'Resource Development'],
  initial_access: ['TA0001', 'Initial Access'],
  execution: ['TA0002', 'Execution'],
  persistence: ['TA0003', 'Persistence'],
  privilege_escalation: ['TA0004', 'Privilege Escalation'],
  defense_evasion: ['TA0005', 'Defense Evasion'],
  credential_access: ['TA0006', 'Credential Access'],
  discovery: ['TA0007', 'Discovery'],
  lateral_movement: ['TA0008', 'Lateral Movement'],
  collection: ['TA0009', 'Collection'],
  command_and_control: ['TA0011', 'Command and Control'],
  exfiltration: ['TA0010', 'Exfiltration'],
  impact: ['TA0040', 'Impact'],
};

const TECHNIQUE_TAG = /^attack\.t(\d{4})(?:\.(\d{3}))?$/i;

/** An ATT&CK technique id as queries and reports write it: `T1059` or `T1059.001`. */
export const ATTACK_TECHNIQUE_ID = /^T\d{4}(?:\.\d{3})?$/i;

/** The technique of an `attack.tNNNN[.NNN]` tag, upper-cased (`T1110`, `T1110.001`); undefined for other tags. */
export function techniqueOfTag(tag: string): { technique: string; subtechnique?: string } | undefined {
  const m = TECHNIQUE_TAG.exec(tag);
  if (!m) return undefined;
  const technique = `T${m[1]}`;
  return m[2] ? { technique, subtechnique: `${technique}.${m[2]}` } : { technique };
}

export function threatFromTags(tags: string[]): Threat | undefined {
  const tactic = { id: [] as string[], name: [] as string[], reference: [] as string[] };
  const technique = { id: [] as string[], reference: [] as string[] };
  const sub = { id: [] as string[], reference: [] as string[] };
  const add = (list: string[], v: string) => {
    if (!list.includes(v)) list.push(v);
  };
  for (const tag of tags) {
    const lower = tag.toLowerCase();
    if (!lower.startsWith('attack.')) continue;
    const t = TACTICS[lower.slice(7).replace(/-/g, '_')];
    if (t) {
      if (!tactic.id.includes(t[0])) {
        tactic.id.push(t[0]);
        tactic.name.push(t[1]);
        tactic.reference.push(`https://attack.mitre.org/tactics/${t[0]}/`);
      }
      continue;
    }
    const found = techniqueOfTag(lower);
    if (!found) continue;
    const id = found.technique;
    add(technique.id, id);
    if (technique.reference.length < technique.id.length) technique.reference.push(`https://attack.mitre.org/techniques/${id}/`);
    if (found.subtechnique) {
      const subId = found.subtechnique;
      if (!sub.id.includes(subId)) {
        sub.id.push(subId);
        sub.reference.push(`https://attack.mitre.org/techniques/${id}/${subId.slice(id.length + 1)}/`);
      }
    }
  }
  if (!tactic.id.length && !technique.id.length) return undefined;
  const threat: Threat = { framework: 'MITRE ATT&CK' };
  if (tactic.id.length) threat.tactic = tactic;
  if (technique.id.length) threat.technique = sub.id.length ? { ...technique, subtechnique: sub } : technique;
  return threat;
}
