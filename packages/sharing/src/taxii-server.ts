/**
 * A TAXII 2.1 server over node:http: discovery (`/taxii2/`), one API root, its collections, their objects
 * (`GET/POST {root}/collections/{id}/objects/`, `.../objects/{object-id}/`, `.../objects/{object-id}/versions/`) and
 * manifest (`.../manifest/`) with pagination (`limit`, `next`; `X-TAXII-Date-Added-First/Last`), `added_after`,
 * `match[id]`, `match[type]`, `match[version]=all`, and `GET {root}/status/{id}/`.
 *
 * Access follows taxii-access.ts: collections by the principal's organisations, each object by its organisation and
 * TLP level; what a principal may not read is answered 404, as if absent. A POST is stored for one organisation of the
 * collection (the signed `Socle-Destination-Organization`); with `trustedKeys` its Socle signature must cover this
 * collection and that organisation, so a bundle replayed elsewhere is refused. A status is readable by its writer only.
 *
 * Every request, refusals included, is written to the access audit log before it is answered; when that write fails
 * the answer to a layer-3 (auditor) principal is a 503 instead. No request, however malformed, throws out of the
 * handler: a bad target is a 400, a parser error (NUL, bad header) a 400 from `clientError`.
 */
import { createLogger, type Logger } from '@socle/core';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { isAuthError, redactTarget, type AuthError, type MemoryAccessAuditLog, type Principal } from '@socle/api';
import {
  BUNDLE_ID_HEADER,
  DESTINATION_COLLECTION_HEADER,
  DESTINATION_ORGANIZATION_HEADER,
  SIGNATURE_HEADER,
  SIGNATURE_KEY_ID_HEADER,
  verifyBundle,
  type Destination,
  type StixBundle,
} from './signed-bundle.ts';
import { canReadCollection, canSeeObject, canWriteCollection, tlpOfObject, type RedRecipients } from './taxii-access.ts';
import { TaxiiCollectionStore, type NewObject, type StoredObject } from './taxii-collection-store.ts';
import { parseRequestTarget, type RequestTarget } from './taxii-request-target.ts';
import { TAXII_MEDIA_TYPE } from './upstream-endpoint.ts';

export interface TaxiiCollectionConfig {
  id: string;
  title: string;
  description?: string;
  /** Organisations whose shared data this collection holds; a principal is granted it through them. */
  organizations: string[];
}

/** The access audit log of @socle/api (`FileAccessAuditLog` in a service). */
export type TaxiiAuditLog = Pick<MemoryAccessAuditLog, 'record'>;
export type TaxiiAuditEntry = Parameters<TaxiiAuditLog['record']>[0];

export interface TaxiiServerOptions {
  title: string;
  /** Path segment of the single API root, e.g. `socle` for `/socle/`. */
  apiRoot: string;
  collections: TaxiiCollectionConfig[];
  authenticate: (authorizationHeader: string | undefined) => Principal | AuthError;
  /** Every request is recorded here before it is answered. */
  audit: TaxiiAuditLog;
  /** keyId -> Ed25519 public key (PEM). When set, unsigned or badly signed POSTs are refused with 403. */
  trustedKeys?: Record<string, string>;
  /** Token ids that may read TLP:RED objects, by organisation. */
  redRecipients?: RedRecipients;
  now?: () => number;
  /** Largest page; also the default `limit`. */
  maxPageSize?: number;
  maxContentLength?: number;
  /** Operational messages (audit failures, internal errors); defaults to text on stderr. */
  logger?: Logger;
}

interface StatusResource {
  id: string;
  status: 'complete';
  request_timestamp: string;
  total_count: number;
  success_count: number;
  successes: { id: string; version: string; message?: string }[];
  failure_count: number;
  failures: { id: string; version?: string; message: string }[];
  pending_count: 0;
}

interface Reply {
  code: number;
  body: unknown;
  headers?: Record<string, string>;
  /** How many objects (or collections, versions, manifest entries) the answer carries, for the audit trail. */
  count?: number;
  /** Why a request was refused, for the audit trail only. */
  reason?: string;
}

