import { isMap, isPair, isScalar, type Document, type LineCounter } from 'yaml';
import type { SourcePosition } from './diagnostic.ts';
import type { PositionedDocument } from './validation.ts';

/** A document read from text: every key path has a line and a column. */
export interface PositionedTextDocument extends PositionedDocument {
  positionOf(path: readonly PropertyKey[]): SourcePosition;
  keyPositionOf(path: readonly PropertyKey[]): SourcePosition;
}

/** A parsed YAML document that can say where each key path sits in its text. */
export function positionedYamlDocument(doc: Document, file: string, lines: LineCounter): PositionedTextDocument {
  const toPosition = (offset: number): SourcePosition => {
    const p = lines.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const start = doc.range?.[0] ?? 0;
  const nodeStart = (path: readonly PropertyKey[]): number => {
    for (let n = path.length; n >= 0; n--) {
      const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n) as unknown[], true);
      const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
      if (range) return range[0];
    }
    return start;
  };
  const keyStart = (path: readonly PropertyKey[]): number | undefined => {
    if (path.length === 0) return undefined;
    const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1) as unknown[], true);
    if (!isMap(parent)) return undefined;
    const last = path[path.length - 1];
    for (const item of parent.items) {
      if (isPair(item) && isScalar(item.key) && item.key.value === last) return item.key.range?.[0];
    }
    return undefined;
  };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch {
    value = undefined;
  }
  return {
    file,
    value,
    positionOf: (path) => toPosition(nodeStart(path)),
    keyPositionOf: (path) => toPosition(keyStart(path) ?? nodeStart(path)),
  };
}
