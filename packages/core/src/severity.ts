/** Sigma level -> ECS `event.severity` (0-100), following Elastic's risk-score mapping. */
const SEVERITY: Record<string, number> = {
  informational: 21,
  low: 21,
  medium: 47,
  high: 73,
  critical: 99,
};

/** The level an alert gets when the rule has none. */
export const DEFAULT_LEVEL = 'medium';

export function severityFromLevel(level: string | undefined): number {
  return SEVERITY[(level ?? DEFAULT_LEVEL).toLowerCase()] ?? SEVERITY[DEFAULT_LEVEL]!;
}
