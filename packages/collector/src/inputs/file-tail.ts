import { errorMessage, type Logger } from '@socle/core';
import { open, stat, type FileHandle } from 'node:fs/promises';
import fg from 'fast-glob';
import type { RecordSink } from '../delivery/intake.ts';
import { Acknowledgement } from '../delivery/acknowledgement.ts';
import type { Input, InputBinding } from './input.ts';
import { FileCheckpoints, fileKey } from './file-checkpoints.ts';
import { LineSplitter } from './line-splitter.ts';

export interface FileTailOptions extends InputBinding {
  /** Glob patterns (fast-glob syntax), e.g. `/var/log/nginx/*.log`. */
  paths: string[];
  stateFile: string;
  pollIntervalMs: number;
  readChunkBytes: number;
  maxMessageBytes: number;
  /** Files found at the very first start, with no checkpoint: read them whole, or only what is appended later. */
  startAt: 'beginning' | 'end';
}

interface TailedFile {
  path: string;
  dev: number;
  ino: number;
  handle: FileHandle;
  /** Next byte to read. */
  readOffset: number;
  /** Offset at which the current splitter started. */
  splitterBase: number;
  splitter: LineSplitter;
  /** Scans since another file took this path (0: not rotated). Read to the end, then let go. */
  rotatedScans: number;
}

/**
 * Tails files matched by glob patterns. One read batch per file is in flight at a time, and its end offset is
 * checkpointed only after the output acknowledged every record of it; so a restart re-reads at most that one
 * batch (`readChunkBytes`) per file. Rotation (rename + new file) is seen as a new inode at the path: the old
 * file is read to its end first. Truncation is seen as a size below the read position: reading restarts at 0.
 */
export class FileTailInput implements Input {
  readonly name: string;
  private checkpoints!: FileCheckpoints;
  private readonly files = new Map<string, TailedFile>();
  private stopped = false;
  private firstScan = true;
  private loop: Promise<void> | undefined;
  private wakeLoop: (() => void) | undefined;
  private abandon!: () => void;
  /** Resolves in finish(): a batch still unacknowledged then is left uncommitted (it is re-read next start). */
  private readonly abandoned = new Promise<'abandoned'>((resolve) => (this.abandon = () => resolve('abandoned')));

  constructor(private readonly options: FileTailOptions, private readonly sink: RecordSink, private readonly logger?: Logger) {
    this.name = options.name;
  }

  async start(): Promise<void> {
    this.checkpoints = await FileCheckpoints.load(this.options.stateFile);
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeLoop?.();
  }

