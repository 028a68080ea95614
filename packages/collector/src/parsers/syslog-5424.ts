import type { SyslogHeader } from './syslog-header.ts';
import { describe, readPriority } from './syslog-priority.ts';
import { rfc3339ToIso } from './timestamps.ts';

const FORMAT = 'syslog-5424';

type StructuredData = Record<string, Record<string, string | string[]>>;

class SyntaxError5424 extends Error {}

function fail(message: string, index: number): never {
  throw new SyntaxError5424(`${FORMAT}: ${message} at column ${index + 1}`);
}

/** Cursor over one message; every read names what it expected and where. */
class Cursor {
  constructor(readonly text: string, public i: number) {}

  space(after: string): void {
    if (this.text[this.i] !== ' ') fail(`expected a space after ${after}, found ${describe(this.text[this.i])}`, this.i);
    this.i++;
  }

  /** A header field: printable US-ASCII up to the next space, or NILVALUE `-` (returned as undefined). */
  field(name: string, maxLength: number): string | undefined {
    const start = this.i;
    while (this.i < this.text.length) {
      const c = this.text.charCodeAt(this.i);
      if (c === 32) break;
      if (c < 33 || c > 126) fail(`expected printable US-ASCII in ${name}, found ${describe(this.text[this.i])}`, this.i);
      this.i++;
    }
    if (this.i === start) fail(`expected ${name} or '-', found ${describe(this.text[this.i])}`, start);
    const value = this.text.slice(start, this.i);
    if (value.length > maxLength) fail(`${name} is ${value.length} characters long, the maximum is ${maxLength}`, start);
    return value === '-' ? undefined : value;
  }

  /** SD-NAME: 1*32 printable US-ASCII except `=`, space, `]` and `"`. */
  sdName(what: string): string {
    const start = this.i;
    while (this.i < this.text.length) {
      const c = this.text.charCodeAt(this.i);
      if (c < 33 || c > 126 || c === 61 || c === 93 || c === 34) break;
      this.i++;
    }
    if (this.i === start) fail(`expected ${what}, found ${describe(this.text[this.i])}`, start);
    if (this.i - start > 32) fail(`${what} is longer than 32 characters`, start);
    return this.text.slice(start, this.i);
  }

  /** PARAM-VALUE between quotes; `\"`, `\\` and `\]` are unescaped, any other backslash is kept as sent. */
  quoted(paramName: string): string {
    if (this.text[this.i] !== '"') fail(`expected '"' opening the value of ${paramName}, found ${describe(this.text[this.i])}`, this.i);
    this.i++;
    let value = '';
    let runStart = this.i;
    while (this.i < this.text.length) {
      const c = this.text[this.i];
      if (c === '"') {
        value += this.text.slice(runStart, this.i);
        this.i++;
        return value;
      }
      if (c === '\\') {
        const next = this.text[this.i + 1];
        if (next === '"' || next === '\\' || next === ']') {
          value += this.text.slice(runStart, this.i) + next;
          this.i += 2;
          runStart = this.i;
          continue;
        }
      }
      this.i++;
    }
    return fail(`expected '"' closing the value of ${paramName}, found end of input`, this.i);
  }
}

function addParam(element: Record<string, string | string[]>, name: string, value: string): void {
  if (!Object.prototype.hasOwnProperty.call(element, name)) {
    Object.defineProperty(element, name, { value, writable: true, enumerable: true, configurable: true });
    return;
  }
  const existing = element[name];
  element[name] = Array.isArray(existing) ? [...existing, value] : [existing, value];
}

function readStructuredData(cursor: Cursor): StructuredData | undefined {
  if (cursor.text[cursor.i] === '-') {
    cursor.i++;
    return undefined;
  }
  if (cursor.text[cursor.i] !== '[') {
    fail(`expected STRUCTURED-DATA '[' or '-', found ${describe(cursor.text[cursor.i])}`, cursor.i);
  }
  const data: StructuredData = {};
  while (cursor.text[cursor.i] === '[') {
    cursor.i++;
    const id = cursor.sdName('an SD-ID after \'[\'');
    if (Object.prototype.hasOwnProperty.call(data, id)) fail(`SD-ID '${id}' appears twice (RFC 5424 6.3.2)`, cursor.i - id.length);
    const element: Record<string, string | string[]> = {};
    Object.defineProperty(data, id, { value: element, writable: true, enumerable: true, configurable: true });
    while (cursor.text[cursor.i] === ' ') {
      cursor.i++;
      const name = cursor.sdName(`a PARAM-NAME in [${id}]`);
      if (cursor.text[cursor.i] !== '=') fail(`expected '=' after PARAM-NAME '${name}' in [${id}], found ${describe(cursor.text[cursor.i])}`, cursor.i);
      cursor.i++;
      addParam(element, name, cursor.quoted(`${id} ${name}`));
    }
    if (cursor.text[cursor.i] !== ']') fail(`expected ']' or ' ' in [${id}], found ${describe(cursor.text[cursor.i])}`, cursor.i);
    cursor.i++;
  }
  return data;
}

/**
 * RFC 5424: `<PRI>VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP STRUCTURED-DATA [SP MSG]`.
 */
export function parseRfc5424(raw: string): SyslogHeader | { error: string } {
  const pri = readPriority(raw, FORMAT);
  if ('error' in pri) return pri;
  const cursor = new Cursor(raw, pri.end);
  try {
    const versionText = cursor.field('VERSION', 3);
    const version = Number(versionText);
    if (versionText === undefined || !Number.isInteger(version) || version < 1 || versionText[0] === '0') {
      fail(`expected VERSION (a number from 1, e.g. '1'), found '${versionText ?? '-'}'`, pri.end);
    }
    cursor.space('VERSION');
    const timestampStart = cursor.i;
    const timestampText = cursor.field('TIMESTAMP', 40);
    let timestamp: string | undefined;
    if (timestampText !== undefined) {
      timestamp = rfc3339ToIso(timestampText);
      if (!timestamp) fail(`expected TIMESTAMP as RFC 3339 (e.g. 2003-10-11T22:14:15.003Z), found '${timestampText}'`, timestampStart);
    }
    cursor.space('TIMESTAMP');
    const hostname = cursor.field('HOSTNAME', 255);
    cursor.space('HOSTNAME');
    const appName = cursor.field('APP-NAME', 48);
    cursor.space('APP-NAME');
    const procId = cursor.field('PROCID', 128);
    cursor.space('PROCID');
    const msgId = cursor.field('MSGID', 32);
    cursor.space('MSGID');
    const structuredData = readStructuredData(cursor);
    let message = '';
    if (cursor.i < raw.length) {
      cursor.space('STRUCTURED-DATA');
      message = raw.slice(cursor.i);
      if (message.charCodeAt(0) === 0xfeff) message = message.slice(1);
    }
    return { priority: pri.priority, version, timestamp, hostname, appName, procId, msgId, structuredData, message };
  } catch (error) {
    if (error instanceof SyntaxError5424) return { error: error.message };
    throw error;
  }
}
