/**
 * A TAXII 2.1 server over node:http: discovery (`/taxii2/`), one API root, its collections, and
 * `GET/POST {root}/collections/{id}/objects/` with pagination (`limit`, `next`; `X-TAXII-Date-Added-First/Last`),
 * `added_after`, `match[id]`, `match[type]`, `match[version]=all`, and `GET {root}/status/{id}/`.
 *
 * Every request carries the media type `application/taxii+json;version=2.1` (406 for any other Accept, 415 for
 * any other Content-Type on POST) and a bearer token checked by the access module. A principal reads a collection
 * when its layer is 2 (SOC), 3 (auditor) or 4 (national) and the collection holds one of its organisations (a
 * layer-4 principal without organisations: all); it writes only when it is not read-only (so never layer 3 or 4) and is granted the collection. Collections a
 * principal may not read are answered 404, as if absent. When `trustedKeys` is set, a POST must carry a valid
 * Socle signature (see signed-bundle.ts) from one of those keys.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isAuthError, type AuthError, type Principal } from '@socle/api';
import { BUNDLE_ID_HEADER, SIGNATURE_HEADER, SIGNATURE_KEY_ID_HEADER, verifyBody } from './signed-bundle.ts';
import { TaxiiCollectionStore, type StoredObject } from './taxii-collection-store.ts';
import { TAXII_MEDIA_TYPE } from './upstream-endpoint.ts';

export interface TaxiiCollectionConfig {
  id: string;
  title: string;
  description?: string;
  /** Organisations whose shared data this collection holds; a principal is granted it through them. */
  organizations: string[];
}

export interface TaxiiAuditEntry {
  tokenId: string;
  layer: number;
  method: string;
  path: string;
  status: number;
}

export interface TaxiiServerOptions {
  title: string;
  /** Path segment of the single API root, e.g. `socle` for `/socle/`. */
  apiRoot: string;
  collections: TaxiiCollectionConfig[];
  authenticate: (authorizationHeader: string | undefined) => Principal | AuthError;
  /** keyId -> Ed25519 public key (PEM). When set, unsigned or badly signed POSTs are refused with 403. */
  trustedKeys?: Record<string, string>;
  /** Called for every authenticated request (auditor reads must be audited). */
  audit?: (entry: TaxiiAuditEntry) => void;
  now?: () => number;
  /** Largest page; also the default `limit`. */
  maxPageSize?: number;
  maxContentLength?: number;
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

class TaxiiError extends Error {
  constructor(readonly status: number, readonly title: string, description: string) {
    super(description);
  }
}

export class TaxiiServer {
  readonly store: TaxiiCollectionStore;
  private server: Server | undefined;
  private readonly statuses = new Map<string, StatusResource>();
  private readonly bundleDeliveries = new Map<string, number>();
  private readonly now: () => number;
  private readonly maxPageSize: number;
  private readonly maxContentLength: number;

  constructor(private readonly options: TaxiiServerOptions) {
    this.now = options.now ?? Date.now;
    this.store = new TaxiiCollectionStore(this.now);
    this.maxPageSize = options.maxPageSize ?? 100;
    this.maxContentLength = options.maxContentLength ?? 10 * 1024 * 1024;
  }

