import { describe, expect, it } from 'vitest';
import { parseYamlDocuments } from './yaml-documents.ts';

describe('parseYamlDocuments', () => {
  const text = ['title: One', 'detection:', '  selection:', '    user.name: root', '---', 'title: Two', 'tags:', '  - attack.t1078'].join('\n');

  it('splits documents and locates keys and values with 1-based lines and columns', () => {
    const [first, second] = parseYamlDocuments(text, 'r.yml');
    expect(first!.value).toEqual({ title: 'One', detection: { selection: { 'user.name': 'root' } } });
    expect(first!.keyPositionOf(['detection', 'selection', 'user.name'])).toEqual({ line: 4, column: 5 });
    expect(second!.index).toBe(1);
    expect(second!.positionOf(['tags', 0])).toEqual({ line: 8, column: 5 });
  });

  it('falls back to the nearest existing parent for a missing path', () => {
    const [first] = parseYamlDocuments(text, 'r.yml');
    expect(first!.positionOf(['detection', 'condition'])).toEqual({ line: 3, column: 3 });
  });

  it('reports duplicate keys and syntax errors with their position', () => {
    const [doc] = parseYamlDocuments('title: a\ntitle: b\n', 'dup.yml');
    expect(doc!.errors[0]!.message).toMatch(/unique/i);
    expect(doc!.errors[0]!.position.line).toBe(2);
  });
});
