/**
 * Splits a syslog byte stream into messages, per RFC 6587: octet counting (`LEN SP MSG`) or non-transparent
 * framing (messages ended by LF). The method is detected from the first byte of the connection: a digit means
 * octet counting (a syslog message itself starts with `<`).
 */
export type FramedItem = { message: string } | { error: string; raw: string };

type Mode = 'detect' | 'octet' | 'newline';

const LF = 0x0a;
const SPACE = 0x20;
const CR = 0x0d;

export class SyslogFramer {
  private mode: Mode = 'detect';
  private pending: Buffer = Buffer.alloc(0);
  /** Bytes still to throw away from an oversized frame. */
  private skipping = 0;
  private skippingLine = false;

  constructor(private readonly maxMessageBytes: number) {}

  get framing(): 'octet-counting' | 'newline' | 'unknown' {
    return this.mode === 'octet' ? 'octet-counting' : this.mode === 'newline' ? 'newline' : 'unknown';
  }

  push(chunk: Buffer): FramedItem[] {
    const out: FramedItem[] = [];
    let data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = Buffer.alloc(0);
    if (this.skipping > 0) {
      const n = Math.min(this.skipping, data.length);
      this.skipping -= n;
      data = data.subarray(n);
    }
    if (this.mode === 'detect' && data.length > 0) this.mode = data[0]! >= 0x30 && data[0]! <= 0x39 ? 'octet' : 'newline';
    if (this.mode === 'octet') this.pending = this.octetFrames(data, out);
    else if (this.mode === 'newline') this.pending = this.lineFrames(data, out);
    return out;
  }

  /** End of stream: a trailing message without its terminator still counts (newline framing only). */
  end(): FramedItem[] {
    const rest = this.pending;
    this.pending = Buffer.alloc(0);
    if (rest.length === 0 || this.skippingLine) return [];
    if (this.mode === 'newline') return [{ message: stripCR(rest).toString('utf8') }];
    return [{ error: `connection closed inside an octet-counted frame (${rest.length} bytes unread)`, raw: rest.toString('utf8') }];
  }

  private octetFrames(data: Buffer, out: FramedItem[]): Buffer {
    let pos = 0;
    for (;;) {
      // Some senders add a newline after each counted frame.
      while (pos < data.length && (data[pos] === LF || data[pos] === CR)) pos++;
      if (pos >= data.length) break;
      const space = data.indexOf(SPACE, pos);
      if (space === -1) {
        if (data.length - pos > 10) return this.badLength(data.subarray(pos), out);
        return data.subarray(pos);
      }
      const lengthText = data.toString('latin1', pos, space);
      if (!/^[1-9]\d{0,9}$/.test(lengthText)) return this.badLength(data.subarray(pos), out);
      const length = Number(lengthText);
      const start = space + 1;
      if (length > this.maxMessageBytes) {
        const available = Math.min(length, data.length - start);
        out.push({ error: `octet-counted frame of ${length} bytes exceeds the maximum message size of ${this.maxMessageBytes} bytes`, raw: data.toString('utf8', start, start + Math.min(available, 1024)) });
        this.skipping = length - available;
        pos = start + available;
        continue;
      }
      if (data.length - start < length) return data.subarray(pos);
      out.push({ message: data.toString('utf8', start, start + length).replace(/\r?\n$/, '') });
      pos = start + length;
    }
    return Buffer.alloc(0);
  }

  /** The octet count is garbage: we cannot resynchronise, so fall back to newline framing for the rest. */
  private badLength(rest: Buffer, out: FramedItem[]): Buffer {
    this.mode = 'newline';
    out.push({ error: `invalid octet-counting frame header "${rest.toString('latin1', 0, 12)}"; switching this connection to newline framing`, raw: '' });
    return this.lineFrames(rest, out);
  }

  private lineFrames(data: Buffer, out: FramedItem[]): Buffer {
    let pos = 0;
    for (;;) {
      const lf = data.indexOf(LF, pos);
      if (lf === -1) break;
      if (this.skippingLine) {
        this.skippingLine = false;
      } else if (lf - pos > this.maxMessageBytes) {
        out.push(this.oversizeLine(data.subarray(pos, lf)));
      } else if (lf > pos) {
        const line = stripCR(data.subarray(pos, lf));
        if (line.length > 0) out.push({ message: line.toString('utf8') });
      }
      pos = lf + 1;
    }
    const rest = data.subarray(pos);
    if (this.skippingLine) return Buffer.alloc(0);
    if (rest.length > this.maxMessageBytes) {
      out.push(this.oversizeLine(rest));
      this.skippingLine = true;
      return Buffer.alloc(0);
    }
    return Buffer.from(rest);
  }

  private oversizeLine(line: Buffer): FramedItem {
    return { error: `message exceeds the maximum message size of ${this.maxMessageBytes} bytes`, raw: line.toString('utf8', 0, 1024) };
  }
}

function stripCR(line: Buffer): Buffer {
  return line.length > 0 && line[line.length - 1] === CR ? line.subarray(0, line.length - 1) : line;
}
