import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newEvent, setField, toInteger, type EcsEvent, type EventOrigin } from './ecs.ts';
import { headerToEvent } from './syslog-event.ts';
import type { SyslogHeader } from './syslog-header.ts';
import { facilityName, severityName } from './syslog-priority.ts';
import type { ParseContext } from './types.ts';

/** The reference: one `setField` per ECS field, as the builder did before it wrote the objects directly. */
function byPaths(header: SyslogHeader, raw: string, ctx: ParseContext, origin: EventOrigin): EcsEvent {
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

const text = fc.oneof(fc.constant(''), fc.constant(undefined), fc.string({ maxLength: 8 }), fc.integer({ min: 0, max: 99999 }).map(String));
const header: fc.Arbitrary<SyslogHeader> = fc.record(
  {
    priority: fc.option(fc.integer({ min: 0, max: 191 }).map((value) => ({ value, facility: value >> 3, severity: value & 7 })), { nil: undefined }),
    timestamp: fc.option(fc.constant('2026-01-05T10:00:00.000Z'), { nil: undefined }),
    hostname: text,
    appName: text,
    procId: text,
    msgId: text,
    version: fc.option(fc.constant(1), { nil: undefined }),
    structuredData: fc.option(fc.constant({ 'exampleSDID@32473': { iut: '3' } }), { nil: undefined }),
    message: fc.oneof(fc.constant(''), fc.string({ maxLength: 12 })),
  },
  { requiredKeys: ['message'] },
);

describe('headerToEvent', () => {
  it('writes the same event as one setField per field, key order included, with and without a peer address', () => {
    fc.assert(
      fc.property(header, fc.option(fc.constant('10.0.0.9'), { nil: undefined }), (h, peer) => {
        const ctx: ParseContext = { organization: 'acme', input: 'tcp', receivedAt: '2026-01-05T10:00:01.000Z', peer };
        const origin = { module: 'system', dataset: 'system.syslog' };
        const direct = headerToEvent(h, 'raw line', ctx, origin);
        expect(JSON.stringify(direct)).toBe(JSON.stringify(byPaths(h, 'raw line', ctx, origin)));
        expect(direct).toEqual(byPaths(h, 'raw line', ctx, origin));
      }),
      { numRuns: 500 },
    );
  });
});
