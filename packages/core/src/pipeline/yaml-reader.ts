/** Small helpers to read a YAML AST by hand while keeping `file:line:column` positions for errors. */
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';

export class PipelineError extends Error {
  constructor(
    message: string,
    readonly file: string | undefined,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
    this.name = 'PipelineError';
  }
}

export interface MapEntry {
  key: string;
  keyNode: Node;
  value: Node | null;
}

export class YamlReader {
  readonly document: Document.Parsed;
  private readonly lines = new LineCounter();

  constructor(
    text: string,
    readonly file: string | undefined,
  ) {
    this.document = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: true });
    const first = this.document.errors[0];
    if (first) {
      const { line, col } = this.lines.linePos(first.pos[0]);
      const reason = first.code === 'MULTIPLE_DOCS' ? 'a pipeline file holds exactly one YAML document' : `invalid YAML: ${firstLine(first.message)}`;
      throw new PipelineError(`${this.label(line, col)}: ${reason}`, file, line, col);
    }
  }

  /** `file:line:column` of a node (or of the document start when the node is missing). */
  where(node: Node | null | undefined): string {
    const { line, col } = this.position(node);
    return this.label(line, col);
  }

  fail(node: Node | null | undefined, message: string): never {
    const { line, col } = this.position(node);
    throw new PipelineError(`${this.label(line, col)}: ${message}`, this.file, line, col);
  }

  entries(node: Node | null, what: string): MapEntry[] {
    if (!isMap(node)) this.fail(node, `${what} must be a map, got ${describe(node)}`);
    return node.items.map((pair) => {
      const keyNode = pair.key as Node;
      if (!isScalar(keyNode) || typeof keyNode.value !== 'string') this.fail(keyNode, `${what}: keys must be strings`);
      return { key: keyNode.value, keyNode, value: (pair.value as Node | null) ?? null };
    });
  }

  /** Fails on keys outside `allowed`, naming the allowed ones. */
  checkKeys(entries: MapEntry[], allowed: readonly string[], what: string): void {
    for (const e of entries) {
      if (!allowed.includes(e.key)) {
        this.fail(e.keyNode, `${what}: unknown key '${e.key}' (expected one of ${allowed.join(', ')})`);
      }
    }
  }

  items(node: Node | null, what: string): Node[] {
    if (!isSeq(node)) this.fail(node, `${what} must be a list, got ${describe(node)}`);
    return node.items as Node[];
  }

  string(node: Node | null, what: string): string {
    if (!isScalar(node) || typeof node.value !== 'string' || node.value === '') {
      this.fail(node, `${what} must be a non-empty string, got ${describe(node)}`);
    }
    return node.value;
  }

  number(node: Node | null, what: string): number {
    if (!isScalar(node) || typeof node.value !== 'number' || !Number.isFinite(node.value)) {
      this.fail(node, `${what} must be a number, got ${describe(node)}`);
    }
    return node.value;
  }

  boolean(node: Node | null, what: string): boolean {
    if (!isScalar(node) || typeof node.value !== 'boolean') this.fail(node, `${what} must be true or false, got ${describe(node)}`);
    return node.value;
  }

  /** A string, or a list of strings. */
  strings(node: Node | null, what: string): string[] {
    if (isSeq(node)) return (node.items as Node[]).map((item, i) => this.string(item, `${what}[${i + 1}]`));
    return [this.string(node, what)];
  }

  /** A scalar as a Sigma value: string, number, boolean or null. */
  scalar(node: Node | null, what: string): string | number | boolean | null {
    if (node === null) return null;
    if (!isScalar(node)) this.fail(node, `${what} must be a scalar value, got ${describe(node)}`);
    const v = node.value;
    if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
    this.fail(node, `${what} must be a string, number, boolean or null`);
  }

  private position(node: Node | null | undefined): { line: number; col: number } {
    const offset = node?.range?.[0] ?? 0;
    return this.lines.linePos(offset);
  }

  private label(line: number, col: number): string {
    return `${this.file ?? '<pipeline>'}:${line}:${col}`;
  }
}

function describe(node: Node | null | undefined): string {
  if (node === null || node === undefined) return 'nothing';
  if (isMap(node)) return 'a map';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) return node.value === null ? 'null' : `${typeof node.value} '${String(node.value)}'`;
  return 'an unsupported node';
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
