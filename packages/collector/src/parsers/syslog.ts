import { mergeInto, setField, type EcsEvent } from './ecs.ts';
import { chooseMessageFormat, parseMessageAs } from './message-router.ts';
import { parseRfc3164 } from './syslog-3164.ts';
import { parseRfc5424 } from './syslog-5424.ts';
import { headerToEvent } from './syslog-event.ts';
import type { SyslogHeader } from './syslog-header.ts';
import type { ParseContext, ParseResult, Parser } from './types.ts';

const GENERIC_SYSLOG = { module: 'system', dataset: 'system.syslog' };

/** RFC 5424 puts a version digit right after `<PRI>`; RFC 3164 a month name (or a year, then a space and a month). */
export function looksLike5424(raw: string): boolean {
  const close = raw.indexOf('>');
  if (close < 0 || close > 4) return false;
  let i = close + 1;
  const start = i;
  while (i < raw.length && i - start < 3 && raw[i] >= '0' && raw[i] <= '9') i++;
  return i > start && raw[i] === ' ' && raw[start] !== '0' && !(raw[i + 1] >= 'A' && raw[i + 1] <= 'Z');
}

export function parseSyslogHeader(raw: string, format: 'syslog' | 'syslog-3164' | 'syslog-5424', receivedAt: string): SyslogHeader | { error: string } {
  const rfc5424 = format === 'syslog-5424' || (format === 'syslog' && looksLike5424(raw));
  if (rfc5424) return parseRfc5424(raw);
  return parseRfc3164(raw, { requirePriority: true, format, receivedAt });
}

/**
 * Applies the message parser the program name or payload calls for. A payload that fails its parser keeps
 * the syslog fields and carries the reason in `error.message`, so the record is not lost.
 */
export function enrichFromMessage(event: EcsEvent, header: SyslogHeader, ctx: ParseContext): EcsEvent {
  const format = chooseMessageFormat(header.appName, header.message);
  if (!format) return event;
  const outcome = parseMessageAs(format, header.message, ctx.receivedAt);
  if (outcome.kind === 'parsed') mergeInto(event, outcome.fields);
  else if (outcome.kind === 'error') setField(event, 'error.message', outcome.error);
  return event;
}

function syslogParser(format: 'syslog' | 'syslog-3164' | 'syslog-5424'): Parser {
  return (raw: string, ctx: ParseContext): ParseResult => {
    const header = parseSyslogHeader(raw, format, ctx.receivedAt);
    if ('error' in header) return { ok: false, error: header.error };
    const event = headerToEvent(header, raw, ctx, GENERIC_SYSLOG);
    return { ok: true, event: enrichFromMessage(event, header, ctx) };
  };
}

export const parseSyslog: Parser = syslogParser('syslog');
export const parseSyslog3164: Parser = syslogParser('syslog-3164');
export const parseSyslog5424: Parser = syslogParser('syslog-5424');
