import type { Alert } from '../alert.ts';
import type { CompiledCorrelation } from './compile.ts';
import { deterministicId } from '../hash.ts';
import { DEFAULT_LEVEL, severityFromLevel } from '../severity.ts';

/** What a correlation found: the group, the window and its members. */
export interface CorrelationFinding {
  /** The group key: JSON text of the group-by values, in group-by order. */
  key: string;
  start: number;
  end: number;
  value: number;
  /** Member event ids (already capped) and how many there were in all. */
  ids: string[];
  total: number;
}

export function groupRecord(corr: CompiledCorrelation, key: string): Record<string, unknown> {
  const values = JSON.parse(key) as unknown[];
  const group: Record<string, unknown> = {};
  corr.groupBy.forEach((name, i) => (group[name] = values[i]));
  return group;
}

/** Deterministic: the same rule, group, window start and first member always give the same id. */
export function correlationAlertId(corr: CompiledCorrelation, f: CorrelationFinding): string {
  return deterministicId(corr.id, f.key, f.start, f.ids[0] ?? '');
}

export function buildCorrelationAlert(corr: CompiledCorrelation, f: CorrelationFinding): Alert {
  const rule = corr.rule;
  const level = rule.level ?? DEFAULT_LEVEL;
  const extension = (rule.custom?.socle ?? {}) as Record<string, unknown>;
  const { suppression: _suppression, ...carried } = typeof extension === 'object' && extension !== null ? extension : {};
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
    tags: [...rule.tags],
    'kibana.alert.severity': level,
    socle: {
      ...carried,
      level,
      correlation: {
        type: corr.type,
        group: groupRecord(corr, f.key),
        window: { start: new Date(f.start).toISOString(), end: new Date(f.end).toISOString() },
        value: f.value,
        events: { ids: f.ids, total: f.total },
        rules: [...new Set(corr.ruleIds)],
      },
    },
  };
}