class TaxiiError extends Error {
  constructor(readonly status: number, readonly title: string, description: string, readonly reason?: string) {
    super(description);
  }
}

const MAX_STATUSES = 10_000;

const notFound = (what: string, reason?: string) => new TaxiiError(404, 'Not Found', what, reason);

export class TaxiiServer {
  readonly store: TaxiiCollectionStore;
  private server: Server | undefined;
  private readonly statuses = new Map<string, { resource: StatusResource; tokenId: string }>();
  private readonly bundleDeliveries = new Map<string, number>();
  private readonly now: () => number;
  private readonly maxPageSize: number;
  private readonly maxContentLength: number;
  private readonly logger: Logger;

  constructor(private readonly options: TaxiiServerOptions) {
    this.now = options.now ?? Date.now;
    this.store = new TaxiiCollectionStore(this.now);
    this.maxPageSize = options.maxPageSize ?? 100;
    this.maxContentLength = options.maxContentLength ?? 10 * 1024 * 1024;
    this.logger = options.logger ?? createLogger({ format: 'text', prefix: 'taxii: ', write: (line) => process.stderr.write(line) });
    const ids = new Set<string>();
    for (const c of options.collections) {
      if (ids.has(c.id)) throw new Error(`taxii collections: '${c.id}' is listed twice`);
      ids.add(c.id);
    }
  }

  /** How many accepted POSTs carried each `Socle-Bundle-Id`. */
  deliveriesByBundle(): Record<string, number> {
    return Object.fromEntries(this.bundleDeliveries);
  }

