/**
 * STIX 2.1 objects for one shared alert: the two identities (organisation, sharing SOC), indicators for its IOCs, the
 * observed data (SCOs) and a sighting of each indicator, an incident with the incident-core extension, and a report
 * grouping them. Every id is derived from the alert id (UUIDv5) and every timestamp from the alert, so converting the
 * same alert again gives the same objects: re-sending is idempotent.
 */
import type { Indicator, SharedAlert } from './sharing-decision.ts';
import { scoId, stixId } from './stix-ids.ts';
import { SOCLE_ALERT_EXTENSION, SOCLE_ALERT_EXTENSION_ID, SOCLE_IDENTITY } from './socle-extension.ts';
import { TLP_MARKING_IDS, tlpMarkingDefinition } from './tlp.ts';

export const INCIDENT_CORE_EXTENSION_ID = 'extension-definition--ef765651-680c-498d-9894-99799f2fa126';

export type StixObject = { type: string; id: string; [key: string]: unknown };

/** STIX timestamps carry milliseconds (`created`/`modified` must). */
export function stixTime(iso: string): string {
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) throw new Error(`not a timestamp: ${iso}`);
  return new Date(t).toISOString();
}

export function identityId(name: string): string {
  return stixId('identity', name);
}

export function alertToStix(alert: SharedAlert): StixObject[] {
  const marking = [TLP_MARKING_IDS[alert.tlp]];
  const sharer = identityId(`soc:${alert.sharedBy}`);
  const org = identityId(`organization:${alert.organization}`);
  const created = stixTime(alert.firstSeen);
  const modified = later(stixTime(alert.lastSeen), created);
  const common = { spec_version: '2.1', created, modified, created_by_ref: sharer, object_marking_refs: marking };

  const identities: StixObject[] = [
    { type: 'identity', id: sharer, spec_version: '2.1', created: EPOCH, modified: EPOCH, name: alert.sharedBy, identity_class: 'organization', roles: ['soc'], object_marking_refs: marking },
    { type: 'identity', id: org, spec_version: '2.1', created: EPOCH, modified: EPOCH, created_by_ref: sharer, name: alert.organizationName, identity_class: 'organization', object_marking_refs: marking },
  ];

  const scos: StixObject[] = [];
  const indicators: StixObject[] = [];
  for (const ioc of alert.indicators) {
    const sco = scoOf(ioc, marking);
    if (!scos.some((s) => s.id === sco.id)) scos.push(sco);
    indicators.push({
      type: 'indicator',
      id: stixId('indicator', alert.alertId, sco.id),
      ...common,
      name: `${describe(ioc)} seen by ${alert.rule.name}`,
      indicator_types: ['malicious-activity'],
      pattern: patternOf(ioc),
      pattern_type: 'stix',
      pattern_version: '2.1',
      valid_from: created,
    });
  }
  for (const user of alert.affected.users) {
    const sco: StixObject = { type: 'user-account', id: scoId('user-account', { user_id: user }), spec_version: '2.1', user_id: user, object_marking_refs: marking };
    if (!scos.some((s) => s.id === sco.id)) scos.push(sco);
  }

  const observed: StixObject[] = scos.length
    ? [{ type: 'observed-data', id: stixId('observed-data', alert.alertId), ...common, first_observed: created, last_observed: modified, number_observed: Math.max(1, alert.count), object_refs: scos.map((s) => s.id) }]
    : [];
  const sightings: StixObject[] = indicators.map((indicator) => ({
    type: 'sighting',
    id: stixId('sighting', alert.alertId, indicator.id),
    ...common,
    first_seen: created,
    last_seen: modified,
    count: Math.max(1, alert.count),
    sighting_of_ref: indicator.id,
    where_sighted_refs: [org],
    ...(observed.length ? { observed_data_refs: [observed[0]!.id] } : {}),
  }));

  const socleAlert = {
    extension_type: 'property-extension',
    rule_id: alert.rule.id,
    level: alert.level,
    count: alert.count,
    affected: alert.affected,
    ...(alert.correlation
      ? {
          correlation: {
            type: alert.correlation.type,
            value: alert.correlation.value,
            window_start: alert.correlation.windowStart,
            window_end: alert.correlation.windowEnd,
            event_count: alert.correlation.eventCount,
            // STIX dictionary keys allow no dots: field names travel as values.
            group: Object.entries(alert.correlation.group).map(([field, value]) => ({ field, value })),
          },
        }
      : {}),
  };

  const incident: StixObject = {
    type: 'incident',
    id: stixId('incident', alert.alertId),
    ...common,
    name: alert.rule.name,
    description: incidentDescription(alert),
    ...(alert.tags.length ? { labels: alert.tags } : {}),
    ...(alert.techniques.length
      ? { external_references: alert.techniques.map((t) => ({ source_name: 'mitre-attack', external_id: t.toUpperCase() })) }
      : {}),
    extensions: {
      [INCIDENT_CORE_EXTENSION_ID]: {
        extension_type: 'property-extension',
        determination: 'suspected',
        investigation_status: 'new',
        criticality: alert.severity,
        ...(indicators.length + sightings.length + observed.length
          ? { other_object_refs: [...indicators, ...sightings, ...observed].map((o) => o.id) }
          : {}),
      },
      [SOCLE_ALERT_EXTENSION_ID]: socleAlert,
    },
  };

  const grouped = [...identities, ...indicators, ...scos, ...observed, ...sightings, incident];
  const report: StixObject = {
    type: 'report',
    id: stixId('report', alert.alertId),
    ...common,
    name: `${alert.level} alert: ${alert.rule.name} (${alert.organizationName})`,
    report_types: ['incident'],
    published: modified,
    object_refs: grouped.map((o) => o.id),
  };
  const definitions = [tlpMarkingDefinition(alert.tlp) as unknown as StixObject];
  if (alert.tlp !== 'CLEAR') definitions.push(tlpMarkingDefinition('CLEAR') as unknown as StixObject);
  return [...definitions, SOCLE_IDENTITY, SOCLE_ALERT_EXTENSION, ...grouped, report];
}

