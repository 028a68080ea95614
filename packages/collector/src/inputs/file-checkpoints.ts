import { errorMessage } from '@socle/core';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Where reading of one file identity (device + inode) stands: every byte before `offset` was delivered. */
export interface FileCheckpoint {
  path: string;
  dev: number;
  ino: number;
  offset: number;
}

export const fileKey = (dev: number, ino: number): string => `${dev}:${ino}`;

/**
 * The file tailer's state file. Entries are keyed by file identity, not path, so a rotated file (renamed)
 * keeps its position and a new file at the old path starts from zero. Saved atomically (tmp, fsync, rename).
 */
export class FileCheckpoints {
  private readonly entries = new Map<string, FileCheckpoint>();
  private saving: Promise<void> = Promise.resolve();
  private dirty = false;

  private constructor(readonly stateFile: string) {}

  static async load(stateFile: string): Promise<FileCheckpoints> {
    const store = new FileCheckpoints(stateFile);
    let text: string | undefined;
    try {
      text = await readFile(stateFile, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`file state ${stateFile}: ${errorMessage(error)}`);
    }
    if (text !== undefined && text.trim() !== '') {
      let parsed: { files?: FileCheckpoint[] };
      try {
        parsed = JSON.parse(text) as { files?: FileCheckpoint[] };
      } catch (error) {
        throw new Error(`file state ${stateFile} is not valid JSON (${errorMessage(error)}); move it away to start reading files afresh`);
      }
      for (const entry of parsed.files ?? []) {
        if (typeof entry.path === 'string' && Number.isInteger(entry.dev) && Number.isInteger(entry.ino) && Number.isInteger(entry.offset)) {
          store.entries.set(fileKey(entry.dev, entry.ino), entry);
        }
      }
    }
    return store;
  }

  get(dev: number, ino: number): FileCheckpoint | undefined {
    return this.entries.get(fileKey(dev, ino));
  }

  all(): FileCheckpoint[] {
    return [...this.entries.values()];
  }

  /** Moves a file's position forward (or back to 0 after truncation). */
  record(checkpoint: FileCheckpoint): void {
    this.entries.set(fileKey(checkpoint.dev, checkpoint.ino), { ...checkpoint });
    this.dirty = true;
  }

  /** Forgets files that no longer exist, so that the state file does not grow forever. */
  retain(liveKeys: Set<string>): void {
    for (const key of [...this.entries.keys()]) {
      if (!liveKeys.has(key)) {
        this.entries.delete(key);
        this.dirty = true;
      }
    }
  }

  /** Writes the state file if anything changed; saves are serialised. */
  save(): Promise<void> {
    this.saving = this.saving.then(async () => {
      if (!this.dirty) return;
      this.dirty = false;
      const text = JSON.stringify({ files: this.all() }, null, 1);
      await mkdir(dirname(this.stateFile), { recursive: true });
      const tmp = `${this.stateFile}.tmp`;
      const handle = await open(tmp, 'w');
      try {
        await handle.writeFile(text);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(tmp, this.stateFile);
    });
    return this.saving;
  }
}
