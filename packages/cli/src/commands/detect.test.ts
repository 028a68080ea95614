import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../bin/socle.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'socle-detect-'));
const rules = join(dir, 'rules.yml');

function socle(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [bin, ...args], { input, encoding: 'utf8', timeout: 60_000 });
  const alerts = r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { rule: { id: string }; socle: { correlation?: { value: number } } });
  return { code: r.status, alerts, stderr: r.stderr };
}

const failure = (minute: number, user: string) =>
  JSON.stringify({ '@timestamp': `2026-01-01T00:0${minute}:00Z`, event: { action: 'ssh_login', outcome: 'failure' }, source: { ip: '203.0.113.9' }, user: { name: user } });

beforeAll(() => {
  writeFileSync(
    rules,
    `title: SSH failed password
id: 11111111-1111-4111-8111-111111111111
name: ssh_failed
logsource: {product: linux, service: sshd}
detection:
  sel: {event.action: ssh_login, event.outcome: failure}
  condition: sel
---
title: Whoami
id: 33333333-3333-4333-8333-333333333333
logsource: {product: windows, category: process_creation}
detection:
  sel: {process.executable|endswith: '\\\\whoami.exe'}
  condition: sel
level: medium
---
title: SSH brute force
id: 22222222-2222-4222-8222-222222222222
correlation: {type: event_count, rules: [ssh_failed], group-by: [source.ip], timespan: 5m, condition: {gte: 3}}
level: high
---
title: Broken
id: 44444444-4444-4444-8444-444444444444
logsource: {product: windows}
detection:
  sel: {CommandLine|re: '(?=x)'}
  condition: sel
`,
  );
});

describe('socle detect', () => {
  it('prints detection alerts with the rule id, exits 1 when there are alerts and 0 when there are none', () => {
    const hit = socle(['detect', '-r', rules, '-q'], JSON.stringify({ process: { executable: 'C:\\Windows\\System32\\whoami.exe' } }) + '\n');
    expect(hit.code).toBe(1);
    expect(hit.alerts.map((a) => a.rule.id)).toEqual(['33333333-3333-4333-8333-333333333333']);
    const none = socle(['detect', '-r', rules, '-q'], JSON.stringify({ process: { executable: 'C:\\Windows\\notepad.exe' } }) + '\n');
    expect(none.code).toBe(0);
    expect(none.alerts).toEqual([]);
  });

  it('reports rejected rules and bad lines on stderr with their place, and goes on with the rest', () => {
    const r = socle(['detect', '-r', rules], `not json\n[1,2]\n${JSON.stringify({ 'process.executable': 'c:\\x\\WHOAMI.EXE' })}\n`);
    expect(r.code).toBe(1);
    expect(r.alerts).toHaveLength(1);
    expect(r.stderr).toContain('44444444-4444-4444-8444-444444444444');
    expect(r.stderr).toContain('stdin:1: not JSON');
    expect(r.stderr).toContain('stdin:2: not a JSON object');
    expect(r.stderr).toMatch(/3 lines, 1 events, 2 skipped, 1 alerts; 3 rules loaded, 1 rejected/);
  });

  it('skips an event the engine cannot evaluate, with its line, and detects the ones around it', () => {
    const whoami = JSON.stringify({ process: { executable: 'C:\\Windows\\System32\\whoami.exe' } });
    const absurd = JSON.stringify({ '@timestamp': 1e20, process: { executable: 'C:\\Windows\\System32\\whoami.exe' } });
    const r = socle(['detect', '-r', rules], `${whoami}\n${absurd}\n${whoami}\n`);
    expect(r.code).toBe(1);
    expect(r.alerts).toHaveLength(2);
    expect(r.stderr).toMatch(/stdin:2: .*; skipped/);
    expect(r.stderr).toMatch(/3 lines, 2 events, 1 skipped, 2 alerts/);
  });

  it('correlates a sorted file, and an unsorted one with --sort or --lateness', () => {
    const sorted = [1, 2, 3, 4].map((m) => failure(m, `u${m}`));
    const file = join(dir, 'unsorted.ndjson');
    writeFileSync(file, [...sorted].reverse().join('\n') + '\n');
    const correlated = (r: ReturnType<typeof socle>) => r.alerts.filter((a) => a.rule.id === '22222222-2222-4222-8222-222222222222');
    expect(correlated(socle(['detect', '-r', rules, '-q'], sorted.join('\n') + '\n'))).toHaveLength(1);
    const plain = socle(['detect', '-r', rules, '-i', file]);
    expect(correlated(plain)).toHaveLength(0);
    expect(plain.stderr).toContain('too late to correlate');
    expect(correlated(socle(['detect', '-r', rules, '-i', file, '--sort', '-q']))).toHaveLength(1);
    expect(correlated(socle(['detect', '-r', rules, '-i', file, '--lateness', '10m', '-q']))).toHaveLength(1);
  });

  it('exits 2 on usage errors: missing input file, bad lateness, no rule loaded', () => {
    expect(socle(['detect', '-r', rules, '-i', join(dir, 'missing.ndjson')]).code).toBe(2);
    expect(socle(['detect', '-r', rules, '--lateness', 'soon'], '').code).toBe(2);
    const empty = join(dir, 'empty.yml');
    writeFileSync(empty, '');
    expect(socle(['detect', '-r', empty], '').code).toBe(2);
    expect(socle(['detect'], '').code).toBe(2);
  });
});