/** Identities are not tied to an alert; a fixed creation time keeps them identical in every bundle. */
const EPOCH = '2020-01-01T00:00:00.000Z';

function later(a: string, b: string): string {
  return a > b ? a : b;
}

function scoOf(ioc: Indicator, marking: string[]): StixObject {
  if (ioc.kind === 'file') return { type: 'file', id: scoId('file', { hashes: ioc.hashes }), spec_version: '2.1', hashes: ioc.hashes, object_marking_refs: marking };
  return { type: ioc.kind, id: scoId(ioc.kind, { value: ioc.value }), spec_version: '2.1', value: ioc.value, object_marking_refs: marking };
}

function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export function patternOf(ioc: Indicator): string {
  if (ioc.kind === 'file') {
    return `[${Object.entries(ioc.hashes).map(([algo, v]) => `file:hashes.${quote(algo)} = ${quote(v)}`).join(' OR ')}]`;
  }
  return `[${ioc.kind}:value = ${quote(ioc.value)}]`;
}

function describe(ioc: Indicator): string {
  return ioc.kind === 'file' ? `File ${Object.values(ioc.hashes)[0]}` : ioc.value;
}

function incidentDescription(alert: SharedAlert): string {
  const lines = [alert.rule.description ?? alert.rule.name, `Level ${alert.level}, ${alert.count} detection(s) from ${alert.firstSeen} to ${alert.lastSeen}.`];
  const a = alert.affected;
  if (a.hosts.length) lines.push(`Hosts: ${a.hosts.join(', ')}.`);
  if (a.users.length) lines.push(`Users: ${a.users.join(', ')}.`);
  if (a.addresses.length) lines.push(`Internal addresses: ${a.addresses.join(', ')}.`);
  if (a.emails.length) lines.push(`E-mail addresses: ${a.emails.join(', ')}.`);
  if (alert.correlation) lines.push(`Correlation ${alert.correlation.type}: value ${alert.correlation.value} over ${alert.correlation.eventCount} events.`);
  return lines.join('\n');
}
