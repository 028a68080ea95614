import type { Alert } from '@socle/core';
import { makeAlert } from './alert-fixtures.ts';

/** A test alert with the fields the scoped API reads: organisation, ATT&CK technique, addresses, sharing flag, event. */
export function makeScopedAlert(o: {
  id: string;
  time: string;
  org?: string | string[];
  rule?: string;
  level?: string;
  host?: string;
  user?: string;
  sourceIp?: string;
  destinationIp?: string;
  technique?: string;
  shared?: boolean;
  event?: Record<string, unknown>;
  correlationEvents?: string[];
}): Alert {
  const alert = makeAlert(o);
  if (o.org !== undefined) alert.organization = { id: o.org };
  if (o.destinationIp) alert.destination = { ip: o.destinationIp };
  if (o.technique) alert.threat = { framework: 'MITRE ATT&CK', technique: { id: [o.technique], reference: [] } };
  if (o.shared) alert.socle.sharing = { shared: true };
  if (o.event) {
    alert['socle.event'] = o.event;
    alert.socle.eventId = `ev-${o.id}`;
  }
  if (o.correlationEvents) {
    alert.rule.category = 'correlation';
    alert.socle.correlation = {
      type: 'event_count',
      group: { 'organization.id': o.org },
      window: { start: o.time, end: o.time },
      value: o.correlationEvents.length,
      events: { ids: o.correlationEvents, total: o.correlationEvents.length },
      rules: [o.rule ?? 'rule-a'],
    };
  }
  return alert;
}