  /** After the buffer was flushed: commits the checkpoints of acknowledged batches and closes the files. */
  async finish(): Promise<void> {
    this.stopped = true;
    this.wakeLoop?.();
    this.abandon();
    if (!this.loop) return;
    await this.loop;
    await this.checkpoints.save();
    for (const file of this.files.values()) await file.handle.close().catch(() => undefined);
    this.files.clear();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.scan();
        for (const file of [...this.files.values()]) {
          if (this.stopped) break;
          await this.readAvailable(file);
        }
      } catch (error) {
        this.logger?.warn('file input: cannot read', { input: this.name, error: errorMessage(error) });
      }
      if (this.stopped) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.pollIntervalMs);
        this.wakeLoop = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeLoop = undefined;
    }
  }

  private async scan(): Promise<void> {
    const paths = await fg(this.options.paths, { absolute: true, onlyFiles: true, suppressErrors: true, followSymbolicLinks: true });
    const live = new Set<string>();
    for (const path of paths) {
      let info;
      try {
        info = await stat(path);
      } catch {
        continue; // vanished between glob and stat
      }
      const key = fileKey(info.dev, info.ino);
      live.add(key);
      const tracked = this.files.get(key);
      if (tracked) {
        if (info.size < tracked.readOffset) this.truncated(tracked);
        continue;
      }
      for (const other of this.files.values()) if (other.path === path && other.rotatedScans === 0) other.rotatedScans = 1;
      const saved = this.checkpoints.get(info.dev, info.ino);
      let offset = 0;
      if (saved) offset = saved.offset <= info.size ? saved.offset : 0;
      else if (this.firstScan && this.options.startAt === 'end') offset = info.size;
      const handle = await open(path, 'r');
      this.files.set(key, { path, dev: info.dev, ino: info.ino, handle, readOffset: offset, splitterBase: offset, splitter: new LineSplitter(this.options.maxMessageBytes), rotatedScans: 0 });
      this.checkpoints.record({ path, dev: info.dev, ino: info.ino, offset });
    }
    this.firstScan = false;
    for (const file of this.files.values()) {
      // Deleted, or renamed out of the patterns: read what is left, then let go of it like a rotated file.
      if (file.rotatedScans === 0 && !live.has(fileKey(file.dev, file.ino))) file.rotatedScans = 1;
      if (file.rotatedScans > 0) file.rotatedScans++;
    }
    // Rotated-away files no longer matched by the patterns stay tracked until read to the end.
    for (const file of this.files.values()) live.add(fileKey(file.dev, file.ino));
    this.checkpoints.retain(live);
    await this.checkpoints.save();
  }

  private truncated(file: TailedFile): void {
    this.logger?.info('file truncated; reading it again from the start', { input: this.name, path: file.path });
    file.readOffset = 0;
    file.splitterBase = 0;
    file.splitter = new LineSplitter(this.options.maxMessageBytes);
    this.checkpoints.record({ path: file.path, dev: file.dev, ino: file.ino, offset: 0 });
  }

  private async readAvailable(file: TailedFile): Promise<void> {
    const buffer = Buffer.alloc(this.options.readChunkBytes);
    let readSomething = false;
    while (!this.stopped) {
      if (this.sink.full) await this.sink.whenWritable();
      if (this.stopped) break;
      const { bytesRead } = await file.handle.read(buffer, 0, buffer.length, file.readOffset);
      if (bytesRead === 0) break;
      readSomething = true;
      file.readOffset += bytesRead;
      const lines = file.splitter.push(buffer.subarray(0, bytesRead));
      if (lines.length === 0) continue;
      const ack = new Acknowledgement();
      const ctx = { organization: this.options.organization, input: this.name, receivedAt: new Date().toISOString(), filePath: file.path, maxNestingDepth: this.options.maxNestingDepth };
      for (const line of lines) {
        if (line.error !== undefined) this.sink.reject(line.text, ctx, `${file.path}: ${line.error}`, ack);
        else if (line.text.length > 0) this.sink.push(this.options.format, line.text, ctx, ack);
      }
      if ((await Promise.race([ack.seal(), this.abandoned])) === 'abandoned') return;
      const committed = file.splitterBase + lines[lines.length - 1]!.end;
      this.checkpoints.record({ path: file.path, dev: file.dev, ino: file.ino, offset: committed });
      await this.checkpoints.save();
    }
    // The writer may still append to a renamed file until it reopens: let go only after a quiet scan.
    if (file.rotatedScans > 2 && !readSomething && !this.stopped) {
      // An unterminated last line of a rotated file is complete now.
      const rest = file.splitter.end();
      if (rest.length > 0) {
        const ack = new Acknowledgement();
        const ctx = { organization: this.options.organization, input: this.name, receivedAt: new Date().toISOString(), filePath: file.path, maxNestingDepth: this.options.maxNestingDepth };
        this.sink.push(this.options.format, rest[0]!.text, ctx, ack);
        if ((await Promise.race([ack.seal(), this.abandoned])) === 'abandoned') return;
        this.checkpoints.record({ path: file.path, dev: file.dev, ino: file.ino, offset: file.readOffset });
        await this.checkpoints.save();
      }
      this.files.delete(fileKey(file.dev, file.ino));
      await file.handle.close();
    }
  }
}
