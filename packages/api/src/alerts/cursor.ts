/** A page position: the time and id of the last alert returned. Opaque to clients (base64url JSON). */
export interface Cursor {
  timeMs: number;
  id: string;
}

export function encodeCursor(c: Cursor): string {
  return base64UrlEncode(JSON.stringify([c.timeMs, c.id]));
}

export function decodeCursor(text: string): Cursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(base64UrlDecode(text));
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || typeof parsed[0] !== 'number' || typeof parsed[1] !== 'string') {
    throw new RangeError(`cursor: '${text}' is not a cursor returned by a previous search`);
  }
  return { timeMs: parsed[0], id: parsed[1] };
}

function base64UrlEncode(s: string): string {
  const bytes = new TextEncoder().encode(s);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function base64UrlDecode(s: string): string {
  const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
  return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
}
