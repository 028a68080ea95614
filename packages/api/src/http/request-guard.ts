/**
 * Checks made on every request before authentication, the same in both modes:
 * - the Host header names this server (DNS rebinding: a page on evil.example resolving to 127.0.0.1 sends
 *   `Host: evil.example`);
 * - a state-changing request is not cross-site (no foreign `Origin`, `Sec-Fetch-Site` absent, same-origin or none;
 *   and its route requires a JSON content type, which a cross-site form cannot send without a CORS preflight);
 * - no secret travels in the URL (a `?access_token=` would end up in proxy and access logs): refused, and the target
 *   written to logs and the audit trail is redacted.
 */
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

export interface HostPolicy {
  /** The address the server is bound to (`127.0.0.1`, `0.0.0.0`, `::`, a name). */
  listenHost: string;
  /** The bound port (known once listening). */
  port: () => number;
  /** Further names clients use (`socle.example.org`, `socle.example.org:8443`); a name without port accepts any port. */
  allowedHosts?: readonly string[];
}

export const SAFE_METHODS = new Set(['GET', 'HEAD']);

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]' || host === '';
}

/** `name[:port]` of a Host header, the name lower-cased and without IPv6 brackets; undefined when malformed. */
export function parseHostHeader(value: string): { name: string; port?: number } | undefined {
  const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+)(?::(\d{1,5}))?$/.exec(value.trim());
  if (!match) return undefined;
  const port = match[2] === undefined ? undefined : Number(match[2]);
  if (port !== undefined && port > 65535) return undefined;
  return { name: match[1].replace(/^\[|\]$/g, '').toLowerCase().replace(/\.$/, ''), ...(port !== undefined ? { port } : {}) };
}

/** Why the Host header is refused, or undefined when it names this server. */
export function hostRefusal(hostHeader: string | undefined, policy: HostPolicy): string | undefined {
  if (hostHeader === undefined || hostHeader === '') return 'Host header missing';
  const host = parseHostHeader(hostHeader);
  if (!host) return 'Host header malformed';
  for (const entry of policy.allowedHosts ?? []) {
    const allowed = parseHostHeader(entry);
    if (allowed && allowed.name === host.name && (allowed.port === undefined || allowed.port === (host.port ?? 80))) return undefined;
  }
  if ((host.port ?? 80) !== policy.port()) return `Host header port ${host.port ?? 80} is not this server's`;
  const listen = policy.listenHost.replace(/^\[|\]$/g, '').toLowerCase();
  if (host.name === listen) return undefined;
  // An address literal cannot be rebound by DNS; a name can, so only configured names and localhost pass.
  if (isIP(host.name) !== 0 && (isWildcard(listen) || (isLoopback(listen) && isLoopback(host.name)))) return undefined;
  if (host.name === 'localhost' && (isWildcard(listen) || isLoopback(listen))) return undefined;
  return `Host header '${host.name.slice(0, 100)}' is not a name of this server (add it to api.allowedHosts)`;
}

/** Why a state-changing request looks cross-site, or undefined when it is same-origin (or not from a browser). */
export function crossSiteRefusal(req: IncomingMessage): string | undefined {
  if (SAFE_METHODS.has(req.method ?? 'GET')) return undefined;
  const site = header(req, 'sec-fetch-site');
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return `cross-site request refused (Sec-Fetch-Site: ${site.slice(0, 40)})`;
  const origin = header(req, 'origin');
  if (origin !== undefined) {
    let originHost: string | undefined;
    try {
      originHost = origin === 'null' ? undefined : new URL(origin).host.toLowerCase();
    } catch {
      originHost = undefined;
    }
    if (originHost === undefined || originHost !== (header(req, 'host') ?? '').toLowerCase()) return 'cross-site request refused (Origin is not this server)';
  }
  return undefined;
}

/**
 * State-changing routes also require `Content-Type: application/json` (415 otherwise): a cross-site page cannot send
 * it without a CORS preflight, which this API never grants. Routes that read a JSON body get this from `readJsonBody`.
 */
export function isJsonRequest(req: IncomingMessage): boolean {
  return (header(req, 'content-type') ?? '').split(';')[0].trim().toLowerCase() === 'application/json';
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/** Query parameter names that would carry a credential. */
const SECRET_PARAM = /^(access[_-]?token|token|bearer|auth|authorization|api[_-]?key|apikey|key|secret|password|session)$/i;
/** A Socle token anywhere (the id part alone is not secret). */
const TOKEN_TEXT = /socle_[0-9a-f]{16}_[0-9a-f]{8,}/gi;
const HAS_TOKEN_TEXT = /socle_[0-9a-f]{16}_[0-9a-f]{8,}/i;

/** The name of a query parameter carrying a credential, or undefined. */
export function secretInQuery(rawTarget: string): string | undefined {
  const q = rawTarget.indexOf('?');
  if (HAS_TOKEN_TEXT.test(safeDecode(rawTarget))) return 'a Socle token';
  if (q < 0) return undefined;
  for (const part of rawTarget.slice(q + 1).split('&')) {
    const name = safeDecode(part.split('=')[0] ?? '');
    if (SECRET_PARAM.test(name.replace(/\[\]$/, ''))) return name.slice(0, 40);
  }
  return undefined;
}

/** The request target as it may be logged: credential parameters and token-looking text replaced. */
export function redactTarget(rawTarget: string): string {
  const q = rawTarget.indexOf('?');
  const path = (q < 0 ? rawTarget : rawTarget.slice(0, q)).replace(TOKEN_TEXT, 'socle_[redacted]');
  if (q < 0) return path;
  const query = rawTarget
    .slice(q + 1)
    .split('&')
    .map((part) => {
      const eq = part.indexOf('=');
      const name = eq < 0 ? part : part.slice(0, eq);
      if (SECRET_PARAM.test(safeDecode(name).replace(/\[\]$/, ''))) return `${name}=[redacted]`;
      return /socle_[0-9a-f]{16}_/i.test(safeDecode(part)) ? `${name}=[redacted]` : part;
    })
    .join('&');
  return `${path}?${query}`;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}
