/**
 * Socle-specific alert data in STIX: a property-extension defined by an extension-definition object (STIX 2.1
 * section 7.3), not `x_` custom properties, which strict receivers (the OASIS `stix2` library without allow_custom)
 * refuse. Every bundle ships the definition, the identity that created it and the TLP:CLEAR marking they carry.
 * The ids and contents are fixed forever: receivers recognise the extension by its id.
 */
import { uuidV5 } from './stix-ids.ts';
import { TLP_MARKING_IDS } from './tlp.ts';
import type { StixObject } from './stix-objects.ts';

export const SOCLE_IDENTITY_ID = `identity--${uuidV5('socle-project', '6f1b8a52-3c1e-4d55-9a7e-2f0c4b9d8e17')}`;
export const SOCLE_ALERT_EXTENSION_ID = `extension-definition--${uuidV5('socle-alert/1.0', '6f1b8a52-3c1e-4d55-9a7e-2f0c4b9d8e17')}`;

const DEFINED = '2026-01-01T00:00:00.000Z';

/** The Socle project identity, author of the extension definition. */
export const SOCLE_IDENTITY: StixObject = {
  type: 'identity',
  id: SOCLE_IDENTITY_ID,
  spec_version: '2.1',
  created: DEFINED,
  modified: DEFINED,
  name: 'Socle project',
  identity_class: 'organization',
  object_marking_refs: [TLP_MARKING_IDS.CLEAR],
};

export const SOCLE_ALERT_EXTENSION: StixObject = {
  type: 'extension-definition',
  id: SOCLE_ALERT_EXTENSION_ID,
  spec_version: '2.1',
  created: DEFINED,
  modified: DEFINED,
  created_by_ref: SOCLE_IDENTITY_ID,
  name: 'Socle alert',
  description:
    'Detection details of the Socle alert an incident was shared from: rule_id (the detection rule), level ' +
    '(informational|low|medium|high|critical), count (detections the alert stands for), affected (users, emails, hosts, ' +
    'addresses: pseudonymised or redacted as the sharing policy says) and, for correlation alerts, correlation ' +
    '(type, value, window_start, window_end, event_count, group: [{field, value}]).',
  schema: 'https://github.com/socle-project/socle/blob/main/packages/sharing/README.md#socle-alert-extension',
  version: '1.0.0',
  extension_types: ['property-extension'],
  object_marking_refs: [TLP_MARKING_IDS.CLEAR],
};
