import type { Readable } from 'node:stream';
import type { RecordSink } from '../delivery/intake.ts';
import type { Input, InputBinding } from './input.ts';
import { LineSplitter } from './line-splitter.ts';

export interface StdinOptions extends InputBinding {
  maxMessageBytes: number;
}

/** Reads records line by line from a stream (process.stdin by default) until EOF. */
export class StdinInput implements Input {
  readonly name: string;
  readonly ended: Promise<void>;
  private markEnded!: () => void;
  private stopped = false;

  constructor(
    private readonly options: StdinOptions,
    private readonly sink: RecordSink,
    private readonly stream: Readable = process.stdin,
  ) {
    this.name = options.name;
    this.ended = new Promise((resolve) => (this.markEnded = resolve));
  }

  async start(): Promise<void> {
    const { organization, format, maxMessageBytes, maxNestingDepth } = this.options;
    const splitter = new LineSplitter(maxMessageBytes);
    const ctx = () => ({ organization, input: this.name, receivedAt: new Date().toISOString(), maxNestingDepth });
    const deliver = (lines: ReturnType<LineSplitter['push']>): void => {
      for (const line of lines) {
        if (line.error !== undefined) this.sink.reject(line.text, ctx(), line.error);
        else if (line.text.length > 0) this.sink.push(format, line.text, ctx());
      }
    };
    this.stream.on('data', (chunk: Buffer | string) => {
      deliver(splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
      if (this.sink.full && !this.stopped) {
        this.stream.pause();
        void this.sink.whenWritable().then(() => {
          if (!this.stopped) this.stream.resume();
        });
      }
    });
    this.stream.on('end', () => {
      deliver(splitter.end());
      this.markEnded();
    });
    this.stream.on('error', () => this.markEnded());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stream.pause();
    this.markEnded();
  }
}
