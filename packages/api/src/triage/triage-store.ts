import type { TriageActor, TriageChange, TriageEntry, TriageState, TriageStatus } from './triage.ts';

/**
 * Where triage trails live: an NDJSON journal (`JournalTriageStore`, one process), or Elasticsearch shared by every
 * `socle serve` worker (`ElasticsearchTriageStore` in `@socle/runtime`).
 * Callers check access to the alert before calling: the store itself knows nothing of scopes.
 */
export interface TriageStore {
  /** Appends a change to the alert's trail; resolves once durable, with the new state. */
  append(alertId: string, by: TriageActor, change: TriageChange, at?: Date): Promise<TriageState>;
  /** The alert's current state (`open`, untagged, unassigned when nobody has triaged it). */
  state(alertId: string): Promise<TriageState>;
  /** The alert's trail, oldest first. */
  history(alertId: string): Promise<TriageEntry[]>;
  /** Ids of alerts whose current status is `status`. */
  idsWithStatus(status: Exclude<TriageStatus, 'open'>): Promise<string[]>;
  /** Ids of every alert whose current status is not `open` (an alert with no trail is open). */
  idsNotOpen(): Promise<string[]>;
}
