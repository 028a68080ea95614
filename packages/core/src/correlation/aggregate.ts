/** Aggregates over the numeric values of a window. Inputs are never empty. */

export function sum(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}

export function average(values: readonly number[]): number {
  return sum(values) / values.length;
}

export function minimum(values: readonly number[]): number {
  let m = Infinity;
  for (const v of values) if (v < m) m = v;
  return m;
}

export function maximum(values: readonly number[]): number {
  let m = -Infinity;
  for (const v of values) if (v > m) m = v;
  return m;
}

/**
 * The p-th percentile as pySigma's matcher computes it: sort ascending and take the element at index
 * floor(n * p / 100), capped at the last one (so p=50 of [1,2,3,4] is 3, p=100 is the maximum).
 */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(Math.floor((sorted.length * p) / 100), sorted.length - 1);
  return sorted[index]!;
}

/** The median as Python's statistics.median: the mean of the two middle values when n is even. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A field value as a number: finite numbers, and strings that are numbers; anything else is ignored. */
export function numericValue(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}
