/**
 * A `ParsedRulesCache` in a file, so the next `socle detect`, `socle rules list` or worker start does not parse
 * unchanged rules again. One file per rule set (the set of rule files read), holding the entries the last load
 * used: a rule that changed misses and is parsed, the others are read back. The first line stamps the code of
 * `@socle/core` that wrote it (its files' names, sizes and times), so an upgrade or an edit of the parser misses.
 * A cache that cannot be read or written is skipped: it never fails a load.
 */
import { mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { contentHash64Hex, type ParsedRulesCache } from '@socle/core';

/**
 * Where the cache lives: `SOCLE_CACHE_DIR`, else `$XDG_CACHE_HOME/socle`, else `~/.cache/socle`; undefined when
 * `SOCLE_CACHE_DIR` is `off`.
 */
export function socleCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.SOCLE_CACHE_DIR === 'off') return undefined;
  if (env.SOCLE_CACHE_DIR) return env.SOCLE_CACHE_DIR;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'socle');
}

export class ParsedRulesFileCache implements ParsedRulesCache {
  private readonly stored = new Map<string, string>();
  private readonly used = new Map<string, string>();
  private changed = false;
  private saveScheduled = false;

  private constructor(
    private readonly file: string | undefined,
    private readonly stamp: string,
    private readonly saveAfterLoad: boolean,
  ) {}

  /**
   * The cache of the rule set read from `files`, in `dir` (default `socleCacheDir()`; none: memory only). With
   * `saveAfterLoad`, it saves itself once the engine load that first uses it is over (a load is synchronous), for
   * callers that hand it on without seeing the load end (the runtime's reloads).
   */
  static open(files: readonly string[], dir: string | undefined = socleCacheDir(), options: { saveAfterLoad?: boolean } = {}): ParsedRulesFileCache {
    const stamp = codeStamp();
    const file = dir ? join(dir, `parsed-rules-${contentHash64Hex([...files].sort())}.tsv`) : undefined;
    const cache = new ParsedRulesFileCache(file, stamp, options.saveAfterLoad ?? false);
    if (file) cache.read(file);
    return cache;
  }

  get(key: string): string | undefined {
    this.scheduleSave();
    const entry = this.stored.get(key);
    if (entry !== undefined) this.used.set(key, entry);
    return entry;
  }

  set(key: string, entry: string): void {
    this.scheduleSave();
    this.used.set(key, entry);
    this.changed = true;
  }

  /** Writes the entries this load used, when it parsed something or left entries unused; errors are ignored. */
  save(): void {
    if (!this.file || (!this.changed && this.used.size === this.stored.size)) return;
    try {
      mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
      const lines = [this.stamp];
      // keys and JSON entries hold no raw tab or newline
      for (const [key, entry] of this.used) lines.push(`${key}\t${entry}`);
      const temporary = `${this.file}.${process.pid}.tmp`;
      writeFileSync(temporary, lines.join('\n'), { mode: 0o600 });
      renameSync(temporary, this.file);
    } catch {
      // a read-only or full disk: the next load parses again
    }
  }

  private scheduleSave(): void {
    if (!this.saveAfterLoad || this.saveScheduled) return;
    this.saveScheduled = true;
    setImmediate(() => this.save());
  }

  private read(file: string): void {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return;
    }
    const lines = text.split('\n');
    if (lines[0] !== this.stamp) return;
    for (let i = 1; i < lines.length; i++) {
      const tab = lines[i].indexOf('\t');
      if (tab > 0) this.stored.set(lines[i].slice(0, tab), lines[i].slice(tab + 1));
    }
  }
}

let stampMemo: string | undefined;

/** Names, sizes and modification times of the files of `@socle/core` this process runs (built or sources). */
function codeStamp(): string {
  if (stampMemo !== undefined) return stampMemo;
  const parts: unknown[] = [];
  try {
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (/\.(js|ts)$/.test(entry.name)) {
          const { size, mtimeMs } = statSync(path);
          parts.push(path, size, mtimeMs);
        }
      }
    };
    walk(dirname(fileURLToPath(import.meta.resolve('@socle/core'))));
  } catch {
    parts.push(Math.random()); // unknown code: never trust a stored entry
  }
  return (stampMemo = `socle-parsed-rules ${contentHash64Hex(parts)}`);
}
