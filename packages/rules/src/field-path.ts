/**
 * Reads a dotted field from an object whose keys may be nested (`{source: {ip: x}}`), flat (`{"source.ip": x}`)
 * or mixed (`{"socle.event": {source: {ip: x}}}`).
 */
export function getField(obj: unknown, path: string): unknown {
  if (!obj || typeof obj !== 'object') return undefined;
  const record = obj as Record<string, unknown>;
  if (path in record) return record[path];
  const parts = path.split('.');
  for (let n = parts.length - 1; n >= 1; n--) {
    const head = parts.slice(0, n).join('.');
    if (head in record) {
      const found = getField(record[head], parts.slice(n).join('.'));
      if (found !== undefined) return found;
    }
  }
  return undefined;
}
