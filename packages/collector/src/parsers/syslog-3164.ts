import type { SyslogHeader } from './syslog-header.ts';
import { readPriority } from './syslog-priority.ts';
import { MONTHS, civilToIso, parseClock, resolveYear, rfc3339ToIso } from './timestamps.ts';

/** Zone abbreviations seen after BSD timestamps (RFC 3164 section 5.4 example 3 uses `CST`). */
const ZONE_OFFSETS: Record<string, number> = {
  UTC: 0, GMT: 0, Z: 0, EST: -300, EDT: -240, CST: -360, CDT: -300, MST: -420, MDT: -360, PST: -480, PDT: -420,
  CET: 60, CEST: 120, EET: 120, EEST: 180, BST: 60, JST: 540,
};

const NUMERIC_OFFSET = /^[+-]\d{4}$/;

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

function tokenEnd(text: string, start: number): number {
  const space = text.indexOf(' ', start);
  return space < 0 ? text.length : space;
}

function skipSpaces(text: string, i: number): number {
  while (text[i] === ' ') i++;
  return i;
}

/** `TZ-6`, `CST`, `+0100`: returns the offset in minutes, or undefined when the token is not a zone. */
function zoneOffset(token: string): number | undefined {
  if (Object.prototype.hasOwnProperty.call(ZONE_OFFSETS, token)) return ZONE_OFFSETS[token];
  if (token.startsWith('TZ') && (token[2] === '+' || token[2] === '-')) {
    const hours = Number(token.slice(3));
    if (token.length > 3 && token.length <= 5 && Number.isInteger(hours) && hours <= 14) {
      return (token[2] === '+' ? 1 : -1) * hours * 60;
    }
  }
  if ((token[0] === '+' || token[0] === '-') && token.length === 5 && NUMERIC_OFFSET.test(token)) {
    const minutes = Number(token.slice(1, 3)) * 60 + Number(token.slice(3));
    return (token[0] === '+' ? 1 : -1) * minutes;
  }
  return undefined;
}

function fourDigitYear(token: string): number | undefined {
  if (token.length !== 4) return undefined;
  for (const c of token) if (!isDigit(c)) return undefined;
  return Number(token);
}

export interface TimestampRead {
  timestamp: string;
  end: number;
}

/**
 * Reads a BSD timestamp and the decorations devices add around it:
 * `[yyyy ]Mmm dd[ yyyy] hh:mm:ss[.frac][ ZONE][ yyyy]`, or an RFC 3339 timestamp (rsyslog high-precision files).
 */
export function readBsdTimestamp(text: string, start: number, receivedAt: string): TimestampRead | undefined {
  const first = text.slice(start, tokenEnd(text, start));
  if (isDigit(first[0]) && first.length > 10) {
    const iso = rfc3339ToIso(first);
    return iso ? { timestamp: iso, end: start + first.length } : undefined;
  }
  let i = start;
  let year = fourDigitYear(first);
  if (year !== undefined) i = skipSpaces(text, i + 4);
  const month = MONTHS[text.slice(i, i + 3)];
  if (month === undefined || text[i + 3] !== ' ') return undefined;
  i = skipSpaces(text, i + 3);
  if (!isDigit(text[i])) return undefined;
  let day = text.charCodeAt(i) - 48;
  i++;
  if (isDigit(text[i])) {
    day = day * 10 + text.charCodeAt(i) - 48;
    i++;
  }
  if (text[i] !== ' ') return undefined;
  i++;
  const yearAfterDay = fourDigitYear(text.slice(i, i + 4));
  if (yearAfterDay !== undefined && text[i + 4] === ' ') {
    year = yearAfterDay;
    i += 5;
  }
  const clock = parseClock(text, i);
  if (!clock) return undefined;
  i = clock.end;
  let offsetMinutes = 0;
  for (let extra = 0; extra < 2 && text[i] === ' '; extra++) {
    const next = i + 1;
    const token = text.slice(next, tokenEnd(text, next));
    const zone = zoneOffset(token);
    const trailingYear = fourDigitYear(token);
    if (zone !== undefined) offsetMinutes = zone;
    else if (trailingYear !== undefined && year === undefined) year = trailingYear;
    else break;
    i = next + token.length;
  }
  const timestamp = civilToIso({
    year: year ?? resolveYear(month, day, receivedAt),
    month, day,
    hour: clock.hour, minute: clock.minute, second: clock.second, fraction: clock.fraction,
    offsetMinutes,
  });
  return timestamp ? { timestamp, end: i } : undefined;
}

interface TagRead {
  appName: string;
  procId?: string;
  end: number;
}

/** `prog[pid]:` or `prog:` followed by a space or the end; anything else is not a tag. */
export function readTag(text: string, start: number): TagRead | undefined {
  let i = start;
  const limit = Math.min(text.length, start + 128);
  while (i < limit && text[i] !== ' ' && text[i] !== '[' && text[i] !== ':') i++;
  if (i === start) return undefined;
  const appName = text.slice(start, i);
  let procId: string | undefined;
  if (text[i] === '[') {
    const close = text.indexOf(']', i + 1);
    if (close < 0 || close - i > 33) return undefined;
    procId = text.slice(i + 1, close);
    if (procId.length === 0 || procId.includes(' ')) return undefined;
    i = close + 1;
  }
  if (text[i] === ':') {
    i++;
  } else if (procId === undefined) {
    return undefined;
  }
  if (i < text.length && text[i] !== ' ') return undefined;
  return { appName, procId, end: i < text.length ? i + 1 : i };
}

export interface BsdOptions {
  /** `syslog-3164` demands `<PRI>`; a log-file line (auth.log, kern.log) has none. */
  requirePriority: boolean;
  format: string;
  receivedAt: string;
}

/**
 * RFC 3164: `<PRI>TIMESTAMP HOSTNAME TAG: MSG`. As the RFC asks of relays, a missing or invalid timestamp
 * leaves everything after `<PRI>` as the message (time then comes from the receiver).
 */
export function parseRfc3164(raw: string, options: BsdOptions): SyslogHeader | { error: string } {
  let i = 0;
  const header: SyslogHeader = { message: '' };
  if (raw[0] === '<' || options.requirePriority) {
    const pri = readPriority(raw, options.format);
    if ('error' in pri) return pri;
    header.priority = pri.priority;
    i = pri.end;
  }
  const stamp = readBsdTimestamp(raw, i, options.receivedAt);
  if (stamp) {
    header.timestamp = stamp.timestamp;
    i = skipSpaces(raw, stamp.end);
    const tagHere = readTag(raw, i);
    if (!tagHere) {
      const end = tokenEnd(raw, i);
      if (end > i) header.hostname = raw.slice(i, end);
      i = skipSpaces(raw, end);
    }
    const tag = readTag(raw, i);
    if (tag) {
      header.appName = tag.appName;
      header.procId = tag.procId;
      i = tag.end;
    }
  } else if (!options.requirePriority) {
    return { error: `${options.format}: expected a timestamp 'Mmm dd hh:mm:ss' or RFC 3339 at column ${i + 1}` };
  }
  header.message = raw.slice(i);
  if (header.message.charCodeAt(0) === 0xfeff) header.message = header.message.slice(1);
  if (header.message.trim().length === 0) {
    return { error: `${options.format}: expected a message after the header at column ${i + 1}, found end of input` };
  }
  return header;
}
