import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { AlertJournal } from './alert-journal.ts';
import { JournalAlertStore } from './journal-alert-store.ts';
import { assertScopeFilters, SCOPE_ALERTS } from './scope-filters.test-helper.ts';

const dir = mkdtempSync(join(tmpdir(), 'socle-journal-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('JournalAlertStore scope filters', () => {
  it('honours organisation, sharing, ip, technique and id filters in search, counts and histogram', async () => {
    const journal = await AlertJournal.open(dir);
    try {
      await journal.write(SCOPE_ALERTS);
      await assertScopeFilters(new JournalAlertStore(journal));
    } finally {
      await journal.close();
    }
  });
});
