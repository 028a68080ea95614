/** RFC 5424 section 6.2.1 facility and severity names, as Filebeat writes them into `log.syslog.*.name`. */

const FACILITIES = [
  'kernel', 'user-level', 'mail', 'system', 'security/authorization', 'syslogd', 'line printer', 'network news',
  'UUCP', 'clock', 'security/authorization', 'FTP', 'NTP', 'log audit', 'log alert', 'clock',
  'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7',
];

const SEVERITIES = [
  'Emergency', 'Alert', 'Critical', 'Error', 'Warning', 'Notice', 'Informational', 'Debug',
];

export interface Priority {
  value: number;
  facility: number;
  severity: number;
}

/**
 * Reads `<PRI>` at the start of `text`: 1 to 3 digits, no leading zero except `<0>`, at most 191.
 * Returns the priority and the index after `>`, or an error message.
 */
export function readPriority(text: string, format: string): { priority: Priority; end: number } | { error: string } {
  if (text[0] !== '<') return { error: `${format}: expected '<PRI>' at column 1, found ${describe(text[0])}` };
  const close = text.indexOf('>', 1);
  if (close < 0 || close > 4) return { error: `${format}: expected '>' closing <PRI> within 4 characters at column 2` };
  const digits = text.slice(1, close);
  let value = 0;
  for (const c of digits) {
    if (c < '0' || c > '9') return { error: `${format}: expected a number in <PRI> at column 2, found '${digits}'` };
    value = value * 10 + (c.charCodeAt(0) - 48);
  }
  if (digits.length === 0 || (digits.length > 1 && digits[0] === '0') || value > 191) {
    return { error: `${format}: expected <PRI> between <0> and <191> at column 2, found '<${digits}>'` };
  }
  return { priority: { value, facility: value >> 3, severity: value & 7 }, end: close + 1 };
}

export function facilityName(code: number): string {
  return FACILITIES[code] ?? 'unknown';
}

export function severityName(code: number): string {
  return SEVERITIES[code] ?? 'unknown';
}

/** Quotes a character for an error message, naming the end of input and invisible characters. */
export function describe(c: string | undefined): string {
  if (c === undefined) return 'end of input';
  if (c === ' ') return 'a space';
  const code = c.charCodeAt(0);
  if (code < 32 || code === 127) return `control character 0x${code.toString(16).padStart(2, '0')}`;
  return `'${c}'`;
}
