/**
 * What texts every match of a regular expression (RE2 syntax) must contain, as an and/or tree of literal
 * runs: `ab(c|de)+f` needs `ab`, then `c` or `de`, then `f`. Anything not understood is "no requirement",
 * never a wrong one, since the prefilter built from it must not drop a matching event.
 */
import { parseRegex, type RegexNode } from '../sigma/regex-syntax.ts';

export type TextNeed = { text: string } | { all: TextNeed[] } | { any: TextNeed[] } | undefined;

export function regexNeed(source: string): TextNeed {
  const tree = parseRegex(source);
  return tree && needOf(tree);
}

function needOf(node: RegexNode): TextNeed {
  switch (node.kind) {
    case 'alt': {
      const branches = node.branches.map(needOf);
      return branches.some((b) => b === undefined) ? undefined : { any: branches };
    }
    case 'seq':
      return sequenceNeed(node.items);
    case 'group':
      return needOf(node.item);
    case 'char':
      return { text: node.text };
    case 'repeat':
      return node.min > 0 ? needOf(node.item) : undefined;
    default:
      return undefined;
  }
}

/** Runs of literal characters; anything else (a class, a group, a repeated character) ends a run. */
function sequenceNeed(items: RegexNode[]): TextNeed {
  const parts: TextNeed[] = [];
  let run = '';
  const end = () => {
    if (run) parts.push({ text: run });
    run = '';
  };
  for (const item of items) {
    if (item.kind === 'char') {
      run += item.text;
      continue;
    }
    // A repeated character is there once when it must be (`+`, `{n>0}`), and ends the run either way.
    if (item.kind === 'repeat' && item.item.kind === 'char' && item.min > 0) run += item.item.text;
    end();
    if (item.kind === 'group' || (item.kind === 'repeat' && item.item.kind === 'group')) {
      const need = needOf(item);
      if (need) parts.push(need);
    }
  }
  end();
  if (parts.length === 0) return undefined;
  return parts.length === 1 ? parts[0] : { all: parts };
}
