/**
 * Objects of TAXII collections, in memory, in the order they were added, each labelled with the organisation it was
 * shared for and its TLP level. An object is stored once per (organisation, id, version): adding the same version
 * again is acknowledged but changes nothing, which makes re-sent bundles harmless. `date_added` is strictly
 * increasing within a collection, so it doubles as the pagination position.
 */
import type { TlpLevel } from './tlp.ts';

export interface StoredObject {
  object: { id: string; type: string; [key: string]: unknown };
  version: string;
  dateAdded: number;
  organization: string;
  tlp: TlpLevel;
}

export interface ObjectQuery {
  /** Only objects added strictly after this time (epoch ms). */
  addedAfter?: number;
  ids?: string[];
  types?: string[];
  /** 'last' (default): the latest version of each object; 'all': every version. */
  versions?: 'last' | 'all';
  /** Only objects the reader may see; applied before the latest version is chosen, so hidden versions stay hidden. */
  visible?: (stored: StoredObject) => boolean;
}

export interface NewObject {
  object: StoredObject['object'];
  tlp: TlpLevel;
}

export class TaxiiCollectionStore {
  private readonly byCollection = new Map<string, StoredObject[]>();
  private readonly keys = new Map<string, Set<string>>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Adds objects of one organisation; returns for each whether it was new (false: that version was already stored). */
  add(collectionId: string, organization: string, objects: NewObject[]): { id: string; version: string; added: boolean }[] {
    const list = this.byCollection.get(collectionId) ?? [];
    const keys = this.keys.get(collectionId) ?? new Set<string>();
    this.byCollection.set(collectionId, list);
    this.keys.set(collectionId, keys);
    return objects.map(({ object, tlp }) => {
      const version = String(object['modified'] ?? object['created'] ?? '');
      const key = `${organization}\u0000${object.id}\u0000${version}`;
      if (keys.has(key)) return { id: object.id, version, added: false };
      const last = list.at(-1)?.dateAdded ?? -Infinity;
      const dateAdded = Math.max(this.now(), last + 1);
      list.push({ object, version: version || new Date(dateAdded).toISOString(), dateAdded, organization, tlp });
      keys.add(key);
      return { id: object.id, version, added: true };
    });
  }

  /** Matching objects in `date_added` order; one entry per (id, version) even when several organisations shared it. */
  query(collectionId: string, q: ObjectQuery = {}): StoredObject[] {
    const seen = new Set<string>();
    let list = (this.byCollection.get(collectionId) ?? []).filter((s) => {
      if (q.visible && !q.visible(s)) return false;
      const key = `${s.object.id}\u0000${s.version}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    if (q.versions !== 'all') {
      const latest = new Map<string, StoredObject>();
      for (const s of list) {
        const prev = latest.get(s.object.id);
        if (!prev || s.version >= prev.version) latest.set(s.object.id, s);
      }
      const keep = new Set(latest.values());
      list = list.filter((s) => keep.has(s));
    }
    return list.filter(
      (s) =>
        (q.addedAfter === undefined || s.dateAdded > q.addedAfter) &&
        (!q.ids || q.ids.includes(s.object.id)) &&
        (!q.types || q.types.includes(s.object.type)),
    );
  }
}
