import { describe, expect, it } from 'vitest';
import { AlertSharing } from './sharing-decision.ts';
import { parseSharingPolicy } from './sharing-policy.ts';
import { Pseudonymizer } from './pseudonymizer.ts';
import { alertToStix, INCIDENT_CORE_EXTENSION_ID } from './stix-objects.ts';
import { makeBundle } from './signed-bundle.ts';
import { SOCLE_ALERT_EXTENSION_ID, SOCLE_IDENTITY_ID } from './socle-extension.ts';
import { TLP_2_EXTENSION_ID, TLP_LEVELS, TLP_MARKING_IDS, type TlpLevel } from './tlp.ts';
import { detectionAlert } from './sample-alerts.test-helper.ts';
import { stixSchemaErrors } from './stix-schema.test-helper.ts';

const KEY = new TextEncoder().encode('0123456789abcdef-test-key');

function sharing(tlp: TlpLevel = 'AMBER'): AlertSharing {
  const policy = parseSharingPolicy(
    `organization: acme\norganizationName: ACME Shop\nsharedBy: SOC Hanoi\ntlp: ${tlp}\nminimumSeverity: medium\npseudonymKey: {env: K}\n`,
    'policy.yml',
  );
  return new AlertSharing(policy, new Pseudonymizer(KEY));
}

function stixOf(tlp: TlpLevel = 'AMBER') {
  const decision = sharing(tlp).decide(detectionAlert());
  if (!decision.shared) throw new Error(decision.reason);
  return alertToStix(decision.alert);
}

describe('STIX objects from a shared alert', () => {
  it('validates every object and the bundle against the OASIS STIX 2.1 schemas', () => {
    const objects = stixOf();
    for (const o of objects) expect(stixSchemaErrors(o), o.id).toEqual([]);
    // The OASIS bundle.json lists no schema for `incident` (a stub type in STIX 2.1) nor for `extension-definition`,
    // so the envelope is checked on the other objects and those two against their own schemas above.
    expect(stixSchemaErrors(makeBundle(objects.filter((o) => o.type !== 'incident' && o.type !== 'extension-definition')))).toEqual([]);
    expect(new Set(objects.map((o) => o.type))).toEqual(
      new Set(['marking-definition', 'extension-definition', 'identity', 'indicator', 'ipv4-addr', 'domain-name', 'file', 'user-account', 'observed-data', 'sighting', 'incident', 'report']),
    );
  });

  it('uses the published TLP 2.0 marking-definition ids and marks every other object with the policy level', () => {
    expect(TLP_MARKING_IDS).toEqual({
      CLEAR: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
      GREEN: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
      AMBER: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
      'AMBER+STRICT': 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
      RED: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
    });
    for (const level of TLP_LEVELS) {
      const objects = stixOf(level);
      const marking = objects.find((o) => o.id === TLP_MARKING_IDS[level])!;
      expect(marking.id).toBe(TLP_MARKING_IDS[level]);
      expect(marking['name']).toBe(`TLP:${level}`);
      expect(marking['extensions']).toEqual({ [TLP_2_EXTENSION_ID]: { extension_type: 'property-extension', tlp_2_0: level.toLowerCase() } });
      // The Socle extension definition and its author are public: TLP:CLEAR whatever the policy says.
      const published = new Set([SOCLE_ALERT_EXTENSION_ID, SOCLE_IDENTITY_ID]);
      for (const o of objects.filter((x) => x.type !== 'marking-definition')) {
        expect(o['object_marking_refs'], o.id).toEqual([published.has(o.id) ? TLP_MARKING_IDS.CLEAR : TLP_MARKING_IDS[level]]);
      }
    }
  });

  it('writes valid STIX patterns for addresses, domains and hashes, and no indicator for internal addresses', () => {
    const patterns = stixOf().filter((o) => o.type === 'indicator').map((o) => o['pattern']);
    expect(patterns).toEqual([
      "[ipv4-addr:value = '203.0.113.66']",
      "[domain-name:value = 'evil-updates.example.net']",
      "[file:hashes.'MD5' = 'd41d8cd98f00b204e9800998ecf8427e' OR file:hashes.'SHA-256' = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855']",
    ]);
  });

  it('carries the incident-core extension on the incident, pointing at the indicators, sightings and observed data', () => {
    const objects = stixOf();
    const incident = objects.find((o) => o.type === 'incident')!;
    const ext = (incident['extensions'] as Record<string, Record<string, unknown>>)[INCIDENT_CORE_EXTENSION_ID]!;
    expect(ext).toMatchObject({ extension_type: 'property-extension', determination: 'suspected', investigation_status: 'new', criticality: 73 });
    const refs = ext['other_object_refs'] as string[];
    expect(refs.filter((r) => r.startsWith('indicator--'))).toHaveLength(3);
    expect(refs.filter((r) => r.startsWith('sighting--'))).toHaveLength(3);
    const report = objects.find((o) => o.type === 'report')!;
    const ids = new Set(objects.map((o) => o.id));
    for (const ref of report['object_refs'] as string[]) expect(ids.has(ref), ref).toBe(true);
  });

  it('gives the same ids and content when the same alert is converted again, and other ids for another alert', () => {
    expect(stixOf()).toEqual(stixOf());
    const other = sharing().decide(detectionAlert({ event: { kind: 'alert', id: 'ffff000011112222', severity: 73 } }));
    if (!other.shared) throw new Error(other.reason);
    const otherIds = new Set(alertToStix(other.alert).filter((o) => o.type === 'incident' || o.type === 'indicator').map((o) => o.id));
    for (const o of stixOf().filter((x) => x.type === 'incident' || x.type === 'indicator')) expect(otherIds.has(o.id)).toBe(false);
    expect(makeBundle(stixOf()).id).toBe(makeBundle(stixOf()).id);
  });

  it('carries Socle data in its extension-definition, never in x_ custom properties', () => {
    const objects = stixOf();
    const custom = (value: unknown, path: string): string[] =>
      value && typeof value === 'object'
        ? Object.entries(value).flatMap(([k, v]) => [...(k.startsWith('x_') ? [`${path}.${k}`] : []), ...custom(v, `${path}.${k}`)])
        : [];
    expect(objects.flatMap((o) => custom(o, o.id))).toEqual([]);
    const definition = objects.find((o) => o.id === SOCLE_ALERT_EXTENSION_ID)!;
    expect(definition).toMatchObject({ type: 'extension-definition', extension_types: ['property-extension'], created_by_ref: SOCLE_IDENTITY_ID });
    expect(objects.some((o) => o.id === SOCLE_IDENTITY_ID)).toBe(true);
    const incident = objects.find((o) => o.type === 'incident')!;
    const ext = (incident['extensions'] as Record<string, Record<string, unknown>>)[SOCLE_ALERT_EXTENSION_ID]!;
    expect(ext).toMatchObject({ extension_type: 'property-extension', rule_id: expect.any(String), level: 'high', count: 1 });
    // STIX property names: lower-case ASCII letters, digits and underscores.
    const names = (value: unknown): string[] =>
      value && typeof value === 'object' && !Array.isArray(value)
        ? Object.entries(value).flatMap(([k, v]) => [k, ...names(v)])
        : Array.isArray(value) ? value.flatMap(names) : [];
    for (const name of names(ext)) expect(name).toMatch(/^[a-z0-9_]{3,250}$/);
  });
});
