/**
 * TLP 2.0 markings as STIX 2.1 marking-definition objects. The ids, names and `created` time are the ones OASIS
 * publishes with the TLP 2.0 extension (oasis-open/cti-stix-common-objects, extension-definition-specifications/tlp-2.0):
 * receivers recognise a marking by its id, so these must never be generated.
 */
export const TLP_LEVELS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'] as const;
export type TlpLevel = (typeof TLP_LEVELS)[number];

export const TLP_2_EXTENSION_ID = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d';
const TLP_2_CREATED = '2022-10-01T00:00:00.000Z';

export const TLP_MARKING_IDS: Readonly<Record<TlpLevel, string>> = {
  CLEAR: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
  GREEN: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  AMBER: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  'AMBER+STRICT': 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
  RED: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
};

export interface TlpMarkingDefinition {
  type: 'marking-definition';
  spec_version: '2.1';
  id: string;
  created: string;
  name: string;
  extensions: Record<string, { extension_type: 'property-extension'; tlp_2_0: string }>;
}

/** The published marking-definition object for a TLP 2.0 level. */
export function tlpMarkingDefinition(level: TlpLevel): TlpMarkingDefinition {
  return {
    type: 'marking-definition',
    spec_version: '2.1',
    id: TLP_MARKING_IDS[level],
    created: TLP_2_CREATED,
    name: `TLP:${level}`,
    extensions: { [TLP_2_EXTENSION_ID]: { extension_type: 'property-extension', tlp_2_0: level.toLowerCase() } },
  };
}

/** Strictness order: a level may be raised (GREEN -> AMBER) by a rule-specific policy, never lowered. */
export function stricterTlp(a: TlpLevel, b: TlpLevel): TlpLevel {
  return TLP_LEVELS.indexOf(a) >= TLP_LEVELS.indexOf(b) ? a : b;
}
