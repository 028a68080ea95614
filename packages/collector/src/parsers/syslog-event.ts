import { newEvent, toInteger, type EcsEvent, type EventOrigin } from './ecs.ts';
import type { SyslogHeader } from './syslog-header.ts';
import { facilityName, severityName } from './syslog-priority.ts';
import type { ParseContext } from './types.ts';

/** Sets `key` unless the value is empty (undefined, null, ''), the rule `setField` follows. */
function put(target: Record<string, unknown>, key: string, value: unknown): void {
  if (value !== undefined && value !== null && value !== '') target[key] = value;
}

/**
 * The ECS event a syslog header alone gives (`log.syslog.*`, `host.hostname`, `process.*`, `message`).
 * Every syslog line passes here: the objects are built directly rather than by a `setField` path walk per field,
 * with the same result (same keys, same order, empty values left out).
 */
export function headerToEvent(header: SyslogHeader, raw: string, ctx: ParseContext, origin: EventOrigin): EcsEvent {
  const event = newEvent(raw, ctx, { ...origin, timestamp: header.timestamp ?? origin.timestamp });
  const syslog: Record<string, unknown> = {};
  let level: string | undefined;
  if (header.priority) {
    const { value, facility, severity } = header.priority;
    const severityText = severityName(severity);
    put(syslog, 'priority', value);
    syslog.facility = { code: facility, name: facilityName(facility) };
    syslog.severity = { code: severity, name: severityText };
    level = severityText.toLowerCase();
    (event.event as Record<string, unknown>).severity = severity;
  }
  put(syslog, 'version', header.version);
  put(syslog, 'hostname', header.hostname);
  put(syslog, 'appname', header.appName);
  put(syslog, 'procid', header.procId);
  put(syslog, 'msgid', header.msgId);
  put(syslog, 'structured_data', header.structuredData);
  let hasSyslog = false;
  for (const _ in syslog) {
    hasSyslog = true;
    break;
  }
  if (hasSyslog || level !== undefined) {
    // newEvent may have written log.source.address already.
    const log = (event.log as Record<string, unknown> | undefined) ?? (event.log = {});
    if (hasSyslog) log.syslog = syslog;
    put(log, 'level', level);
  }
  if (header.hostname) event.host = { hostname: header.hostname, name: header.hostname };
  const process: Record<string, unknown> = {};
  put(process, 'name', header.appName);
  put(process, 'pid', toInteger(header.procId));
  if (process.name !== undefined || process.pid !== undefined) event.process = process;
  put(event, 'message', header.message);
  return event;
}
