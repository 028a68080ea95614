import { addValue, setField, toInteger, type EcsEvent } from './ecs.ts';
import { isIp } from './ip.ts';
import { describe } from './syslog-priority.ts';
import { MONTHS, civilToIso, parseClock } from './timestamps.ts';
import type { MessageOutcome } from './types.ts';

type Server = 'nginx' | 'apache';

class AccessLogError extends Error {}

/** Cursor over an access-log line; failures name the column and what the format expected there. */
class LineReader {
  i = 0;
  constructor(readonly text: string, readonly server: Server) {}

  fail(what: string): never {
    throw new AccessLogError(`${this.server}: expected ${what} at column ${this.i + 1}, found ${describe(this.text[this.i])}`);
  }

  word(what: string): string {
    const start = this.i;
    while (this.i < this.text.length && this.text[this.i] !== ' ') this.i++;
    if (this.i === start) this.fail(what);
    return this.text.slice(start, this.i);
  }

  space(after: string): void {
    if (this.text[this.i] !== ' ') this.fail(`a space after ${after}`);
    while (this.text[this.i] === ' ') this.i++;
  }

  /** `[10/Oct/2000:13:55:36 -0700]` */
  bracketedTime(): string {
    if (this.text[this.i] !== '[') this.fail(`'[' opening the time (e.g. [10/Oct/2000:13:55:36 -0700])`);
    const close = this.text.indexOf(']', this.i);
    const t = close > 0 ? this.text.slice(this.i + 1, close) : '';
    const day = toInteger(t.slice(0, 2));
    const month = MONTHS[t.slice(3, 6)];
    const year = toInteger(t.slice(7, 11));
    const clock = parseClock(t, 12);
    const zone = clock ? t.slice(clock.end + 1) : '';
    const zoneHours = toInteger(zone.slice(1, 3));
    const zoneMinutes = toInteger(zone.slice(3, 5));
    if (
      day === undefined || month === undefined || year === undefined || !clock || t[2] !== '/' || t[6] !== '/' ||
      t[11] !== ':' || (zone[0] !== '+' && zone[0] !== '-') || zone.length !== 5 ||
      zoneHours === undefined || zoneMinutes === undefined
    ) {
      this.i++;
      this.fail(`a time like 10/Oct/2000:13:55:36 -0700 inside [...]`);
    }
    const iso = civilToIso({
      year, month, day, hour: clock.hour, minute: clock.minute, second: clock.second, fraction: clock.fraction,
      offsetMinutes: (zone[0] === '+' ? 1 : -1) * (zoneHours * 60 + zoneMinutes),
    });
    if (!iso) this.fail(`a valid calendar time inside [...]`);
    this.i = close + 1;
    return iso;
  }

  /** A double-quoted field; `\"` and `\\` (Apache) are unescaped, nginx's `\x22` is kept as sent. */
  quoted(what: string): string {
    if (this.text[this.i] !== '"') this.fail(`'"' opening ${what}`);
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
      if (c === '\\' && (this.text[this.i + 1] === '"' || this.text[this.i + 1] === '\\')) {
        value += this.text.slice(runStart, this.i) + this.text[this.i + 1];
        this.i += 2;
        runStart = this.i;
        continue;
      }
      this.i++;
    }
    return this.fail(`'"' closing ${what}`);
  }

  atEnd(): boolean {
    return this.i >= this.text.length;
  }
}

function dash(value: string | undefined): string | undefined {
  return value === '-' ? undefined : value;
}

function setRequest(fields: EcsEvent, request: string, server: Server): void {
  const first = request.indexOf(' ');
  const last = request.lastIndexOf(' ');
  const version = last > first ? request.slice(last + 1) : '';
  if (first <= 0 || !version.startsWith('HTTP/')) {
    // Probes and TLS handshakes sent to a plain-HTTP port: keep the bytes, claim no method or URL.
    setField(fields, `${server}.access.request`, dash(request));
    return;
  }
  const url = request.slice(first + 1, last);
  setField(fields, 'http.request.method', request.slice(0, first));
  setField(fields, 'http.version', version.slice(5));
  setField(fields, 'url.original', url);
  let pathStart = 0;
  const scheme = url.indexOf('://');
  if (scheme > 0 && url[0] !== '/') {
    const hostEnd = url.indexOf('/', scheme + 3);
    setField(fields, 'url.scheme', url.slice(0, scheme));
    setField(fields, 'url.domain', url.slice(scheme + 3, hostEnd < 0 ? url.length : hostEnd));
    pathStart = hostEnd < 0 ? url.length : hostEnd;
  }
  const query = url.indexOf('?', pathStart);
  setField(fields, 'url.path', url.slice(pathStart, query < 0 ? url.length : query));
  if (query >= 0) setField(fields, 'url.query', url.slice(query + 1));
}

/**
 * Common and combined log formats (Apache `%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i"`,
 * nginx's default `combined`); extra quoted fields after the user agent are ignored.
 */
export function parseAccessLogLine(line: string, server: Server): MessageOutcome {
  const reader: LineReader = new LineReader(line.trimEnd(), server);
  try {
    const client = reader.word('the client address (%h / $remote_addr)');
    reader.space('the client address');
    const ident = reader.word(`the identity (%l, usually '-')`);
    reader.space('the identity');
    const user = reader.word(`the user (%u / $remote_user, '-' when none)`);
    reader.space('the user');
    const timestamp = reader.bracketedTime();
    reader.space('the time');
    const request = reader.quoted('the request line (%r)');
    reader.space('the request line');
    const statusText = reader.word('the status code (%>s)');
    const status = toInteger(statusText);
    if (status === undefined || status < 100 || status > 999) {
      reader.i -= statusText.length;
      reader.fail('a 3-digit status code');
    }
    reader.space('the status code');
    const bytesText = reader.word(`the response size (%b, '-' for none)`);
    const bytes = toInteger(bytesText);
    if (bytes === undefined && bytesText !== '-') {
      reader.i -= bytesText.length;
      reader.fail(`a response size in bytes or '-'`);
    }
    let referrer: string | undefined;
    let userAgent: string | undefined;
    if (!reader.atEnd()) {
      reader.space('the response size');
      referrer = reader.quoted('the referrer');
      reader.space('the referrer');
      userAgent = reader.quoted('the user agent');
    }

    const fields: EcsEvent = {};
    setField(fields, 'event.module', server);
    setField(fields, 'event.dataset', `${server}.access`);
    setField(fields, 'event.kind', 'event');
    setField(fields, 'event.category', ['web']);
    setField(fields, 'event.type', ['access']);
    setField(fields, 'event.outcome', status >= 400 ? 'failure' : 'success');
    setField(fields, '@timestamp', timestamp);
    if (isIp(client)) {
      setField(fields, 'source.ip', client);
      addValue(fields, 'related.ip', client);
    } else {
      setField(fields, 'source.domain', client);
    }
    setField(fields, 'source.address', client);
    setField(fields, `${server}.access.ident`, dash(ident));
    const userName = dash(user);
    setField(fields, 'user.name', userName);
    addValue(fields, 'related.user', userName);
    setRequest(fields, request, server);
    setField(fields, 'http.response.status_code', status);
    setField(fields, 'http.response.body.bytes', bytes);
    setField(fields, 'http.request.referrer', dash(referrer));
    setField(fields, 'user_agent.original', dash(userAgent));
    return { kind: 'parsed', fields };
  } catch (error) {
    if (error instanceof AccessLogError) return { kind: 'error', error: error.message };
    throw error;
  }
}