  /** How many accepted POSTs carried each `Socle-Bundle-Id`. */
  deliveriesByBundle(): Record<string, number> {
    return Object.fromEntries(this.bundleDeliveries);
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<{ port: number; url: string }> {
    const server = createServer((req, res) => void this.handle(req, res));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const address = server.address() as AddressInfo;
    return { port: address.port, url: `http://${host}:${address.port}` };
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://taxii.local');
    const method = req.method ?? 'GET';
    let principal: Principal | undefined;
    let status = 500;
    try {
      const auth = this.options.authenticate(req.headers.authorization);
      if (isAuthError(auth)) throw new TaxiiError(401, 'Unauthorized', 'a valid bearer token is required');
      principal = auth;
      if (!acceptsTaxii(req.headers.accept)) throw new TaxiiError(406, 'Not Acceptable', `the Accept header must allow ${TAXII_MEDIA_TYPE}`);
      const { code, body, headers } = await this.route(method, url, req, principal);
      status = code;
      send(res, code, body, headers);
    } catch (err) {
      const e = err instanceof TaxiiError ? err : new TaxiiError(500, 'Internal Server Error', 'the request could not be handled');
      if (!(err instanceof TaxiiError)) process.stderr.write(`taxii: ${method} ${url.pathname}: ${err instanceof Error ? err.stack : String(err)}\n`);
      status = e.status;
      send(res, e.status, { title: e.title, description: e.message, http_status: String(e.status) }, e.status === 401 ? { 'www-authenticate': 'Bearer' } : {});
    } finally {
      if (principal) this.options.audit?.({ tokenId: principal.tokenId, layer: principal.layer, method, path: url.pathname + url.search, status });
    }
  }

  private async route(method: string, url: URL, req: IncomingMessage, principal: Principal): Promise<{ code: number; body: unknown; headers?: Record<string, string> }> {
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const root = this.options.apiRoot;
    const onlyGet = () => {
      if (method !== 'GET') throw new TaxiiError(405, 'Method Not Allowed', `${method} is not allowed on ${url.pathname}`);
    };
    if (parts.length === 1 && parts[0] === 'taxii2') {
      onlyGet();
      return { code: 200, body: { title: this.options.title, default: `/${root}/`, api_roots: [`/${root}/`] } };
    }
    if (parts[0] !== root) throw new TaxiiError(404, 'Not Found', `no API root at ${url.pathname}`);
    if (parts.length === 1) {
      onlyGet();
      return { code: 200, body: { title: this.options.title, versions: [TAXII_MEDIA_TYPE], max_content_length: this.maxContentLength } };
    }
    if (parts[1] === 'status' && parts.length === 3) {
      onlyGet();
      const s = this.statuses.get(parts[2]!);
      if (!s) throw new TaxiiError(404, 'Not Found', `no status ${parts[2]}`);
      return { code: 200, body: s };
    }
    if (parts[1] !== 'collections') throw new TaxiiError(404, 'Not Found', `no resource at ${url.pathname}`);
    if (parts.length === 2) {
      onlyGet();
      const visible = this.options.collections.filter((c) => canRead(principal, c));
      return { code: 200, body: visible.length ? { collections: visible.map((c) => this.collectionResource(c, principal)) } : {} };
    }
    const collection = this.options.collections.find((c) => c.id === parts[2]);
    if (!collection || !canRead(principal, collection)) throw new TaxiiError(404, 'Not Found', `no collection ${parts[2]}`);
    if (parts.length === 3) {
      onlyGet();
      return { code: 200, body: this.collectionResource(collection, principal) };
    }
    if (parts[3] !== 'objects') throw new TaxiiError(404, 'Not Found', `no resource at ${url.pathname}`);
    if (parts.length === 4 && method === 'POST') return this.addObjects(collection, req, principal);
    if (parts.length === 4 || parts.length === 5) {
      onlyGet();
      return this.getObjects(collection, url, parts[4]);
    }
    throw new TaxiiError(404, 'Not Found', `no resource at ${url.pathname}`);
  }

  private collectionResource(c: TaxiiCollectionConfig, p: Principal) {
    return { id: c.id, title: c.title, ...(c.description ? { description: c.description } : {}), can_read: canRead(p, c), can_write: canWrite(p, c), media_types: [TAXII_MEDIA_TYPE] };
  }

  private getObjects(collection: TaxiiCollectionConfig, url: URL, objectId: string | undefined) {
    const params = url.searchParams;
    const limitText = params.get('limit');
    const limit = limitText === null ? this.maxPageSize : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1) throw new TaxiiError(400, 'Bad Request', `limit: '${limitText}' is not a positive integer`);
    const addedAfterText = params.get('added_after');
    const addedAfter = addedAfterText === null ? undefined : Date.parse(addedAfterText);
    if (addedAfter !== undefined && !Number.isFinite(addedAfter)) throw new TaxiiError(400, 'Bad Request', `added_after: '${addedAfterText}' is not a timestamp`);
    const next = params.get('next');
    let position: number | undefined;
    if (next !== null) {
      position = Number(Buffer.from(next, 'base64url').toString('utf8'));
      if (!Number.isFinite(position)) throw new TaxiiError(400, 'Bad Request', `next: '${next}' is not a position returned by this server`);
    }
    const list = (name: string) => params.get(name)?.split(',').filter(Boolean);
    const version = params.get('match[version]');
    const matching = this.store.query(collection.id, {
      addedAfter: Math.max(addedAfter ?? -Infinity, position ?? -Infinity),
      ids: objectId ? [objectId] : list('match[id]'),
      types: list('match[type]'),
      versions: version === 'all' ? 'all' : 'last',
    });
    if (objectId && matching.length === 0 && !next) throw new TaxiiError(404, 'Not Found', `no object ${objectId} in collection ${collection.id}`);
    const page = matching.slice(0, Math.min(limit, this.maxPageSize));
    const more = matching.length > page.length;
    if (page.length === 0) return { code: 200, body: {} };
    const iso = (s: StoredObject) => new Date(s.dateAdded).toISOString();
    return {
      code: 200,
      body: { more, ...(more ? { next: Buffer.from(String(page.at(-1)!.dateAdded), 'utf8').toString('base64url') } : {}), objects: page.map((s) => s.object) },
      headers: { 'x-taxii-date-added-first': iso(page[0]!), 'x-taxii-date-added-last': iso(page.at(-1)!) },
    };
  }

