import { open, readFile, type FileHandle } from 'node:fs/promises';
import { ensurePrivateDir, makePrivate, PRIVATE_FILE_MODE } from '../private-files.ts';
import { join } from 'node:path';
import type { TriageStore } from './triage-store.ts';
import { applyTriage, untriaged, type TriageActor, type TriageChange, type TriageEntry, type TriageState, type TriageStatus } from './triage.ts';

const FILE = 'triage.ndjson';

/**
 * Triage trails as one append-only NDJSON file (`<dir>/triage.ndjson`), folded into memory on open. Each change is
 * synced to disk before `append` resolves. Lines that cannot be read back are skipped and reported in `warnings`.
 */
export class JournalTriageStore implements TriageStore {
  readonly warnings: string[] = [];
  private readonly trails = new Map<string, TriageEntry[]>();
  private readonly states = new Map<string, TriageState>();
  private file: FileHandle | undefined;
  private pending: Promise<unknown> = Promise.resolve();

  private constructor(readonly dir: string) {}

  static async open(dir: string): Promise<JournalTriageStore> {
    const store = new JournalTriageStore(dir);
    await ensurePrivateDir(dir);
    await makePrivate(join(dir, FILE));
    await store.load();
    return store;
  }

  append(alertId: string, by: TriageActor, change: TriageChange, at = new Date()): Promise<TriageState> {
    const run = this.pending.then(async () => {
      const entry: TriageEntry = { alertId, at: at.toISOString(), by, change };
      this.file ??= await open(join(this.dir, FILE), 'a', PRIVATE_FILE_MODE);
      await this.file.write(JSON.stringify(entry) + '\n');
      await this.file.datasync();
      return this.remember(entry);
    });
    this.pending = run.catch(() => undefined);
    return run;
  }

  async state(alertId: string): Promise<TriageState> {
    return this.states.get(alertId) ?? untriaged(alertId);
  }

  async history(alertId: string): Promise<TriageEntry[]> {
    return [...(this.trails.get(alertId) ?? [])];
  }

  async idsWithStatus(status: Exclude<TriageStatus, 'open'>): Promise<string[]> {
    return [...this.states.values()].filter((s) => s.status === status).map((s) => s.alertId);
  }

  async idsNotOpen(): Promise<string[]> {
    return [...this.states.values()].filter((s) => s.status !== 'open').map((s) => s.alertId);
  }

  async close(): Promise<void> {
    await this.pending;
    await this.file?.close();
    this.file = undefined;
  }

  private remember(entry: TriageEntry): TriageState {
    let trail = this.trails.get(entry.alertId);
    if (!trail) this.trails.set(entry.alertId, (trail = []));
    trail.push(entry);
    const state = applyTriage(this.states.get(entry.alertId) ?? untriaged(entry.alertId), entry);
    this.states.set(entry.alertId, state);
    return state;
  }

  private async load(): Promise<void> {
    const path = join(this.dir, FILE);
    const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return '';
      throw err;
    });
    text.split('\n').forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        const entry = JSON.parse(line) as TriageEntry;
        if (typeof entry?.alertId !== 'string' || typeof entry.at !== 'string' || typeof entry.change !== 'object' || typeof entry.by?.tokenId !== 'string') {
          throw new Error('missing alertId, at, by.tokenId or change');
        }
        this.remember(entry);
      } catch (err) {
        this.warnings.push(`${path}:${i + 1}: skipped (${(err as Error).message})`);
      }
    });
  }
}
