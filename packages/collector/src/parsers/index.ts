import { lineParser } from './line-formats.ts';
import { parseEvtx } from './evtx.ts';
import { parseJson } from './json.ts';
import { parseKeyValue } from './kv.ts';
import type { MessageFormat } from './message-router.ts';
import { parseSyslog, parseSyslog3164, parseSyslog5424 } from './syslog.ts';
import { checkParsedEvent, DEFAULT_MAX_NESTING_DEPTH } from './record-check.ts';
import type { ParseContext, ParseResult, Parser } from './types.ts';
import { parseWinlogbeat } from './winlogbeat.ts';

export type { ParseContext, ParseResult, Parser, MessageParser, MessageOutcome, RejectionReason } from './types.ts';
export { DEFAULT_MAX_NESTING_DEPTH, stageOf, type RejectionStage } from './record-check.ts';
export { deadLetter } from './dead-letter.ts';

export type FormatName =
  | 'syslog' | 'syslog-3164' | 'syslog-5424' | 'sshd' | 'sudo' | 'auth' | 'nginx' | 'apache' | 'auditd'
  | 'iptables' | 'cef' | 'leef' | 'json' | 'kv' | 'winlogbeat' | 'evtx';

const AUTH = { module: 'system', dataset: 'system.auth' };
const SSHD_PROGRAMS = new Set(['sshd', 'sshd-session', 'sshd-auth']);

/** The `auth` format: by program name when the line has a header, by content when it is a bare message. */
function authMessageFormat(appName: string | undefined, message: string): MessageFormat {
  const app = appName?.toLowerCase();
  if (app !== undefined && SSHD_PROGRAMS.has(app)) return 'sshd';
  if (app === 'sudo') return 'sudo';
  if (app === undefined && message.includes(' : ') && message.includes('COMMAND=')) return 'sudo';
  if (app === undefined) return 'sshd';
  return 'pam';
}

export const parsers: Record<FormatName, Parser> = {
  syslog: parseSyslog,
  'syslog-3164': parseSyslog3164,
  'syslog-5424': parseSyslog5424,
  sshd: lineParser({ name: 'sshd', origin: AUTH, programs: SSHD_PROGRAMS, messageFormat: () => 'sshd' }),
  sudo: lineParser({ name: 'sudo', origin: AUTH, programs: new Set(['sudo']), messageFormat: () => 'sudo' }),
  auth: lineParser({ name: 'auth', origin: AUTH, messageFormat: authMessageFormat }),
  nginx: lineParser({ name: 'nginx', origin: { module: 'nginx', dataset: 'nginx.access' }, messageFormat: () => 'nginx' }),
  apache: lineParser({ name: 'apache', origin: { module: 'apache', dataset: 'apache.access' }, messageFormat: () => 'apache' }),
  auditd: lineParser({
    name: 'auditd', origin: { module: 'auditd', dataset: 'auditd.log' }, messageFormat: () => 'auditd',
    expected: `'type=<TYPE> msg=audit(<seconds>:<serial>): ...'`,
  }),
  iptables: lineParser({
    name: 'iptables', origin: { module: 'iptables', dataset: 'iptables.log' }, messageFormat: () => 'iptables',
    expected: `netfilter fields 'IN=... OUT=... SRC=... DST=...'`,
  }),
  cef: lineParser({
    name: 'cef', origin: { module: 'cef', dataset: 'cef.log' }, messageFormat: () => 'cef',
    expected: `'CEF:<version>|<vendor>|<product>|<version>|<class id>|<name>|<severity>|<extension>'`,
  }),
  leef: lineParser({
    name: 'leef', origin: { module: 'leef', dataset: 'leef.log' }, messageFormat: () => 'leef',
    expected: `'LEEF:<1.0|2.0>|<vendor>|<product>|<version>|<event id>|...'`,
  }),
  json: parseJson,
  kv: parseKeyValue,
  winlogbeat: parseWinlogbeat,
  evtx: parseEvtx,
};

export const formatNames = Object.keys(parsers) as FormatName[];

export function isFormatName(name: string): name is FormatName {
  return Object.prototype.hasOwnProperty.call(parsers, name);
}

/**
 * Parses one record in the named format, then validates the event (nesting depth up to `ctx.maxNestingDepth`,
 * `@timestamp` in 1970..9999). Never throws: every failure is `{ ok: false, error, reason }`.
 */
export function parseRecord(format: FormatName, raw: string, ctx: ParseContext): ParseResult {
  if (!isFormatName(format)) {
    return { ok: false, error: `unknown format '${String(format)}'; expected one of ${formatNames.join(', ')}`, reason: 'unparsed' };
  }
  if (typeof raw !== 'string') return { ok: false, error: `${format}: expected the record as a string, found ${typeof raw}`, reason: 'unparsed' };
  let result: ParseResult;
  try {
    result = parsers[format](raw, ctx);
  } catch (error) {
    // A parser bug must not take the collector down; the record goes to the dead-letter queue with the reason.
    return { ok: false, error: `${format}: internal parser error: ${(error as Error)?.message ?? String(error)}`, reason: 'parser-error' };
  }
  if (!result.ok) return { ...result, reason: result.reason ?? 'unparsed' };
  const problem = checkParsedEvent(result.event, ctx.maxNestingDepth ?? DEFAULT_MAX_NESTING_DEPTH);
  if (problem) return { ok: false, error: `${format}: ${problem.error}`, reason: problem.reason };
  const socle = result.event.socle;
  if (typeof socle === 'object' && socle !== null) (socle as Record<string, unknown>).format = format;
  return result;
}
