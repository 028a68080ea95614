import type { Alert } from '@socle/core';
import type { AlertCount, AlertCountKey, AlertPage, AlertQuery, AlertStore } from '../ports.ts';
import type { AlertJournal } from './alert-journal.ts';

/** The embedded AlertStore: queries answered from the journal's in-memory index. */
export class JournalAlertStore implements AlertStore {
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
}
