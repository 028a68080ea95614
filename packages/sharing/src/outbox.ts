/**
 * The forwarder's outbox: signed bundles accepted for sending, on disk until the upper endpoint acknowledged them.
 *
 * One append-only file, `outbox.ndjson`: a `put` line when a bundle is accepted, an `ack` line when it was delivered;
 * every append is synced before it resolves. Opening replays the file (put minus ack = pending), and rewrites it
 * (temporary file + rename) with the pending entries and a short `ack` line per delivered bundle, so delivered bodies
 * are removed (at open, when the outbox empties, and every 64 deliveries). Ack lines are kept for `rememberAckedMs` (30 days by default): putting a bundle id that is pending, or
 * was delivered within that time, is a no-op, so re-scanning the same alerts does not send them twice.
 * A torn last line from a crash is ignored.
 */
import { mkdir, open, readFile, rename, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Destination, StixBundle } from './signed-bundle.ts';

export interface OutboxEntry {
  id: string;
  /** ISO 8601 time the bundle was accepted. */
  acceptedAt: string;
  body: StixBundle;
  /** The collection and organisation the signature was made for. */
  destination: Destination;
  keyId: string;
  signature: string;
}

type OutboxLine = { op: 'put'; entry: OutboxEntry } | { op: 'ack'; id: string; at: number };

export interface OutboxOptions {
  rememberAckedMs?: number;
  now?: () => number;
}

const FILE = 'outbox.ndjson';

export class Outbox {
  private constructor(
    private readonly dir: string,
    private handle: FileHandle,
    private readonly pendingById: Map<string, OutboxEntry>,
    private readonly ackedAt: Map<string, number>,
    private readonly options: Required<OutboxOptions>,
  ) {}

  private bodiesSinceCompaction = 0;

  static async open(dir: string, options: OutboxOptions = {}): Promise<Outbox> {
    const opts = { rememberAckedMs: options.rememberAckedMs ?? 30 * 86_400_000, now: options.now ?? Date.now };
    await mkdir(dir, { recursive: true });
    const path = join(dir, FILE);
    const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return '';
      throw err;
    });
    const pending = new Map<string, OutboxEntry>();
    const acked = new Map<string, number>();
    let deliveredBodies = 0;
    const lines = text.split('\n');
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      let parsed: OutboxLine;
      try {
        parsed = JSON.parse(line) as OutboxLine;
      } catch {
        if (i === lines.length - 1) return; // torn by a crash mid-append: the put never resolved
        throw new Error(`${path}:${i + 1}: unreadable outbox line; move the file aside and re-run \`socle share push\``);
      }
      if (parsed.op === 'put') pending.set(parsed.entry.id, parsed.entry);
      else if (parsed.op === 'ack') {
        if (pending.delete(parsed.id)) deliveredBodies++;
        acked.set(parsed.id, parsed.at);
      }
    });
    const outbox = new Outbox(dir, await open(path, 'a'), pending, acked, opts);
    if (deliveredBodies > 0) await outbox.compact();
    return outbox;
  }

  pending(): OutboxEntry[] {
    return [...this.pendingById.values()];
  }

  /** Pending, or delivered recently enough to be remembered. */
  has(id: string): boolean {
    return this.pendingById.has(id) || this.ackedAt.has(id);
  }

  async put(entry: OutboxEntry): Promise<boolean> {
    if (this.has(entry.id)) return false;
    await this.append({ op: 'put', entry });
    this.pendingById.set(entry.id, entry);
    return true;
  }

  async ack(id: string): Promise<void> {
    if (!this.pendingById.has(id)) return;
    const at = this.options.now();
    await this.append({ op: 'ack', id, at });
    this.pendingById.delete(id);
    this.ackedAt.set(id, at);
    if (++this.bodiesSinceCompaction >= 64 || this.pendingById.size === 0) await this.compact();
  }

  async close(): Promise<void> {
    await this.handle.close();
  }

  private async append(line: OutboxLine): Promise<void> {
    await this.handle.appendFile(JSON.stringify(line) + '\n');
    await this.handle.sync();
  }

  /** Rewrites the file with the pending entries and the acks still remembered. */
  private async compact(): Promise<void> {
    const path = join(this.dir, FILE);
    const tmp = `${path}.tmp`;
    const out = await open(tmp, 'w');
    const forgetBefore = this.options.now() - this.options.rememberAckedMs;
    for (const [id, at] of this.ackedAt) if (at < forgetBefore) this.ackedAt.delete(id);
    try {
      const lines: OutboxLine[] = [...[...this.ackedAt].map(([id, at]) => ({ op: 'ack' as const, id, at })), ...[...this.pendingById.values()].map((entry) => ({ op: 'put' as const, entry }))];
      if (lines.length) await out.appendFile(lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
      await out.sync();
    } finally {
      await out.close();
    }
    await this.handle.close();
    await rename(tmp, path);
    this.handle = await open(path, 'a');
    this.bodiesSinceCompaction = 0;
  }
}
