import { mergeInto, type EventOrigin } from './ecs.ts';
import { parseMessageAs, type MessageFormat } from './message-router.ts';
import { parseRfc3164 } from './syslog-3164.ts';
import { headerToEvent } from './syslog-event.ts';
import type { SyslogHeader } from './syslog-header.ts';
import { parseSyslogHeader } from './syslog.ts';
import type { ParseContext, ParseResult, Parser } from './types.ts';

const SYSLOG_ERROR_PREFIX = /^syslog(?:-\d{4})?:/;

/** A framing error found while reading a line for another format is reported under that format's name. */
export function asFormatError(error: string, format: string): string {
  return error.replace(SYSLOG_ERROR_PREFIX, `${format}:`);
}

/**
 * A line as it arrives from a file or a relay: full syslog (`<PRI>...`), a log-file header without PRI
 * (`Oct 11 22:14:15 host sshd[42]: ...`), or the bare message.
 */
export function readLineHeader(raw: string, receivedAt: string): SyslogHeader | { error: string } {
  if (raw[0] === '<') return parseSyslogHeader(raw, 'syslog', receivedAt);
  const header = parseRfc3164(raw, { requirePriority: false, format: 'line', receivedAt });
  return 'error' in header ? { message: raw } : header;
}

export interface LineFormat {
  name: string;
  origin: EventOrigin;
  /** Program names this format accepts in a line header; others are rejected as the wrong input. */
  programs?: ReadonlySet<string>;
  /** Chooses the message parser; may depend on the program name (the `auth` format sniffs it). */
  messageFormat: (appName: string | undefined, message: string) => MessageFormat;
  /** What a line must look like, said when the payload is not recognised; undefined accepts any text. */
  expected?: string;
}

export function lineParser(format: LineFormat): Parser {
  return (raw: string, ctx: ParseContext): ParseResult => {
    if (raw.trim().length === 0) return { ok: false, error: `${format.name}: expected a log line, found an empty record` };
    const header = readLineHeader(raw, ctx.receivedAt);
    if ('error' in header) return { ok: false, error: asFormatError(header.error, format.name) };
    const app = header.appName?.toLowerCase();
    if (format.programs && app !== undefined && !format.programs.has(app)) {
      return { ok: false, error: `${format.name}: expected a line from ${[...format.programs].join(' or ')}, found program '${header.appName}'` };
    }
    const outcome = parseMessageAs(format.messageFormat(header.appName, header.message), header.message, ctx.receivedAt);
    if (outcome.kind === 'error') {
      // The `auth` format reports its sub-parser too: "auth: sshd: port 99999 is out of range".
      const error = outcome.error.startsWith(`${format.name}:`) ? outcome.error : `${format.name}: ${outcome.error}`;
      return { ok: false, error };
    }
    if (outcome.kind === 'unrecognised' && format.expected) {
      return { ok: false, error: `${format.name}: expected ${format.expected}, found '${header.message.slice(0, 80)}'` };
    }
    const event = headerToEvent(header, raw, ctx, format.origin);
    if (outcome.kind === 'parsed') mergeInto(event, outcome.fields);
    return { ok: true, event };
  };
}
