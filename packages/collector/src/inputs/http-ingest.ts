import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { RecordSink } from '../delivery/intake.ts';
import type { CollectorMetrics } from '../metrics/collector-metrics.ts';
import type { Input } from './input.ts';
import { Acknowledgement } from '../delivery/acknowledgement.ts';
import { BearerTokens } from './http-tokens.ts';
import { LineSplitter } from './line-splitter.ts';
import { boundPort, closeServer, listenOn, type HostPort } from './listen-address.ts';

export interface HttpIngestOptions {
  name: string;
  format: string;
  listen: HostPort;
  tokens: { token: string; organization: string }[];
  maxBodyBytes: number;
  maxMessageBytes: number;
  /** Levels of objects and arrays a record's event may nest (default `DEFAULT_MAX_NESTING_DEPTH`). */
  maxNestingDepth?: number;
  /** Seconds announced in `Retry-After` when the buffer is full. */
  retryAfterSeconds: number;
}

/** How many per-line errors a 400 answer lists; the count covers all of them. */
const MAX_LISTED_ERRORS = 20;

/**
 * `POST /ingest`: an NDJSON body, one record per line, authorised by a per-organisation bearer token.
 * 401 without a known token, 413 over the body limit, 429 + Retry-After while the buffer is full,
 * 400 listing bad lines (the good lines of the same body are ingested; the bad ones go to the DLQ), else 200.
 */
export class HttpIngestInput implements Input {
  readonly name: string;
  private server: Server | undefined;
  private readonly tokens: BearerTokens;

  constructor(private readonly options: HttpIngestOptions, private readonly sink: RecordSink, private readonly metrics: CollectorMetrics) {
    this.name = options.name;
    this.tokens = new BearerTokens(options.tokens);
  }

  get port(): number {
    if (!this.server) throw new Error(`input ${this.name} is not started`);
    return boundPort(this.server);
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.requestTimeout = 60_000;
    // A server that failed to listen is closed by stop() like a running one.
    await listenOn(this.server, this.options.listen, `input ${this.name}`);
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    const server = this.server;
    const closed = closeServer(server);
    server.closeIdleConnections();
    // A request still waiting for its records to be delivered gets a few seconds, then is cut.
    const timer = setTimeout(() => server.closeAllConnections(), 5000);
    await closed;
    clearTimeout(timer);
  }

  private refuse(res: ServerResponse, status: number, reason: string, message: string, headers: Record<string, string> = {}): void {
    this.metrics.rejected.labels(this.name, reason).inc();
    res.writeHead(status, { 'content-type': 'application/json', connection: 'close', ...headers });
    res.end(JSON.stringify({ error: message }) + '\n');
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/ingest') return this.refuse(res, 404, 'not-found', 'not found: POST NDJSON to /ingest');
    if (req.method !== 'POST') return this.refuse(res, 405, 'method', 'method not allowed: use POST', { allow: 'POST' });
    const organization = this.tokens.organizationFor(req.headers.authorization);
    if (organization === undefined) {
      req.resume();
      return this.refuse(res, 401, 'unauthorized', 'missing or unknown bearer token', { 'www-authenticate': 'Bearer' });
    }
    if (this.sink.full) {
      req.resume();
      return this.refuse(res, 429, 'backpressure', 'collector buffer is full; retry later', { 'retry-after': String(this.options.retryAfterSeconds) });
    }
    const { maxBodyBytes } = this.options;
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBodyBytes) {
      req.resume();
      return this.refuse(res, 413, 'too-large', `body of ${declared} bytes exceeds the limit of ${maxBodyBytes} bytes`);
    }
    const chunks: Buffer[] = [];
    let received = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      received += chunk.length;
      if (received > maxBodyBytes) {
        tooLarge = true;
        chunks.length = 0;
        this.refuse(res, 413, 'too-large', `body exceeds the limit of ${maxBodyBytes} bytes`);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!tooLarge) void this.ingest(Buffer.concat(chunks), organization, req.socket.remoteAddress, res);
    });
    req.on('error', () => res.destroy());
  }

  /** Answers once every line of the body is delivered to the output (or spooled), so 200 means durable. */
  private async ingest(body: Buffer, organization: string, peer: string | undefined, res: ServerResponse): Promise<void> {
    const ack = new Acknowledgement();
    const splitter = new LineSplitter(this.options.maxMessageBytes);
    const lines = [...splitter.push(body), ...splitter.end()];
    const ctx = { organization, input: this.name, receivedAt: new Date().toISOString(), peer, maxNestingDepth: this.options.maxNestingDepth };
    const errors: { line: number; error: string }[] = [];
    let accepted = 0;
    let rejected = 0;
    lines.forEach((line, index) => {
      if (line.error === undefined && line.text.trim() === '') return;
      const error = line.error !== undefined ? (this.sink.reject(line.text, ctx, line.error, ack), line.error) : this.sink.push(this.options.format, line.text, ctx, ack);
      if (error === undefined) {
        accepted++;
        return;
      }
      rejected++;
      if (errors.length < MAX_LISTED_ERRORS) errors.push({ line: index + 1, error });
    });
    await ack.seal();
    const status = rejected > 0 ? 400 : 200;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(rejected > 0 ? { accepted, rejected, errors } : { accepted }) + '\n');
  }
}
