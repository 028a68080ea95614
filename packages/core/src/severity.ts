/** Sigma's rule levels, least to most severe: the one list every package validates and orders by. */
export const SIGMA_LEVELS = ['informational', 'low', 'medium', 'high', 'critical'] as const;
export type SigmaLevel = (typeof SIGMA_LEVELS)[number];

/** Sigma level -> ECS `event.severity` (0-100), following Elastic's risk-score mapping. */
const SEVERITY: Record<SigmaLevel, number> = {
  informational: 21,
  low: 21,
  medium: 47,
  high: 73,
  critical: 99,
};

/** The level an alert gets when the rule has none. */
export const DEFAULT_LEVEL = 'medium';

export function severityFromLevel(level: string | undefined): number {
  return SEVERITY[(level ?? DEFAULT_LEVEL).toLowerCase() as SigmaLevel] ?? SEVERITY[DEFAULT_LEVEL];
}
