import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import type { OutboundRecord } from '../delivery/outbound.ts';
import type { Output } from './output.ts';

export interface StdoutOutputOptions {
  events?: Writable;
  /** `stderr` (default), or a file path: dead letters are appended there as NDJSON. */
  deadLetters?: 'stderr' | { file: string } | Writable;
}

/** NDJSON of normalised events on stdout; dead letters as NDJSON on stderr or in a file. */
export class StdoutOutput implements Output {
  readonly name = 'stdout';
  private readonly events: Writable;
  private readonly deadLetters: Writable;
  private readonly ownsDeadLetters: boolean;

  constructor(options: StdoutOutputOptions = {}) {
    this.events = options.events ?? process.stdout;
    const dl = options.deadLetters ?? 'stderr';
    this.ownsDeadLetters = typeof dl === 'object' && 'file' in dl;
    this.deadLetters = dl === 'stderr' ? process.stderr : 'file' in dl ? createWriteStream(dl.file, { flags: 'a' }) : dl;
  }

  async start(): Promise<void> {}

  async send(batch: OutboundRecord[]): Promise<void> {
    let events = '';
    let dead = '';
    for (const record of batch) {
      if (record.kind === 'event') events += JSON.stringify(record.event) + '\n';
      else dead += JSON.stringify(record.letter) + '\n';
    }
    await Promise.all([write(this.events, events), write(this.deadLetters, dead)]);
  }

  async close(): Promise<void> {
    if (this.ownsDeadLetters) await new Promise<void>((resolve) => this.deadLetters.end(() => resolve()));
  }
}

/** Writes and waits for the stream to accept more (honours the stream's own backpressure). */
function write(stream: Writable, text: string): Promise<void> {
  if (text.length === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const ok = stream.write(text, (error) => (error ? reject(error) : undefined));
    if (ok) resolve();
    else stream.once('drain', resolve);
  });
}
