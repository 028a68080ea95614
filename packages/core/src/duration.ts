/** Milliseconds per unit; `M` and `y` are pySigma's mean month and year. */
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, M: 2_629_746_000, y: 31_556_952_000 } as const;

export type DurationUnit = keyof typeof UNIT_MS;

export interface DurationSyntax {
  /** Units accepted (all by default). */
  units?: readonly DurationUnit[];
  /** `1.5h` allowed (whole numbers only by default). */
  fractions?: boolean;
  /** A bare number is milliseconds (refused by default). */
  bareMilliseconds?: boolean;
}

const NUMBER_AND_UNIT = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w|M|y)?$/;

/**
 * The one reader of durations (`250ms`, `5s`, `90m`, `2h`, `1d`, `1w`, `1M`, `1y`) for rule timespans, test
 * steps and API intervals; each caller says which units and forms it takes. Undefined when the text is not one.
 */
export function parseDuration(text: string, syntax: DurationSyntax = {}): number | undefined {
  const m = NUMBER_AND_UNIT.exec(text);
  if (!m) return undefined;
  const unit = m[2] as DurationUnit | undefined;
  if (unit === undefined ? !syntax.bareMilliseconds : syntax.units !== undefined && !syntax.units.includes(unit)) return undefined;
  if (!syntax.fractions && m[1].includes('.')) return undefined;
  return Number(m[1]) * (unit === undefined ? 1 : UNIT_MS[unit]);
}
