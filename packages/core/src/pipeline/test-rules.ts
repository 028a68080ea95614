/** Hand-built rule values for the pipeline tests. */
import type { DetectionItem, LogSource, SearchBody, SigmaDetectionRule } from '../sigma/model.ts';

export function item(field: string | null, values: Array<string | number>, modifiers: string[] = []): DetectionItem {
  return { field, modifiers, values };
}

export function detectionRule(
  logsource: LogSource,
  identifiers: Record<string, SearchBody>,
  extra: Partial<SigmaDetectionRule> = {},
): SigmaDetectionRule {
  return {
    type: 'detection',
    title: 'test rule',
    id: '11111111-2222-3333-4444-555555555555',
    references: [],
    tags: [],
    falsepositives: [],
    fields: [],
    related: [],
    custom: {},
    location: { file: 'test.yml' },
    logsource,
    identifiers: new Map(Object.entries(identifiers)),
    conditions: ['selection'],
    addedConditions: [],
    ...extra,
  };
}