  /**
   * Stores a bundle this Socle shared itself (no HTTP, no signature: it comes from the sharing policies); objects
   * without a TLP marking are skipped. Returns how many objects were new.
   */
  publish(bundle: StixBundle, destination: Destination): number {
    const collection = this.options.collections.find((c) => c.id === destination.collection);
    if (!collection || !collection.organizations.includes(destination.organization)) {
      throw new Error(`taxii: no collection ${destination.collection} holding organisation ${destination.organization}`);
    }
    const { valid } = validateObjects(bundle.objects);
    return this.store.add(collection.id, destination.organization, valid).filter((r) => r.added).length;
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<{ port: number; url: string }> {
    // The Host check is done in `handle`, so that its refusal is audited like any other.
    const server = createServer({ requireHostHeader: false }, (req, res) => {
      this.handle(req, res).catch((err: unknown) => this.lastResort(res, err));
    });
    server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => void this.clientError(err, socket));
    // Without a listener node:http drops CONNECT and upgrade requests with no answer at all.
    const refuseTunnel = (_req: IncomingMessage, socket: Socket) => void this.clientError(Object.assign(new Error('tunnel'), { code: 'TAXII_TUNNEL' }), socket);
    server.on('connect', refuseTunnel);
    server.on('upgrade', refuseTunnel);
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const address = server.address() as AddressInfo;
    const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return { port: address.port, url: `http://${shown}:${address.port}` };
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    // As the alert API records it: a token pasted into the URL never reaches the audit trail or the logs.
    const target = redactTarget((req.url ?? '').slice(0, 2048));
    let principal: Principal | undefined;
    let reply: Reply;
    try {
      const auth = this.options.authenticate(singleHeader(req, 'authorization'));
      if (isAuthError(auth)) throw new TaxiiError(401, 'Unauthorized', 'a valid bearer token is required', `unauthenticated: ${auth.reason}`);
      principal = auth;
      if (req.httpVersion === '1.1' && !singleHeader(req, 'host')) throw new TaxiiError(400, 'Bad Request', 'an HTTP/1.1 request needs one Host header');
      if (!acceptsTaxii(singleHeader(req, 'accept'))) throw new TaxiiError(406, 'Not Acceptable', `the Accept header must allow ${TAXII_MEDIA_TYPE}`);
      const parsed = parseRequestTarget(req.url);
      if ('problem' in parsed) throw new TaxiiError(400, 'Bad Request', parsed.problem);
      reply = await this.route(method, parsed, req, principal);
    } catch (err) {
      if (!(err instanceof TaxiiError)) this.logger.error('taxii: request failed', { method, target: target.slice(0, 200), error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
      const e = err instanceof TaxiiError ? err : new TaxiiError(500, 'Internal Server Error', 'the request could not be handled');
      reply = errorReply(e);
    }
    const entry: TaxiiAuditEntry = {
      at: new Date(this.now()).toISOString(),
      ...(principal ? { tokenId: principal.tokenId, layer: principal.layer } : {}),
      method: method.slice(0, 32),
      target,
      status: reply.code,
      ...(reply.reason ? { reason: reply.reason } : {}),
      ...(reply.count !== undefined ? { count: reply.count } : {}),
    };
    try {
      await this.options.audit.record(entry);
    } catch (err) {
      this.logger.error('taxii: access audit write failed', { error: err instanceof Error ? err.message : String(err), request: principal?.layer === 3 ? 'auditor request refused' : 'answered anyway' });
      if (principal?.layer === 3) reply = errorReply(new TaxiiError(503, 'Service Unavailable', 'this read could not be audited; try again later'));
    }
    send(res, reply);
  }

  private lastResort(res: ServerResponse, err: unknown): void {
    this.logger.error('taxii: unexpected failure', { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    try {
      if (!res.headersSent) send(res, errorReply(new TaxiiError(500, 'Internal Server Error', 'the request could not be handled')));
      else res.destroy();
    } catch {
      res.destroy();
    }
  }

  /**
   * The HTTP parser refused the request (bad request line, NUL, oversized headers) or it asked for a tunnel: a TAXII
   * 4xx at once (the client may already have half-closed), then the audit entry. Nothing was read, so nothing waits.
   */
  private async clientError(err: NodeJS.ErrnoException, socket: Socket): Promise<void> {
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : err.code === 'TAXII_TUNNEL' ? 405 : 400;
    const reason = { 431: 'Request Header Fields Too Large', 408: 'Request Timeout', 405: 'Method Not Allowed' }[status as 431 | 408 | 405] ?? 'Bad Request';
    const description = status === 405 ? 'CONNECT and protocol upgrades are not served' : 'the HTTP request could not be parsed';
    const body = JSON.stringify({ title: reason, description, http_status: String(status) });
    if (socket.writable && !socket.destroyed) {
      // Keep reading what the client still sends: closing with unread data would reset the connection and lose
      // the answer. The timer bounds how long a client may keep sending.
      socket.on('data', () => {});
      socket.resume();
      setTimeout(() => socket.destroy(), 5_000).unref();
      socket.end(`HTTP/1.1 ${status} ${reason}\r\ncontent-type: ${TAXII_MEDIA_TYPE}\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
    } else {
      socket.destroy();
    }
    try {
      await this.options.audit.record({ at: new Date(this.now()).toISOString(), method: '-', target: '-', status, reason: `unparsable request: ${err.code ?? err.message}` });
    } catch (auditErr) {
      this.logger.error('taxii: access audit write failed', { error: auditErr instanceof Error ? auditErr.message : String(auditErr) });
    }
  }

  private async route(method: string, target: RequestTarget, req: IncomingMessage, principal: Principal): Promise<Reply> {
    const parts = target.segments;
    const root = this.options.apiRoot;
    const only = (...allowed: string[]) => {
      if (!allowed.includes(method)) throw new TaxiiError(405, 'Method Not Allowed', `${method.slice(0, 32)} is not allowed here (use ${allowed.join(' or ')})`);
    };
    if (parts.length === 1 && parts[0] === 'taxii2') {
      only('GET');
      return { code: 200, body: { title: this.options.title, default: `/${root}/`, api_roots: [`/${root}/`] } };
    }
    if (parts[0] !== root) throw notFound('no such resource');
    if (parts.length === 1) {
      only('GET');
      return { code: 200, body: { title: this.options.title, versions: [TAXII_MEDIA_TYPE], max_content_length: this.maxContentLength } };
    }
    if (parts[1] === 'status' && parts.length === 3) {
      only('GET');
      const s = this.statuses.get(parts[2]!);
      // Another principal's status is answered as absent: it names the writer's objects.
      if (!s || s.tokenId !== principal.tokenId) throw notFound(`no status ${parts[2]!.slice(0, 64)}`, s ? 'status of another token' : undefined);
      return { code: 200, body: s.resource };
    }
    if (parts[1] !== 'collections') throw notFound('no such resource');
    if (parts.length === 2) {
      only('GET');
      const visible = this.options.collections.filter((c) => canReadCollection(principal, c));
      return { code: 200, body: visible.length ? { collections: visible.map((c) => this.collectionResource(c, principal)) } : {}, count: visible.length };
    }
    const collection = this.options.collections.find((c) => c.id === parts[2]);
    if (!collection || !canReadCollection(principal, collection)) {
      throw notFound(`no collection ${parts[2]!.slice(0, 64)}`, collection ? 'collection outside the token scope' : undefined);
    }
    if (parts.length === 3) {
      only('GET');
      return { code: 200, body: this.collectionResource(collection, principal) };
    }
    const visible = (s: StoredObject) => canSeeObject(principal, collection, s, this.options.redRecipients);
    if (parts[3] === 'manifest' && parts.length === 4) {
      only('GET');
      return this.getPage(collection, target.query, visible, undefined, 'manifest');
    }
    if (parts[3] !== 'objects') throw notFound('no such resource');
    if (parts.length === 4) {
      only('GET', 'POST');
      if (method === 'POST') return this.addObjects(collection, req, principal);
      return this.getPage(collection, target.query, visible, undefined, 'objects');
    }
    if (parts.length === 5) {
      only('GET');
      return this.getPage(collection, target.query, visible, parts[4], 'objects');
    }
    if (parts.length === 6 && parts[5] === 'versions') {
      only('GET');
      return this.getPage(collection, target.query, visible, parts[4], 'versions');
    }
    throw notFound('no such resource');
  }

  private collectionResource(c: TaxiiCollectionConfig, p: Principal) {
    return { id: c.id, title: c.title, ...(c.description ? { description: c.description } : {}), can_read: true, can_write: canWriteCollection(p, c), media_types: [TAXII_MEDIA_TYPE] };
  }

  private getPage(
    collection: TaxiiCollectionConfig,
    params: URLSearchParams,
    visible: (s: StoredObject) => boolean,
    objectId: string | undefined,
    shape: 'objects' | 'manifest' | 'versions',
  ): Reply {
    const limitText = params.get('limit');
    const limit = limitText === null ? this.maxPageSize : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1) throw new TaxiiError(400, 'Bad Request', `limit: '${limitText!.slice(0, 32)}' is not a positive integer`);
    const addedAfterText = params.get('added_after');
    const addedAfter = addedAfterText === null ? undefined : Date.parse(addedAfterText);
    if (addedAfter !== undefined && !Number.isFinite(addedAfter)) throw new TaxiiError(400, 'Bad Request', `added_after: '${addedAfterText!.slice(0, 64)}' is not a timestamp`);
    const next = params.get('next');
    let position: number | undefined;
    if (next !== null) {
      const text = Buffer.from(next, 'base64url').toString('utf8');
      position = /^\d{1,16}$/.test(text) ? Number(text) : NaN;
      if (!Number.isFinite(position)) throw new TaxiiError(400, 'Bad Request', `next: '${next.slice(0, 64)}' is not a position returned by this server`);
    }
    const list = (name: string) => params.get(name)?.split(',').filter(Boolean);
    const version = params.get('match[version]');
    const matching = this.store.query(collection.id, {
      addedAfter: Math.max(addedAfter ?? -Infinity, position ?? -Infinity),
      ids: objectId ? [objectId] : list('match[id]'),
      types: list('match[type]'),
      versions: version === 'all' || shape === 'versions' ? 'all' : 'last',
      visible,
    });
    if (objectId && matching.length === 0 && next === null) throw notFound(`no object ${objectId.slice(0, 100)} in collection ${collection.id}`);
    const page = matching.slice(0, Math.min(limit, this.maxPageSize));
    const more = matching.length > page.length;
    if (page.length === 0) return { code: 200, body: {}, count: 0 };
    const iso = (s: StoredObject) => new Date(s.dateAdded).toISOString();
    const items =
      shape === 'objects'
        ? { objects: page.map((s) => s.object) }
        : shape === 'versions'
          ? { versions: page.map((s) => s.version) }
          : { objects: page.map((s) => ({ id: s.object.id, date_added: iso(s), version: s.version, media_type: 'application/stix+json;version=2.1' })) };
    return {
      code: 200,
      body: { more, ...(more ? { next: Buffer.from(String(page.at(-1)!.dateAdded), 'utf8').toString('base64url') } : {}), ...items },
      headers: { 'x-taxii-date-added-first': iso(page[0]!), 'x-taxii-date-added-last': iso(page.at(-1)!) },
      count: page.length,
    };
  }

  private async addObjects(collection: TaxiiCollectionConfig, req: IncomingMessage, principal: Principal): Promise<Reply> {
    if (!canWriteCollection(principal, collection)) throw new TaxiiError(403, 'Forbidden', `this token may not write to collection ${collection.id}`, 'write outside the token scope');
    if (!isTaxiiMediaType(singleHeader(req, 'content-type'))) throw new TaxiiError(415, 'Unsupported Media Type', `Content-Type must be ${TAXII_MEDIA_TYPE}`);
    const organization = this.destinationOrganization(collection, req, principal);
    const text = await readBody(req, this.maxContentLength);
    let envelope: { objects?: unknown };
    try {
      envelope = JSON.parse(text) as { objects?: unknown };
    } catch {
      throw new TaxiiError(400, 'Bad Request', 'the body is not JSON');
    }
    if (!envelope || typeof envelope !== 'object' || !Array.isArray(envelope.objects)) throw new TaxiiError(400, 'Bad Request', 'the body must be an envelope with an objects array');
    const objects = envelope.objects as unknown[];
    const bundleId = singleHeader(req, BUNDLE_ID_HEADER);
    if (this.options.trustedKeys) {
      const signedCollection = singleHeader(req, DESTINATION_COLLECTION_HEADER);
      if (signedCollection !== undefined && signedCollection !== collection.id) {
        throw new TaxiiError(403, 'Forbidden', `this bundle was signed for collection ${signedCollection.slice(0, 64)}, not ${collection.id}`, 'replayed into another collection');
      }
      const keyId = singleHeader(req, SIGNATURE_KEY_ID_HEADER);
      const key = keyId ? this.options.trustedKeys[keyId] : undefined;
      if (!key || !bundleId || !verifyBundle({ id: bundleId, objects }, { collection: collection.id, organization }, singleHeader(req, SIGNATURE_HEADER), key)) {
        throw new TaxiiError(403, 'Forbidden', `missing or invalid signature for collection ${collection.id} and organisation ${organization} (key id ${keyId?.slice(0, 64) ?? 'none'})`, 'bad signature');
      }
    }
    const { valid, failures } = validateObjects(objects);
    const results = this.store.add(collection.id, organization, valid);
    if (bundleId) this.bundleDeliveries.set(bundleId, (this.bundleDeliveries.get(bundleId) ?? 0) + 1);
    const status: StatusResource = {
      id: randomUUID(),
      status: 'complete',
      request_timestamp: new Date(this.now()).toISOString(),
      total_count: objects.length,
      success_count: results.length,
      successes: results.map((r) => ({ id: r.id, version: r.version, ...(r.added ? {} : { message: 'already stored' }) })),
      failure_count: failures.length,
      failures,
      pending_count: 0,
    };
    this.statuses.set(status.id, { resource: status, tokenId: principal.tokenId });
    // Statuses are kept for the most recent POSTs only (a Map iterates oldest first).
    if (this.statuses.size > MAX_STATUSES) this.statuses.delete(this.statuses.keys().next().value!);
    return { code: 202, body: status, count: results.length };
  }

  /** The organisation a POST is for: the `Socle-Destination-Organization` header, or the writer's only one here. */
  private destinationOrganization(collection: TaxiiCollectionConfig, req: IncomingMessage, principal: Principal): string {
    const named = singleHeader(req, DESTINATION_ORGANIZATION_HEADER);
    if (named !== undefined) {
      if (!collection.organizations.includes(named) || !canWriteCollection(principal, collection, named)) {
        throw new TaxiiError(403, 'Forbidden', `this token may not write objects of organisation ${named.slice(0, 64)} to collection ${collection.id}`, 'organisation outside the token scope');
      }
      return named;
    }
    const mine = collection.organizations.filter((o) => principal.organizations.includes(o));
    if (mine.length !== 1) throw new TaxiiError(400, 'Bad Request', `name the organisation of these objects in ${DESTINATION_ORGANIZATION_HEADER} (one of ${mine.join(', ')})`);
    return mine[0]!;
  }
}

function errorReply(e: TaxiiError): Reply {
  return {
    code: e.status,
    body: { title: e.title, description: e.message, http_status: String(e.status) },
    headers: e.status === 401 ? { 'www-authenticate': 'Bearer' } : {},
    reason: e.reason ?? (e.status >= 400 ? e.message.slice(0, 200) : undefined),
  };
}

/** Objects that are well-formed STIX 2.1 with a TLP marking; the others become status failures. */
function validateObjects(objects: unknown[]): { valid: NewObject[]; failures: StatusResource['failures'] } {
  const valid: NewObject[] = [];
  const failures: StatusResource['failures'] = [];
  for (const o of objects) {
    const problem = objectProblem(o);
    const id = typeof (o as { id?: unknown })?.id === 'string' ? (o as { id: string }).id.slice(0, 200) : '(no id)';
    if (problem) {
      failures.push({ id, message: problem });
      continue;
    }
    const object = o as StoredObject['object'];
    const tlp = tlpOfObject(object);
    if (!tlp) failures.push({ id, message: 'no TLP 2.0 marking in object_marking_refs; unmarked objects are not stored' });
    else valid.push({ object, tlp });
  }
  return { valid, failures };
}

const STIX_ID = /^([a-z0-9][a-z0-9-]{1,248}[a-z0-9])--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function objectProblem(o: unknown): string | undefined {
  if (!o || typeof o !== 'object' || Array.isArray(o)) return 'not an object';
  const { type, id, spec_version } = o as Record<string, unknown>;
  if (typeof type !== 'string' || typeof id !== 'string') return 'type and id are required';
  const match = STIX_ID.exec(id);
  if (!match || match[1] !== type) return `id ${id.slice(0, 200)} is not ${type.slice(0, 64)}--<uuid>`;
  if (spec_version !== '2.1') return 'spec_version must be 2.1';
  return undefined;
}

function mediaTypeParts(value: string): { type: string; version?: string } {
  const [type, ...params] = value.split(';').map((s) => s.trim().toLowerCase());
  const version = params.find((p) => p.startsWith('version='))?.slice('version='.length);
  return { type: type ?? '', version };
}

function isTaxiiMediaType(value: string | undefined): boolean {
  if (!value) return false;
  const { type, version } = mediaTypeParts(value);
  return type === 'application/taxii+json' && version === '2.1';
}

function acceptsTaxii(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some((range) => {
    const { type, version } = mediaTypeParts(range);
    return type === 'application/taxii+json' && (version === undefined || version === '2.1');
  });
}

/** One header value; a header sent twice counts as absent for the singular ones. */
function singleHeader(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? (v.length === 1 ? v[0] : undefined) : v;
}

async function readBody(req: IncomingMessage, max: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) throw new TaxiiError(413, 'Payload Too Large', `the body is larger than ${max} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > max) throw new TaxiiError(413, 'Payload Too Large', `the body is larger than ${max} bytes`);
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof TaxiiError) throw err;
    throw new TaxiiError(400, 'Bad Request', 'the request body was cut short');
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, reply: Reply): void {
  if (res.writableEnded || res.destroyed) return;
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.code, { 'content-type': TAXII_MEDIA_TYPE, 'content-length': Buffer.byteLength(text), ...reply.headers });
  res.end(text);
}
