import { watch, type FSWatcher } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface RuleSourceWatchOptions {
  /** Rule folders and files (pipeline and placeholder files too). */
  paths: string[];
  /** Told once a burst of changes has been quiet for `debounceMs`. */
  onChange: () => void;
  /** Default 500 ms: an editor's save or a `git pull` is several events. */
  debounceMs?: number;
  /** How often polled paths are compared (default 1000 ms). */
  pollIntervalMs?: number;
  /** `events`: fs.watch where it works (folders, recursively), polling otherwise; `poll`: polling only. */
  mode?: 'events' | 'poll';
  /** Told when a watch fails (the path is then polled). */
  onError?: (message: string) => void;
}

const EDITOR_NOISE = /(^|[\\/])(\.[^\\/]*|[^\\/]*~|[^\\/]*\.swp|[^\\/]*\.tmp)$/;

/**
 * Watches rule sources and says when they changed. Folders use fs.watch (recursive where the platform has it);
 * files, and folders fs.watch cannot follow, are polled by comparing names, sizes and modification times.
 */
export class RuleSourceWatch {
  private readonly watchers: FSWatcher[] = [];
  private readonly polled: string[] = [];
  private pollTimer: ReturnType<typeof setInterval> | undefined;
  private debounce: ReturnType<typeof setTimeout> | undefined;
  private lastSignature: string | undefined;
  private polling = false;
  private closed = false;

  constructor(private readonly options: RuleSourceWatchOptions) {}

  /** Paths followed by fs.watch and paths polled. */
  get mode(): { events: number; polled: number } {
    return { events: this.watchers.length, polled: this.polled.length };
  }

  async start(): Promise<void> {
    for (const path of this.options.paths) {
      const isDirectory = await stat(path).then((s) => s.isDirectory(), () => false);
      if (isDirectory && this.options.mode !== 'poll' && this.watchFolder(path)) continue;
      this.polled.push(path);
    }
    if (this.polled.length) {
      this.lastSignature = await signature(this.polled);
      this.pollTimer = setInterval(() => void this.poll(), this.options.pollIntervalMs ?? 1000);
      this.pollTimer.unref();
    }
  }

  close(): void {
    this.closed = true;
    for (const w of this.watchers) w.close();
    this.watchers.length = 0;
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.debounce) clearTimeout(this.debounce);
  }

  private watchFolder(path: string): boolean {
    try {
      const watcher = watch(path, { recursive: true, persistent: false }, (_event, name) => {
        if (name && EDITOR_NOISE.test(String(name))) return;
        this.changed();
      });
      watcher.on('error', (err) => {
        this.options.onError?.(`${path}: watch failed (${err.message}); polling it instead`);
        watcher.close();
        this.watchers.splice(this.watchers.indexOf(watcher), 1);
        this.polled.push(path);
        if (!this.pollTimer && !this.closed) {
          this.pollTimer = setInterval(() => void this.poll(), this.options.pollIntervalMs ?? 1000);
          this.pollTimer.unref();
        }
        this.changed();
      });
      this.watchers.push(watcher);
      return true;
    } catch (err) {
      this.options.onError?.(`${path}: cannot watch for changes (${(err as Error).message}); polling it instead`);
      return false;
    }
  }

  private async poll(): Promise<void> {
    if (this.polling || this.closed) return;
    this.polling = true;
    try {
      const now = await signature(this.polled);
      if (now !== this.lastSignature) {
        this.lastSignature = now;
        this.changed();
      }
    } finally {
      this.polling = false;
    }
  }

  private changed(): void {
    if (this.closed) return;
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      if (!this.closed) this.options.onChange();
    }, this.options.debounceMs ?? 500);
    this.debounce.unref();
  }
}

/** Names, sizes and modification times of every file under `paths` (missing paths included, as missing). */
async function signature(paths: string[]): Promise<string> {
  const parts: string[] = [];
  const visit = async (path: string): Promise<void> => {
    let info;
    try {
      info = await stat(path);
    } catch {
      parts.push(`${path}:missing`);
      return;
    }
    if (!info.isDirectory()) {
      parts.push(`${path}:${info.size}:${info.mtimeMs}`);
      return;
    }
    const names = await readdir(path).catch(() => [] as string[]);
    for (const name of names.sort()) if (!name.startsWith('.')) await visit(join(path, name));
  };
  for (const p of paths) await visit(p);
  return parts.join('\n');
}
