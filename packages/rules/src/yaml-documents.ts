import { positionedYamlDocument, type PositionedTextDocument, type SourcePosition } from '@socle/core';
import { LineCounter, parseAllDocuments, type Document } from 'yaml';

/** A 1-based line and column inside a file. */
export type Position = SourcePosition;

/** One YAML document of a file, with the means to locate any path inside it. */
export interface YamlDocument extends PositionedTextDocument {
  /** 0-based index of the document inside the file. */
  index: number;
  /** Syntax errors of this document (the value may then be partial). */
  errors: { message: string; position: Position }[];
}

/** Parses every document of a YAML text, keeping positions for diagnostics. */
export function parseYamlDocuments(text: string, file: string): YamlDocument[] {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const list = Array.isArray(docs) ? docs : [docs];
  return list.map((doc, index) => {
    const positioned = positionedYamlDocument(doc as Document, file, lineCounter);
    const errors = doc.errors.map((e) => {
      const p = lineCounter.linePos(e.pos[0]);
      return { message: firstLine(e.message), position: { line: p.line, column: p.col } };
    });
    return { ...positioned, index, errors };
  });
}

function firstLine(message: string): string {
  return message.split('\n')[0];
}
