import { open, readdir, readFile, truncate, type FileHandle } from 'node:fs/promises';
import { ensurePrivateDir, makePrivate, PRIVATE_FILE_MODE } from '../private-files.ts';
import { join } from 'node:path';
import type { Alert } from '@socle/core';
import type { AlertSink } from '../ports.ts';
import { AlertIndex } from './alert-index.ts';

export interface AlertJournalOptions {
  /** A new segment file starts once the current one reaches this size. */
  maxSegmentBytes?: number;
}

const SEGMENT = /^alerts-(\d{6})\.ndjson$/;
const segmentName = (n: number) => `alerts-${String(n).padStart(6, '0')}.ndjson`;

/**
 * Alerts on disk as append-only NDJSON segment files, with an in-memory index rebuilt on open. Writing an alert
 * whose `event.id` is already stored appends the new version, and the index keeps the latest: correlation and
 * suppression may update an alert under the same id, and a replay rewrites the same ids.
 */
export class AlertJournal implements AlertSink {
  readonly index = new AlertIndex();
  /** Problems found while reading the segments back (file, line, what was wrong); those lines were skipped. */
  readonly warnings: string[] = [];
  private file: FileHandle | undefined;
  private segment = 0;
  private segmentBytes = 0;
  private pending: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(readonly dir: string, private readonly maxSegmentBytes: number) {}

  static async open(dir: string, options: AlertJournalOptions = {}): Promise<AlertJournal> {
    const journal = new AlertJournal(dir, options.maxSegmentBytes ?? 64 * 1024 * 1024);
    await ensurePrivateDir(dir);
    await journal.load();
    return journal;
  }

  /** Appends the alerts and syncs them to disk; resolves once they are durable and searchable. */
  write(alerts: Alert[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`alert journal ${this.dir} is closed`));
    const run = this.pending.then(() => this.append(alerts));
    this.pending = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.pending;
    await this.file?.close();
    this.file = undefined;
  }

  private async append(alerts: Alert[]): Promise<void> {
    if (alerts.length === 0) return;
    for (const a of alerts) {
      if (typeof a?.event?.id !== 'string' || !a.event.id) throw new Error(`alert of rule ${a?.rule?.id ?? '?'} has no event.id; cannot store it`);
    }
    const text = alerts.map((a) => JSON.stringify(a) + '\n').join('');
    const bytes = new TextEncoder().encode(text);
    await this.segmentFor(bytes.length);
    await this.file!.write(bytes);
    await this.file!.datasync();
    this.segmentBytes += bytes.length;
    for (const a of alerts) this.index.put(a);
  }

  /** Opens the current segment, or starts the next one when `incoming` bytes would overflow it. */
  private async segmentFor(incoming: number): Promise<void> {
    const fits = this.segment > 0 && (this.segmentBytes === 0 || this.segmentBytes + incoming <= this.maxSegmentBytes);
    if (!fits) {
      await this.file?.close();
      this.file = undefined;
      this.segment++;
      this.segmentBytes = 0;
    }
    this.file ??= await open(join(this.dir, segmentName(this.segment)), 'a', PRIVATE_FILE_MODE);
  }

  private async load(): Promise<void> {
    const segments = (await readdir(this.dir))
      .map((name) => SEGMENT.exec(name))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ name: m[0], n: Number(m[1]) }))
      .sort((a, b) => a.n - b.n);
    for (const [i, seg] of segments.entries()) {
      const path = join(this.dir, seg.name);
      await makePrivate(path);
      let text = await readFile(path, 'utf8');
      const isLast = i === segments.length - 1;
      if (isLast && text.length > 0 && !text.endsWith('\n')) {
        // A write cut short by a crash: drop the partial line so the next append starts on a line of its own.
        const keep = text.lastIndexOf('\n') + 1;
        this.warnings.push(`${path}: incomplete last line (interrupted write) removed`);
        text = text.slice(0, keep);
        await truncate(path, new TextEncoder().encode(text).length);
      }
      this.readSegment(path, text);
      this.segment = seg.n;
      if (isLast) this.segmentBytes = new TextEncoder().encode(text).length;
    }
  }

  private readSegment(path: string, text: string): void {
    let line = 0;
    for (const raw of text.split('\n')) {
      line++;
      if (!raw.trim()) continue;
      try {
        this.index.put(JSON.parse(raw) as Alert);
      } catch (e) {
        this.warnings.push(`${path}:${line}: not a stored alert (${e instanceof Error ? e.message : String(e)}); skipped`);
      }
    }
  }
}
