/** Timestamp conversions to ISO 8601 UTC, without regexes or Date string parsing on untrusted input. */

export const MONTHS: Record<string, number> = {
  Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11,
};

function digitsAt(text: string, start: number, count: number): number | undefined {
  if (start + count > text.length) return undefined;
  let n = 0;
  for (let i = start; i < start + count; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
    n = n * 10 + (c - 48);
  }
  return n;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/**
 * Formats a UTC instant; `fraction` (the digits after the decimal point, as sent) is kept beyond milliseconds
 * so microsecond timestamps survive.
 */
function formatUtc(ms: number, fraction: string): string | undefined {
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) return undefined;
  const year = date.getUTCFullYear();
  if (year < 0 || year > 9999) return undefined;
  const base =
    `${pad(year, 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}` +
    `T${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)}`;
  const frac = fraction.length > 3 ? fraction : pad(date.getUTCMilliseconds(), 3);
  return `${base}.${frac}Z`;
}

function validCalendar(year: number, month: number, day: number, h: number, m: number, s: number): boolean {
  if (month < 1 || month > 12 || day < 1 || h > 23 || m > 59 || s > 60) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth;
}

/** RFC 3339 (`2003-08-24T05:14:15.000003-07:00`, also with a space instead of `T`) to ISO UTC. */
export function rfc3339ToIso(text: string): string | undefined {
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  if (
    year === undefined || month === undefined || day === undefined ||
    hour === undefined || minute === undefined || second === undefined ||
    text[4] !== '-' || text[7] !== '-' || (text[10] !== 'T' && text[10] !== 't' && text[10] !== ' ') ||
    text[13] !== ':' || text[16] !== ':'
  ) return undefined;
  if (!validCalendar(year, month, day, hour, minute, second)) return undefined;
  let i = 19;
  let fraction = '';
  if (text[i] === '.') {
    let j = i + 1;
    while (j < text.length && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) j++;
    fraction = text.slice(i + 1, j);
    if (fraction.length === 0 || fraction.length > 9) return undefined;
    i = j;
  }
  let offsetMinutes = 0;
  const zone = text[i];
  if (zone === 'Z' || zone === 'z') {
    i += 1;
  } else if (zone === '+' || zone === '-') {
    const oh = digitsAt(text, i + 1, 2);
    const om = digitsAt(text, i + 4, 2);
    if (oh === undefined || om === undefined || text[i + 3] !== ':' || oh > 23 || om > 59) return undefined;
    offsetMinutes = (zone === '+' ? 1 : -1) * (oh * 60 + om);
    i += 6;
  } else {
    return undefined;
  }
  if (i !== text.length) return undefined;
  const ms = Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59)) +
    Number((fraction + '000').slice(0, 3)) - offsetMinutes * 60_000;
  return formatUtc(ms, fraction);
}

/**
 * BSD syslog and file headers carry no year: pick the year that puts the event closest to the receive time,
 * so a `Dec 31` record received on `Jan 1` lands in the previous year and vice versa.
 */
export function resolveYear(month: number, day: number, receivedAt: string): number {
  const received = Date.parse(receivedAt);
  const now = Number.isNaN(received) ? Date.now() : received;
  const year = new Date(now).getUTCFullYear();
  let best = year;
  let bestDistance = Infinity;
  for (const candidate of [year - 1, year, year + 1]) {
    const distance = Math.abs(Date.UTC(candidate, month, day) - now);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

export interface CivilTime {
  year: number;
  /** 0-based month. */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  fraction: string;
  /** Offset of the sender's clock from UTC in minutes (0 when unknown). */
  offsetMinutes: number;
}

export function civilToIso(t: CivilTime): string | undefined {
  if (!validCalendar(t.year, t.month + 1, t.day, t.hour, t.minute, t.second)) return undefined;
  const ms = Date.UTC(t.year, t.month, t.day, t.hour, t.minute, Math.min(t.second, 59)) +
    Number((t.fraction + '000').slice(0, 3)) - t.offsetMinutes * 60_000;
  return formatUtc(ms, t.fraction);
}

/** Parses `hh:mm:ss[.frac]` at `start`; returns the parts and the index after them. */
export function parseClock(
  text: string, start: number,
): { hour: number; minute: number; second: number; fraction: string; end: number } | undefined {
  const hour = digitsAt(text, start, 2);
  const minute = digitsAt(text, start + 3, 2);
  const second = digitsAt(text, start + 6, 2);
  if (hour === undefined || minute === undefined || second === undefined) return undefined;
  if (text[start + 2] !== ':' || text[start + 5] !== ':') return undefined;
  let end = start + 8;
  let fraction = '';
  if (text[end] === '.') {
    let j = end + 1;
    while (j < text.length && j < end + 10 && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) j++;
    fraction = text.slice(end + 1, j);
    if (fraction.length === 0) return undefined;
    end = j;
  }
  return { hour, minute, second, fraction, end };
}

/** Unix epoch seconds with an optional fraction (`1364481363.243`) to ISO UTC. */
export function epochSecondsToIso(text: string): string | undefined {
  const dot = text.indexOf('.');
  const whole = dot >= 0 ? text.slice(0, dot) : text;
  const fraction = dot >= 0 ? text.slice(dot + 1) : '';
  if (whole.length === 0 || whole.length > 12 || fraction.length > 9) return undefined;
  for (const c of whole + fraction) if (c < '0' || c > '9') return undefined;
  const ms = Number(whole) * 1000 + Number((fraction + '000').slice(0, 3));
  return formatUtc(ms, fraction);
}

/** Epoch milliseconds (CEF `rt`, JSON numbers) to ISO UTC. */
export function epochMillisToIso(ms: number): string | undefined {
  if (!Number.isFinite(ms)) return undefined;
  return formatUtc(Math.trunc(ms), '');
}

/** Any timestamp a device might send in a text field: RFC 3339, epoch seconds or milliseconds. */
export function anyTimestampToIso(value: unknown): string | undefined {
  if (typeof value === 'number') {
    return epochMillisToIso(value < 1e11 ? value * 1000 : value);
  }
  if (typeof value !== 'string' || value.length === 0 || value.length > 40) return undefined;
  const iso = rfc3339ToIso(value);
  if (iso) return iso;
  const integerPart = value.split('.')[0];
  if (integerPart.length >= 12 && !value.includes('.')) {
    const n = Number(value);
    return Number.isInteger(n) ? epochMillisToIso(n) : undefined;
  }
  return epochSecondsToIso(value);
}
