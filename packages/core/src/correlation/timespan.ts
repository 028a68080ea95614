/** Sigma timespans: a positive integer and one unit letter. `M` and `y` use pySigma's mean month and year. */
const UNIT_SECONDS: Record<string, number> = {
  s: 1,
  m: 60,
  h: 3600,
  d: 86_400,
  w: 604_800,
  M: 2_629_746,
  y: 31_556_952,
};

/** Milliseconds in a timespan such as `90m`, or an explanation of what is wrong. */
export function parseTimespan(spec: unknown): { ms: number } | { error: string } {
  if (typeof spec !== 'string') return { error: `timespan must be a string such as '5m', got ${JSON.stringify(spec)}` };
  const m = /^([0-9]+)([smhdwMy])$/.exec(spec);
  if (!m) return { error: `timespan '${spec}' is not a number followed by one of s, m, h, d, w, M, y` };
  const count = Number(m[1]);
  if (count <= 0) return { error: `timespan '${spec}' must be greater than zero` };
  return { ms: count * UNIT_SECONDS[m[2]!]! * 1000 };
}
