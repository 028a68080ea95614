/**
 * ISO 8601 timestamps in the one form alerts are written in (`2026-01-05T07:30:01.544Z`, what `toISOString`
 * gives), read and written by integer arithmetic: `Date.parse` and `toISOString` call into the runtime, and an
 * alert needs both (its event's time, its own `@timestamp`, suppression reading it back). Any other text goes to
 * `Date.parse`, and times outside the years 0000-9999 to `toISOString`, so results are theirs in every case.
 */

const DAY_MS = 86_400_000;
/** 10000-01-01T00:00:00.000Z: from here on `toISOString` writes a six-digit year. */
const YEAR_10000_MS = 253_402_300_800_000;

/** Epoch milliseconds of an ISO 8601 date-time, as `Date.parse` reads it (NaN when it is none). */
export function parseIsoTime(text: string): number {
  return text.length === 24 ? (canonical(text) ?? Date.parse(text)) : Date.parse(text);
}

/** `new Date(ms).toISOString()`, without the `Date`. */
export function formatIsoTime(ms: number): string {
  if (!(ms >= 0 && ms < YEAR_10000_MS) || !Number.isInteger(ms)) return new Date(ms).toISOString();
  const days = Math.floor(ms / DAY_MS);
  let rest = ms - days * DAY_MS;
  const [y, m, d] = civilFromDays(days);
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const min = Math.floor(rest / 60_000);
  rest -= min * 60_000;
  const s = Math.floor(rest / 1000);
  return `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(min, 2)}:${pad(s, 2)}.${pad(rest - s * 1000, 3)}Z`;
}

function pad(n: number, width: number): string {
  const s = String(n);
  return s.length >= width ? s : '000'.slice(0, width - s.length) + s;
}

/** The time of `YYYY-MM-DDTHH:MM:SS.sssZ` with every field in range; undefined for anything else. */
function canonical(t: string): number | undefined {
  if (t.charCodeAt(4) !== 45 || t.charCodeAt(7) !== 45 || t.charCodeAt(10) !== 84 || t.charCodeAt(13) !== 58) return undefined;
  if (t.charCodeAt(16) !== 58 || t.charCodeAt(19) !== 46 || t.charCodeAt(23) !== 90) return undefined;
  const y = digits(t, 0, 4);
  const m = digits(t, 5, 2);
  const d = digits(t, 8, 2);
  const h = digits(t, 11, 2);
  const min = digits(t, 14, 2);
  const s = digits(t, 17, 2);
  const ms = digits(t, 20, 3);
  // Hour 24, day 31 of a 30-day month and the like are `Date.parse`'s to read (or refuse).
  if (y < 0 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m) || h < 0 || h > 23 || min < 0 || min > 59 || s < 0 || s > 59 || ms < 0) return undefined;
  return daysFromCivil(y, m, d) * DAY_MS + h * 3_600_000 + min * 60_000 + s * 1000 + ms;
}

/** The decimal number of `width` digits at `at`; -1 when one of them is no digit. */
function digits(t: string, at: number, width: number): number {
  let n = 0;
  for (let i = at; i < at + width; i++) {
    const c = t.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

// Days since 1970-01-01 of a proleptic Gregorian date and back (H. Hinnant's `days_from_civil`).
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

function civilFromDays(days: number): [number, number, number] {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [era * 400 + yoe + (m <= 2 ? 1 : 0), m, d];
}
