import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { TextDecoder } from 'node:util';
import type { DeadLetter, DeadLetterSink } from './dead-letter.ts';

// ignoreBOM keeps a leading byte order mark in the text: `raw` must be the record's bytes, BOM included.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** One line of a dead-letter file. `raw` when the bytes are UTF-8 text, else `rawBase64`. */
export interface DeadLetterLine {
  at: string;
  stage: string;
  reason: string;
  error: string;
  ref: string;
  origin: DeadLetter['raw']['origin'];
  raw?: string;
  rawBase64?: string;
}

export function deadLetterLine(l: DeadLetter): DeadLetterLine {
  const line: DeadLetterLine = { at: l.at, stage: l.stage, reason: l.reason, error: l.message, ref: l.ref, origin: l.raw.origin };
  const value = l.raw.value;
  if (value) {
    try {
      line.raw = strictUtf8.decode(value);
    } catch {
      line.rawBase64 = Buffer.from(value).toString('base64');
    }
  }
  return line;
}

/**
 * The dead-letter file of `socle run`: NDJSON, one `DeadLetterLine` per record, appended and synced to disk
 * before `write` resolves (the records are acknowledged to their inputs only after).
 */
export class FileDeadLetterSink implements DeadLetterSink {
  private handle?: FileHandle;

  constructor(readonly file: string) {}

  async write(letters: DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    if (!this.handle) {
      await mkdir(dirname(this.file), { recursive: true });
      this.handle = await open(this.file, 'a', 0o600);
    }
    await this.handle.appendFile(letters.map((l) => `${JSON.stringify(deadLetterLine(l))}\n`).join(''));
    await this.handle.sync();
  }

  async close(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
  }
}
