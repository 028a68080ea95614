/**
 * The numeric condition of a correlation (`gte: 100`, or a range `{gt: 100, lte: 200}`): every bound must hold.
 */
export type ThresholdOperator = 'gt' | 'gte' | 'lt' | 'lte' | 'eq' | 'neq';
export const THRESHOLD_OPERATORS: readonly ThresholdOperator[] = ['gt', 'gte', 'lt', 'lte', 'eq', 'neq'];

export type Threshold = Partial<Record<ThresholdOperator, number>>;

export function thresholdHolds(t: Threshold, value: number): boolean {
  if (t.gt !== undefined && !(value > t.gt)) return false;
  if (t.gte !== undefined && !(value >= t.gte)) return false;
  if (t.lt !== undefined && !(value < t.lt)) return false;
  if (t.lte !== undefined && !(value <= t.lte)) return false;
  if (t.eq !== undefined && !(value === t.eq)) return false;
  if (t.neq !== undefined && !(value !== t.neq)) return false;
  return true;
}

/** Only lower bounds (`gt`, `gte`): once a growing value satisfies it, more events cannot undo it. */
export function hasOnlyLowerBounds(t: Threshold): boolean {
  return t.lt === undefined && t.lte === undefined && t.eq === undefined && t.neq === undefined;
}

/** Only upper bounds (`lt`, `lte`): the mirror case, for a shrinking value such as a minimum. */
export function hasOnlyUpperBounds(t: Threshold): boolean {
  return t.gt === undefined && t.gte === undefined && t.eq === undefined && t.neq === undefined;
}
