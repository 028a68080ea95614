import type { Alert } from '@socle/core';
import type { AlertCount, AlertCountKey, AlertPage, AlertQuery, AlertStore, AlertTimeBucket } from '../ports.ts';
import type { AlertJournal } from './alert-journal.ts';

/** The embedded AlertStore: queries answered from the journal's in-memory index. */
export class JournalAlertStore implements AlertStore {
  readonly scopeFilters = true;

  constructor(private readonly journal: AlertJournal) {}

  async search(query: AlertQuery): Promise<AlertPage> {
    return this.journal.index.search(query);
  }

  async get(id: string): Promise<Alert | undefined> {
    return this.journal.index.get(id);
  }

  async aggregate(by: AlertCountKey, query: AlertQuery = {}): Promise<AlertCount[]> {
    return this.journal.index.aggregate(by, query);
  }

  async histogram(intervalMs: number, query: AlertQuery = {}): Promise<AlertTimeBucket[]> {
    return this.journal.index.histogram(intervalMs, query);
  }
}
