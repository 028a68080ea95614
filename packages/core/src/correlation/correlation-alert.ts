import type { Alert } from '../alert.ts';
import type { CompiledCorrelation } from './compile.ts';
import { contributingOrganizations, type Contributors } from '../organization.ts';
import { deterministicId } from '../hash.ts';
import { DEFAULT_LEVEL, severityFromLevel } from '../severity.ts';

/** What a correlation found: the group, the window and its members. */
export interface CorrelationFinding {
  /** The group key: JSON text of the owner (organisation or SOC id), then the group-by values in group-by order. */
  key: string;
  start: number;
  end: number;
  value: number;
  /** Member event ids (already capped) and how many there were in all. */
  ids: string[];
  total: number;
  /** SOC-wide rules: who contributed each member event; otherwise undefined (the owner alone). */
  from?: Iterable<Contributors>;
}

/** The owner and the group-by values of a group key. */
export function splitGroupKey(corr: CompiledCorrelation, key: string): { owner: string; group: Record<string, unknown> } {
  const values = JSON.parse(key) as unknown[];
  const group: Record<string, unknown> = {};
  corr.groupBy.forEach((name, i) => (group[name] = values[i + 1]));
  return { owner: values[0] as string, group };
}

/** Deterministic: the same rule, group, window start and first member always give the same id. */
export function correlationAlertId(corr: CompiledCorrelation, f: CorrelationFinding): string {
  return deterministicId(corr.id, f.key, f.start, f.ids[0] ?? '');
}

export function buildCorrelationAlert(corr: CompiledCorrelation, f: CorrelationFinding): Alert {
  const rule = corr.rule;
  const level = rule.level ?? DEFAULT_LEVEL;
  const extension = (rule.custom?.socle ?? {}) as Record<string, unknown>;
  const { suppression: _suppression, scope: _scope, ...carried } = typeof extension === 'object' && extension !== null ? extension : {};
  const { owner, group } = splitGroupKey(corr, f.key);
  return {
    '@timestamp': new Date(f.end).toISOString(),
    event: { kind: 'alert', id: correlationAlertId(corr, f), severity: severityFromLevel(level) },
    rule: {
      id: corr.id,
      name: rule.title,
      ...(rule.description !== undefined ? { description: rule.description } : {}),
      ...(rule.references.length > 0 ? { reference: rule.references } : {}),
      ...(rule.author !== undefined ? { author: rule.author } : {}),
      ...(rule.license !== undefined ? { license: rule.license } : {}),
      category: 'correlation',
    },
    organization: { id: owner },
    tags: [...rule.tags],
    'kibana.alert.severity': level,
    socle: {
      ...carried,
      level,
      organizations: f.from ? contributingOrganizations(f.from) : [owner],
      correlation: {
        type: corr.type,
        group,
        window: { start: new Date(f.start).toISOString(), end: new Date(f.end).toISOString() },
        value: f.value,
        events: { ids: f.ids, total: f.total },
        rules: [...new Set(corr.ruleIds)],
      },
    },
  };
}
