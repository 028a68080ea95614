/** Reads Sigma-style selection maps (`field|modifier: value or [values]`) written in pipelines. */
import type { Node } from 'yaml';
import { isMap, isSeq } from 'yaml';
import type { DetectionItem, SearchBody, SigmaScalar } from '../sigma/model.ts';
import type { YamlReader } from './yaml-reader.ts';

/** One map is an `and` of its items. */
export function readSelection(reader: YamlReader, node: Node | null, what: string): SearchBody {
  const entries = reader.entries(node, what);
  if (entries.length === 0) reader.fail(node, `${what} must not be empty`);
  const items: DetectionItem[] = entries.map((e) => {
    const [field, ...modifiers] = e.key.split('|');
    if (!field) reader.fail(e.keyNode, `${what}: '${e.key}' has no field name`);
    if (modifiers.some((m) => m === '')) reader.fail(e.keyNode, `${what}: '${e.key}' has an empty modifier`);
    let values: SigmaScalar[];
    if (isSeq(e.value)) {
      values = (e.value.items as Node[]).map((v, i) => reader.scalar(v, `${what}: ${e.key}[${i + 1}]`));
      if (values.length === 0) reader.fail(e.value, `${what}: ${e.key} has an empty list of values`);
    } else {
      values = [reader.scalar(e.value, `${what}: ${e.key}`)];
    }
    return { field, modifiers, values };
  });
  return { kind: 'and', items };
}

/** A map, or a list of maps (OR of them). A single selection stays a plain `and` body. */
export function readSelections(reader: YamlReader, node: Node | null, what: string): SearchBody {
  if (isMap(node)) return readSelection(reader, node, what);
  const list = reader.items(node, `${what} (a map or a list of maps)`);
  if (list.length === 0) reader.fail(node, `${what} must not be empty`);
  const alternatives = list.map((item, i) => readSelection(reader, item, `${what}[${i + 1}]`));
  return alternatives.length === 1 ? alternatives[0]! : { kind: 'or', alternatives };
}
