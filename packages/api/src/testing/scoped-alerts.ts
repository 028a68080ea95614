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
  /** `socle.organizations`: the member organisations of a SOC-wide correlation (then `org` is the SOC). */
  members?: string[];
  event?: Record<string, unknown>;
  correlationEvents?: string[];
}): Alert {
  const alert = makeAlert(o);
  if (o.org !== undefined) alert.organization = { id: o.org };
  if (o.members) alert.socle.organizations = o.members;
  if (o.destinationIp) alert.destination = { ip: o.destinationIp };
  if (o.technique) alert.threat = { framework: 'MITRE ATT&CK', technique: { id: [o.technique], reference: [] } };
  if (o.shared) alert.socle.sharing = { shared: true, tlp: 'AMBER', sharedAt: o.time, view: sharedViewFixture(alert, o) };
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

/** A shared view as the sharing side writes it (`SharedAlert` of @socle/sharing): pseudonyms, no raw values. */
function sharedViewFixture(alert: Alert, o: { id: string; time: string; org?: string | string[]; level?: string; technique?: string }): Record<string, unknown> {
  return {
    alertId: o.id,
    organization: Array.isArray(o.org) ? o.org[0] : (o.org ?? ''),
    tlp: 'AMBER',
    rule: { id: alert.rule.id, name: alert.rule.name, category: alert.rule.category },
    level: o.level ?? 'medium',
    techniques: o.technique ? [o.technique] : [],
    firstSeen: o.time,
    lastSeen: o.time,
    count: 1,
    indicators: [],
    affected: { users: ['user-0123456789abcdef0123'], emails: [], hosts: ['host-0123456789abcdef0123'], addresses: [] },
  };
}
