import { newEvent, setField, toInteger, type EcsEvent, type EventOrigin } from './ecs.ts';
import type { SyslogHeader } from './syslog-header.ts';
import { facilityName, severityName } from './syslog-priority.ts';
import type { ParseContext } from './types.ts';

/** The ECS event a syslog header alone gives (`log.syslog.*`, `host.hostname`, `process.*`, `message`). */
export function headerToEvent(header: SyslogHeader, raw: string, ctx: ParseContext, origin: EventOrigin): EcsEvent {
  const event = newEvent(raw, ctx, { ...origin, timestamp: header.timestamp ?? origin.timestamp });
  if (header.priority) {
    const { value, facility, severity } = header.priority;
    setField(event, 'log.syslog.priority', value);
    setField(event, 'log.syslog.facility.code', facility);
    setField(event, 'log.syslog.facility.name', facilityName(facility));
    setField(event, 'log.syslog.severity.code', severity);
    setField(event, 'log.syslog.severity.name', severityName(severity));
    setField(event, 'log.level', severityName(severity).toLowerCase());
    setField(event, 'event.severity', severity);
  }
  setField(event, 'log.syslog.version', header.version);
  setField(event, 'log.syslog.hostname', header.hostname);
  setField(event, 'log.syslog.appname', header.appName);
  setField(event, 'log.syslog.procid', header.procId);
  setField(event, 'log.syslog.msgid', header.msgId);
  setField(event, 'log.syslog.structured_data', header.structuredData);
  setField(event, 'host.hostname', header.hostname);
  setField(event, 'host.name', header.hostname);
  setField(event, 'process.name', header.appName);
  setField(event, 'process.pid', toInteger(header.procId));
  setField(event, 'message', header.message);
  return event;
}
