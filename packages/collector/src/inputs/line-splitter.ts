/** Splits a byte stream into lines (LF, optional CR), refusing lines longer than a maximum. */
export interface Line {
  text: string;
  /** Set when the line was too long: `text` then holds its first KiB. */
  error?: string;
  /** Byte offset just after this line's terminator, counted from the first byte pushed. */
  end: number;
}

const LF = 0x0a;

export class LineSplitter {
  private pending: Buffer = Buffer.alloc(0);
  private consumed = 0;
  private skipping = false;

  constructor(private readonly maxLineBytes: number) {}

  /** Bytes held back as an incomplete last line. */
  get pendingBytes(): number {
    return this.pending.length;
  }

  push(chunk: Buffer): Line[] {
    const data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    const base = this.consumed;
    const lines: Line[] = [];
    let pos = 0;
    for (;;) {
      const lf = data.indexOf(LF, pos);
      if (lf === -1) break;
      if (this.skipping) {
        this.skipping = false;
      } else if (lf - pos > this.maxLineBytes) {
        lines.push(this.oversize(data.subarray(pos, lf), base + lf + 1));
      } else {
        const stop = lf > pos && data[lf - 1] === 0x0d ? lf - 1 : lf;
        lines.push({ text: data.toString('utf8', pos, stop), end: base + lf + 1 });
      }
      pos = lf + 1;
    }
    this.consumed = base + pos;
    const rest = data.subarray(pos);
    if (this.skipping || rest.length > this.maxLineBytes) {
      if (!this.skipping) lines.push(this.oversize(rest, base + data.length));
      this.skipping = true;
      this.consumed = base + data.length;
      this.pending = Buffer.alloc(0);
    } else {
      this.pending = Buffer.from(rest);
    }
    return lines;
  }

  /** End of input: an unterminated last line still counts. */
  end(): Line[] {
    const rest = this.pending;
    this.pending = Buffer.alloc(0);
    if (rest.length === 0 || this.skipping) return [];
    this.consumed += rest.length;
    return [{ text: rest.toString('utf8').replace(/\r$/, ''), end: this.consumed }];
  }

  private oversize(line: Buffer, end: number): Line {
    return { text: line.toString('utf8', 0, 1024), error: `line exceeds the maximum message size of ${this.maxLineBytes} bytes`, end };
  }
}