  private async addObjects(collection: TaxiiCollectionConfig, req: IncomingMessage, principal: Principal) {
    if (!canWrite(principal, collection)) throw new TaxiiError(403, 'Forbidden', `this token may not write to collection ${collection.id}`);
    if (!isTaxiiMediaType(req.headers['content-type'])) throw new TaxiiError(415, 'Unsupported Media Type', `Content-Type must be ${TAXII_MEDIA_TYPE}`);
    const text = await readBody(req, this.maxContentLength);
    let envelope: { objects?: unknown };
    try {
      envelope = JSON.parse(text) as { objects?: unknown };
    } catch {
      throw new TaxiiError(400, 'Bad Request', 'the body is not JSON');
    }
    if (!Array.isArray(envelope.objects)) throw new TaxiiError(400, 'Bad Request', 'the body must be an envelope with an objects array');
    const bundleId = header(req, BUNDLE_ID_HEADER);
    if (this.options.trustedKeys) {
      const keyId = header(req, SIGNATURE_KEY_ID_HEADER);
      const key = keyId ? this.options.trustedKeys[keyId] : undefined;
      const signed = { type: 'bundle', id: bundleId, objects: envelope.objects };
      if (!key || !bundleId || !verifyBody(signed, header(req, SIGNATURE_HEADER), key)) {
        throw new TaxiiError(403, 'Forbidden', `missing or invalid signature (key id ${keyId ?? 'none'})`);
      }
    }
    const valid: StoredObject['object'][] = [];
    const failures: StatusResource['failures'] = [];
    for (const o of envelope.objects as unknown[]) {
      const problem = objectProblem(o);
      if (problem) failures.push({ id: typeof (o as { id?: unknown })?.id === 'string' ? (o as { id: string }).id : '(no id)', message: problem });
      else valid.push(o as StoredObject['object']);
    }
    const results = this.store.add(collection.id, valid);
    if (bundleId) this.bundleDeliveries.set(bundleId, (this.bundleDeliveries.get(bundleId) ?? 0) + 1);
    const status: StatusResource = {
      id: randomUUID(),
      status: 'complete',
      request_timestamp: new Date(this.now()).toISOString(),
      total_count: envelope.objects.length,
      success_count: results.length,
      successes: results.map((r) => ({ id: r.id, version: r.version, ...(r.added ? {} : { message: 'already stored' }) })),
      failure_count: failures.length,
      failures,
      pending_count: 0,
    };
    this.statuses.set(status.id, status);
    return { code: 202, body: status };
  }
}

/** As in the access module: a layer-4 principal with no organisations covers all of them. */
function granted(p: Principal, c: TaxiiCollectionConfig): boolean {
  if (p.layer === 4 && p.organizations.length === 0) return true;
  return c.organizations.some((o) => p.organizations.includes(o));
}

export function canRead(p: Principal, c: TaxiiCollectionConfig): boolean {
  return (p.layer === 2 || p.layer === 3 || p.layer === 4) && granted(p, c);
}

export function canWrite(p: Principal, c: TaxiiCollectionConfig): boolean {
  return !p.readOnly && p.layer === 2 && granted(p, c);
}

function objectProblem(o: unknown): string | undefined {
  if (!o || typeof o !== 'object') return 'not an object';
  const { type, id, spec_version } = o as Record<string, unknown>;
  if (typeof type !== 'string' || typeof id !== 'string') return 'type and id are required';
  if (!new RegExp(`^${type.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`).test(id)) return `id ${id} is not ${type}--<uuid>`;
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

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

async function readBody(req: IncomingMessage, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) throw new TaxiiError(413, 'Payload Too Large', `the body is larger than ${max} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': TAXII_MEDIA_TYPE, 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}
