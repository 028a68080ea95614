import { errorMessage } from '@socle/core';
import { mkdir, open, readdir, readFile, rename, rm, stat, truncate, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { StoredRecord } from '../delivery/outbound.ts';

/** A place in the spool: segment number and byte offset inside it. */
export interface SpoolPosition {
  segment: number;
  offset: number;
}

export interface DiskSpoolOptions {
  /** A segment is closed and a new one started once it reaches this size. */
  maxSegmentBytes: number;
  /** Most bytes read from a segment at once when replaying. */
  readChunkBytes?: number;
}

const SEGMENT = /^segment-(\d{12})\.ndjson$/;
const segmentName = (n: number): string => `segment-${String(n).padStart(12, '0')}.ndjson`;
const CHECKPOINT = 'checkpoint.json';

/**
 * Append-only segment files of NDJSON records, fsync'd on every append, plus a checkpoint of the replay
 * position (written to a temporary file, fsync'd, then renamed). Consumed segments are deleted.
 * A record torn by a crash mid-append (no trailing newline) is cut off on open: it was never acknowledged.
 */
export class DiskSpool {
  private writer!: FileHandle;
  private writeSegment = 0;
  private readonly sizes = new Map<number, number>();
  private committedAt: SpoolPosition = { segment: 0, offset: 0 };

  private constructor(readonly dir: string, private readonly options: DiskSpoolOptions) {}

  static async open(dir: string, options: DiskSpoolOptions): Promise<DiskSpool> {
    const spool = new DiskSpool(dir, options);
    await spool.load();
    return spool;
  }

  get committed(): SpoolPosition {
    return { ...this.committedAt };
  }

  /** Bytes appended but not yet committed as replayed. */
  get pendingBytes(): number {
    let total = 0;
    for (const [segment, size] of this.sizes) {
      if (segment > this.committedAt.segment) total += size;
      else if (segment === this.committedAt.segment) total += size - this.committedAt.offset;
    }
    return total;
  }

  get isEmpty(): boolean {
    return this.pendingBytes === 0;
  }

  async append(records: StoredRecord[]): Promise<void> {
    if (records.length === 0) return;
    let text = '';
    for (const record of records) text += JSON.stringify(record) + '\n';
    const bytes = Buffer.from(text, 'utf8');
    if ((this.sizes.get(this.writeSegment) ?? 0) >= this.options.maxSegmentBytes) await this.roll();
    await this.writer.write(bytes, 0, bytes.length);
    await this.writer.sync();
    this.sizes.set(this.writeSegment, (this.sizes.get(this.writeSegment) ?? 0) + bytes.length);
  }

  /** Reads up to `max` records after `from`; `next` is where the following read starts (and what to commit). */
  async read(from: SpoolPosition, max: number): Promise<{ records: StoredRecord[]; next: SpoolPosition }> {
    const records: StoredRecord[] = [];
    let pos = { ...from };
    const chunkBytes = this.options.readChunkBytes ?? 1 << 20;
    while (records.length < max) {
      const size = this.sizes.get(pos.segment);
      if (size === undefined || pos.offset >= size) {
        const later = [...this.sizes.keys()].filter((s) => s > pos.segment).sort((a, b) => a - b)[0];
        if (later === undefined) break;
        pos = { segment: later, offset: 0 };
        continue;
      }
      const handle = await open(join(this.dir, segmentName(pos.segment)), 'r');
      try {
        const length = Math.min(chunkBytes, size - pos.offset);
        const buffer = Buffer.alloc(length);
        const { bytesRead } = await handle.read(buffer, 0, length, pos.offset);
        let start = 0;
        while (records.length < max) {
          const lf = buffer.indexOf(0x0a, start);
          if (lf === -1 || lf >= bytesRead) break;
          const line = buffer.toString('utf8', start, lf);
          records.push(parseStored(line, this.dir, pos.segment, pos.offset + start));
          start = lf + 1;
        }
        if (start === 0) throw new Error(`spool ${join(this.dir, segmentName(pos.segment))}: record at offset ${pos.offset} is larger than ${chunkBytes} bytes`);
        pos = { segment: pos.segment, offset: pos.offset + start };
      } finally {
        await handle.close();
      }
    }
    return { records, next: pos };
  }

  /** Records up to `position` are delivered: persist that, and delete fully consumed segments. */
  async commit(position: SpoolPosition): Promise<void> {
    const tmp = join(this.dir, `${CHECKPOINT}.tmp`);
    const handle = await open(tmp, 'w');
    try {
      await handle.writeFile(JSON.stringify(position));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, join(this.dir, CHECKPOINT));
    this.committedAt = { ...position };
    for (const segment of [...this.sizes.keys()]) {
      if (segment < position.segment && segment !== this.writeSegment) {
        await rm(join(this.dir, segmentName(segment)), { force: true });
        this.sizes.delete(segment);
      }
    }
  }

  async close(): Promise<void> {
    await this.writer.close();
  }

  private async load(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const names = await readdir(this.dir);
    const segments = names.map((n) => SEGMENT.exec(n)).filter((m) => m !== null).map((m) => Number(m[1])).sort((a, b) => a - b);
    this.committedAt = await this.readCheckpoint();
    for (const segment of segments) {
      const path = join(this.dir, segmentName(segment));
      if (segment < this.committedAt.segment) {
        await rm(path, { force: true });
        continue;
      }
      this.sizes.set(segment, (await stat(path)).size);
    }
    const last = [...this.sizes.keys()].pop();
    if (last === undefined) {
      this.writeSegment = Math.max(1, this.committedAt.segment);
      if (this.committedAt.segment !== this.writeSegment) this.committedAt = { segment: this.writeSegment, offset: 0 };
      this.sizes.set(this.writeSegment, 0);
    } else {
      this.writeSegment = last;
      await this.cutTornRecord(last);
    }
    if (!this.sizes.has(this.committedAt.segment)) this.committedAt = { segment: Math.min(...this.sizes.keys()), offset: 0 };
    this.writer = await open(join(this.dir, segmentName(this.writeSegment)), 'a');
  }

  private async readCheckpoint(): Promise<SpoolPosition> {
    let text: string;
    try {
      text = await readFile(join(this.dir, CHECKPOINT), 'utf8');
    } catch {
      return { segment: 0, offset: 0 };
    }
    const value = JSON.parse(text) as Partial<SpoolPosition>;
    if (!Number.isInteger(value.segment) || !Number.isInteger(value.offset)) {
      throw new Error(`spool checkpoint ${join(this.dir, CHECKPOINT)} is not {segment, offset}: ${text.slice(0, 100)}`);
    }
    return { segment: value.segment!, offset: value.offset! };
  }

  private async cutTornRecord(segment: number): Promise<void> {
    const path = join(this.dir, segmentName(segment));
    const size = this.sizes.get(segment) ?? 0;
    if (size === 0) return;
    const content = await readFile(path);
    const end = content.lastIndexOf(0x0a) + 1;
    if (end < size) {
      await truncate(path, end);
      this.sizes.set(segment, end);
    }
  }

  private async roll(): Promise<void> {
    await this.writer.close();
    this.writeSegment += 1;
    this.writer = await open(join(this.dir, segmentName(this.writeSegment)), 'a');
    this.sizes.set(this.writeSegment, 0);
  }
}

function parseStored(line: string, dir: string, segment: number, offset: number): StoredRecord {
  try {
    return JSON.parse(line) as StoredRecord;
  } catch (error) {
    throw new Error(`spool ${join(dir, segmentName(segment))} offset ${offset}: unreadable record (${errorMessage(error)})`);
  }
}
