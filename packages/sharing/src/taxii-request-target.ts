/**
 * The request target of a TAXII request, parsed without trusting it: origin-form (`/a/b/?q`) or absolute-form
 * (`http://host/a/b/?q`); anything else, or a path segment with bad percent-encoding, is a clear 400 instead of an
 * exception. `new URL(target, base)` is not used on the raw target: it throws on some inputs and reads `//x` as a host.
 */
export interface RequestTarget {
  /** Decoded, non-empty path segments. */
  segments: string[];
  /** The path as received (not decoded). */
  path: string;
  query: URLSearchParams;
}

export const MAX_TARGET_LENGTH = 8192;

export function parseRequestTarget(raw: string | undefined): RequestTarget | { problem: string } {
  if (!raw) return { problem: 'the request has no target' };
  if (raw.length > MAX_TARGET_LENGTH) return { problem: `the request target is longer than ${MAX_TARGET_LENGTH} characters` };
  let target = raw;
  if (!target.startsWith('/')) {
    const absolute = /^https?:\/\/[^/?#]*(.*)$/i.exec(target);
    if (!absolute) return { problem: 'the request target must be a path (/...) or an http(s) URL' };
    target = absolute[1] || '/';
    if (!target.startsWith('/')) target = `/${target}`;
  }
  const hash = target.indexOf('#');
  if (hash >= 0) target = target.slice(0, hash);
  const q = target.indexOf('?');
  const path = q >= 0 ? target.slice(0, q) : target;
  const segments: string[] = [];
  for (const part of path.split('/')) {
    if (part === '') continue;
    try {
      segments.push(decodeURIComponent(part));
    } catch {
      return { problem: `bad percent-encoding in the path segment '${part.slice(0, 64)}'` };
    }
  }
  return { segments, path, query: new URLSearchParams(q >= 0 ? target.slice(q + 1) : '') };
}
