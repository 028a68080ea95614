/** Immutable rewrites of search bodies: every change builds new objects, inputs are never touched. */
import { isSearchBody, type DetectionItem, type SearchBody } from '../sigma/model.ts';

/** What an item becomes: another item, a nested body, or `null` when it is dropped (it then counts as true). */
export type ItemRewrite = (item: DetectionItem) => DetectionItem | SearchBody | null;

function rewriteNode(node: DetectionItem | SearchBody, fn: ItemRewrite): DetectionItem | SearchBody | null {
  if (!isSearchBody(node)) return fn(node);
  if (node.kind === 'and') {
    const items: Array<DetectionItem | SearchBody> = [];
    for (const child of node.items) {
      const r = rewriteNode(child, fn);
      if (r !== null) items.push(r);
    }
    return items.length === 0 ? null : { kind: 'and', items };
  }
  const alternatives: Array<DetectionItem | SearchBody> = [];
  for (const child of node.alternatives) {
    const r = rewriteNode(child, fn);
    // A dropped alternative is true, which makes the whole OR true.
    if (r === null) return null;
    alternatives.push(r);
  }
  return { kind: 'or', alternatives };
}

/** Rewrites every detection item of a body. A body left with nothing becomes an empty `and` (matches every event). */
export function rewriteBody(body: SearchBody, fn: ItemRewrite): SearchBody {
  const r = rewriteNode(body, fn);
  if (r === null) return { kind: 'and', items: [] };
  return isSearchBody(r) ? r : { kind: 'and', items: [r] };
}

export function cloneBody(body: SearchBody): SearchBody {
  return rewriteBody(body, (item) => ({ field: item.field, modifiers: [...item.modifiers], values: [...item.values] }));
}

/** Field names of a body's items, in order, without repeats. */
export function fieldNames(body: SearchBody): string[] {
  const out: string[] = [];
  rewriteBody(body, (item) => {
    if (item.field !== null && !out.includes(item.field)) out.push(item.field);
    return item;
  });
  return out;
}
