import { describe, expect, it } from 'vitest';
import { FieldTable } from '../sigma/context.ts';
import type { SigmaDetectionRule } from '../sigma/model.ts';
import { parseSigmaYaml } from '../sigma/parse.ts';
import { literalFilter, type Requirement } from './literals.ts';

function filterOf(detection: string) {
  const fields = new FieldTable();
  const text = `title: t\nlogsource: {product: test}\ndetection:\n${detection.replace(/^/gm, '  ')}\n`;
  const rule = parseSigmaYaml(text, 't.yml').rules[0] as SigmaDetectionRule;
  const f = literalFilter(rule, { fields, placeholders: {} });
  const show = (r: Requirement): unknown => ('lit' in r ? `${fields.names[r.lit.slot] ?? 'keywords'}:${r.lit.text}` : 'all' in r ? { all: r.all.map(show) } : { any: r.any.map(show) });
  return f && { triggers: f.triggers.map((l) => l.text), requirement: show(f.requirement), rest: f.rest && show(f.rest) };
}

describe('literal requirements of a rule', () => {
  it('needs every selection of an AND, and reaches the rule through the one with the longest texts', () => {
    const f = filterOf(
      "img:\n  - Image|endswith: ['\\csi.exe', '\\rcsi.exe']\n  - OriginalFileName: csi.exe\ncli:\n  Company: Microsoft Corporation\ncondition: all of *",
    );
    expect(f?.requirement).toEqual({
      all: [{ any: ['Image:\\csi.exe', 'Image:\\rcsi.exe', 'OriginalFileName:csi.exe'] }, 'Company:soft corporation'],
    });
    expect(f?.triggers).toEqual(['soft corporation']);
    // Reached through the company, the rule still needs one of the images checked; not the company again.
    expect(f?.rest).toEqual({ any: ['Image:\\csi.exe', 'Image:\\rcsi.exe', 'OriginalFileName:csi.exe'] });
  });

  it('leaves nothing to check when the triggers are the whole requirement, and all of it when they are drawn from deeper', () => {
    expect(filterOf("sel:\n  Image|endswith: ['\\csi.exe', '\\rcsi.exe']\ncondition: sel")?.rest).toBeUndefined();
    const nested = filterOf("a:\n  Image|endswith: '\\csi.exe'\n  User: administrator\nb:\n  CommandLine|contains: 'whoami'\ncondition: a or b");
    expect(nested?.triggers).toEqual(['administrator', 'whoami']);
    expect(nested?.rest).toEqual(nested?.requirement);
  });

  it('needs every piece of a wildcard value, folded, long texts cut to their end', () => {
    expect(filterOf("sel:\n  OriginalFileName: '7ZIP*.EXE'\ncondition: sel")?.requirement).toEqual({ all: ['OriginalFileName:7zip', 'OriginalFileName:.exe'] });
    expect(filterOf("sel:\n  CommandLine|contains: 'C:\\Windows\\System32\\svchost.exe'\ncondition: sel")?.triggers).toEqual(['em32\\svchost.exe']);
  });

  it('keeps short texts only when they hold a rare character', () => {
    expect(filterOf("sel:\n  CommandLine|contains: ['^^', ',;,']\ncondition: sel")?.triggers).toEqual(['^^', ',;,']);
    expect(filterOf("sel:\n  CommandLine|contains: [' -p', 'ab']\ncondition: sel")).toBeUndefined();
    expect(filterOf("sel:\n  CommandLine|contains: ['\u00a0', '®']\ncondition: sel")?.triggers).toEqual(['\u00a0', '®']);
  });

  it('needs nothing from a negation or from a branch without texts', () => {
    expect(filterOf("sel:\n  Image|endswith: '.exe'\ncondition: not sel")).toBeUndefined();
    expect(filterOf("a:\n  Image|endswith: '.exe'\nb:\n  Port|gt: 100\ncondition: a or b")).toBeUndefined();
    expect(filterOf("a:\n  Image|endswith: '.exe'\nb:\n  Port|gt: 100\ncondition: a and b")?.requirement).toBe('Image:.exe');
  });

  it('reads regular expressions and keywords', () => {
    expect(filterOf("sel:\n  CommandLine|re: '\\w+`(?:\\w+|-|.)`'\ncondition: sel")?.requirement).toBe('CommandLine:`');
    expect(filterOf("kw:\n  - Mimikatz\n  - 'rpc::'\ncondition: kw")?.requirement).toEqual({ any: ['keywords:mimikatz', 'keywords:rpc::'] });
  });

  it('needs only the texts between windash dashes, which every dash variant holds', () => {
    expect(filterOf("sel:\n  CommandLine|windash|contains: 'start/b /wait'\ncondition: sel")?.requirement).toEqual({ all: ['CommandLine:start', 'CommandLine:wait'] });
    expect(filterOf("sel:\n  CommandLine|windash|contains: [' -urlcache ', ' /verifyctl ']\ncondition: sel")?.triggers).toEqual(['urlcache ', 'verifyctl ']);
    // encoded after windash: one text per dash variant, any of which reaches the rule
    const encoded = filterOf("sel:\n  CommandLine|windash|base64|contains: '-nop'\ncondition: sel")?.requirement as { any: string[] };
    expect(encoded.any).toHaveLength(5);
  });

  it('needs nothing from a field with a `*` part, which the walk cannot follow by name', () => {
    expect(filterOf("sel:\n  Event.UserData.*.Operation|contains: 'ClearEventLog'\ncondition: sel")).toBeUndefined();
    expect(filterOf("sel:\n  Event.UserData.*.Operation|contains: 'ClearEventLog'\n  EventID: 'x5858'\ncondition: sel")?.requirement).toBe('EventID:x5858');
  });
});
