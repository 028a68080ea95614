import { LineCounter, isMap, isPair, isScalar, parseAllDocuments, type Document } from 'yaml';

/** A 1-based line and column inside a file. */
export interface Position {
  line: number;
  column: number;
}

/** One YAML document of a file, with the means to locate any path inside it. */
export interface YamlDocument {
  file: string;
  /** 0-based index of the document inside the file. */
  index: number;
  /** The plain JavaScript value (undefined for an empty document). */
  value: unknown;
  /** Syntax errors of this document (the value may then be partial). */
  errors: { message: string; position: Position }[];
  /** Where the node at `path` starts; for a missing path, the nearest existing parent. */
  positionOf(path: readonly PropertyKey[]): Position;
  /** Where the key of the entry at `path` starts (falls back to positionOf). */
  keyPositionOf(path: readonly PropertyKey[]): Position;
}

/** Parses every document of a YAML text, keeping positions for diagnostics. */
export function parseYamlDocuments(text: string, file: string): YamlDocument[] {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const list = Array.isArray(docs) ? docs : [docs];
  const toPosition = (offset: number): Position => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  return list.map((doc, index) => describeDocument(doc as Document, index, file, toPosition));
}

function describeDocument(
  doc: Document,
  index: number,
  file: string,
  toPosition: (offset: number) => Position,
): YamlDocument {
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
    index,
    value,
    errors: doc.errors.map((e) => ({ message: firstLine(e.message), position: toPosition(e.pos[0]) })),
    positionOf: (path) => toPosition(nodeStart(path)),
    keyPositionOf: (path) => {
      const k = keyStart(path);
      return k === undefined ? toPosition(nodeStart(path)) : toPosition(k);
    },
  };
}

function firstLine(message: string): string {
  return message.split('\n')[0];
}
