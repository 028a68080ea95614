/**
 * `socle demo --console`: the demo's alert journal served in the console, behind a token of its own (layer 2 over
 * the scenario's organisations, valid 12 hours, held in memory only), so the sign-in is the real one.
 */
import { silentLogger } from '@socle/core';
import { join } from 'node:path';
import { AlertJournal, JournalAlertStore, JournalTriageStore, MemoryAccessAuditLog, MemoryTokenStore, startAlertApi } from '@socle/api';
import { CONSOLE_ASSETS_DIR, consoleIsBuilt } from '@socle/console';

export interface DemoConsole {
  /** The console's address, `http://127.0.0.1:<port>/ui/`. */
  url: string;
  /** A layer-2 analyst token for the scenario's organisations. */
  token: string;
  close(): Promise<void>;
}

export async function startDemoConsole(options: { journalDir: string; organizations: string[]; host?: string; port?: number; now?: number }): Promise<DemoConsole> {
  if (!consoleIsBuilt()) throw new Error('the console is not built: run `pnpm --filter @socle/console build` (npm run demo does)');
  const now = options.now ?? Date.now();
  const journal = await AlertJournal.open(options.journalDir);
  const triage = await JournalTriageStore.open(join(options.journalDir, 'triage'));
  const tokens = new MemoryTokenStore();
  const { token } = tokens.create(
    { layer: 2, organizations: options.organizations, role: 'analyst', expiresAt: new Date(now + 12 * 3_600_000).toISOString(), createdBy: 'socle demo --console' },
    now,
  );
  try {
    const api = await startAlertApi(
      { store: new JournalAlertStore(journal), triage, tokens, audit: new MemoryAccessAuditLog(), console: { assetsDir: CONSOLE_ASSETS_DIR }, logger: silentLogger },
      options.host ?? '127.0.0.1',
      options.port ?? 9280,
    );
    return {
      url: `${api.url}/ui/`,
      token,
      close: async () => {
        await api.close();
        await triage.close();
        await journal.close();
      },
    };
  } catch (err) {
    await triage.close();
    await journal.close();
    throw err;
  }
}
