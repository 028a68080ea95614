/**
 * Who may read and write TAXII collections, and which objects of a collection a reader sees. These are the rules
 * the server applies and the reference model its tests compare it with.
 *
 * Collections: a principal of any layer reads a collection when one of its organisations is among the
 * collection's (a layer-4 principal without organisations: every collection); it writes one only when it is a
 * layer-2 principal that is not read-only, for an organisation of the collection that it is granted.
 *
 * Objects: every stored object belongs to the organisation it was shared for and carries a TLP 2.0 level (the
 * strictest of its TLP markings). A reader of the collection sees it when the level allows (FIRST TLP 2.0):
 *   CLEAR, GREEN  every reader of the collection (the collection's organisations are the community);
 *   AMBER         principals granted the object's organisation: the organisation (layer 1), its SOC (layer 2),
 *                 its auditor (layer 3) and the national centre it is shared with (layer 4); not the other
 *                 organisations of a shared collection;
 *   AMBER+STRICT  only inside the organisation: layer 1-3 principals whose organisations are exactly that one;
 *   RED           only the named recipients of that organisation (`redRecipients`: token ids), if granted it.
 */
import type { Principal } from '@socle/api';
import { TLP_LEVELS, TLP_MARKING_IDS, type TlpLevel } from './tlp.ts';

export interface CollectionGrant {
  id: string;
  /** Organisations whose shared data this collection holds. */
  organizations: string[];
}

/** The organisation an object was shared for and its TLP level. */
export interface ObjectLabel {
  organization: string;
  tlp: TlpLevel;
}

/** Token ids named to receive TLP:RED data, by organisation. */
export type RedRecipients = Readonly<Record<string, readonly string[]>>;

function grantedOrganization(p: Principal, organization: string): boolean {
  return (p.layer === 4 && p.organizations.length === 0) || p.organizations.includes(organization);
}

export function canReadCollection(p: Principal, c: CollectionGrant): boolean {
  return c.organizations.some((o) => grantedOrganization(p, o));
}

/** Whether the principal may add objects of `organization` (any of the collection's when omitted) to the collection. */
export function canWriteCollection(p: Principal, c: CollectionGrant, organization?: string): boolean {
  if (p.readOnly || p.layer !== 2) return false;
  const orgs = organization === undefined ? c.organizations : c.organizations.filter((o) => o === organization);
  return orgs.some((o) => p.organizations.includes(o));
}

export function canSeeObject(p: Principal, c: CollectionGrant, label: ObjectLabel, redRecipients: RedRecipients = {}): boolean {
  if (!canReadCollection(p, c)) return false;
  switch (label.tlp) {
    case 'CLEAR':
    case 'GREEN':
      return true;
    case 'AMBER':
      return grantedOrganization(p, label.organization);
    case 'AMBER+STRICT':
      return p.layer !== 4 && p.organizations.length === 1 && p.organizations[0] === label.organization;
    case 'RED':
      return grantedOrganization(p, label.organization) && (redRecipients[label.organization] ?? []).includes(p.tokenId);
  }
}

const LEVEL_OF_MARKING = new Map<string, TlpLevel>(Object.entries(TLP_MARKING_IDS).map(([level, id]) => [id, level as TlpLevel]));

/**
 * The TLP level of a STIX object: a marking-definition is public (CLEAR); any other object takes the strictest TLP
 * 2.0 marking among its `object_marking_refs`, and has none (undefined) when it carries no TLP marking.
 */
export function tlpOfObject(object: { type: string; object_marking_refs?: unknown }): TlpLevel | undefined {
  if (object.type === 'marking-definition') return 'CLEAR';
  const refs = Array.isArray(object.object_marking_refs) ? object.object_marking_refs : [];
  let level: TlpLevel | undefined;
  for (const ref of refs) {
    const l = typeof ref === 'string' ? LEVEL_OF_MARKING.get(ref) : undefined;
    if (l && (!level || TLP_LEVELS.indexOf(l) > TLP_LEVELS.indexOf(level))) level = l;
  }
  return level;
}
