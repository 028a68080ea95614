import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Alert } from './alert.ts';
import { createEngine, type EngineOptions } from './engine.ts';
import { V2_OPTIONS, V2_RULES, v2Events, v2Snapshot } from './fixtures/engine-snapshot-v2.test-helper.ts';
import { BRUTE_FORCE, ROOT_LOGIN, SSH_FAILURE, sshEvent } from './tenancy.test-rules.ts';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));
const engineOf = (texts: string[], options: Partial<EngineOptions> = {}) =>
  createEngine({ rules: texts.map((text, i) => ({ text, file: `rule${i}.yml` })), ...options });
const run = (engine: ReturnType<typeof createEngine>, events: Record<string, unknown>[]): Alert[] => [...events.flatMap((e) => engine.process(e)), ...engine.flush()];
const correlationState = (engine: ReturnType<typeof createEngine>) => JSON.parse(new TextDecoder().decode(engine.snapshot())).correlation;

describe('snapshots of older formats', () => {
  it('the engine saves socle.correlation/3, with field names that say what each is', () => {
    const state = JSON.parse(new TextDecoder().decode(v2Snapshot())).correlation;
    expect(state.format).toBe('socle.correlation/3');
    expect(Object.keys(state.buffer[0]).sort()).toEqual(['eventId', 'groups', 'organization', 'ruleId', 'seq', 'time']);
    expect(Object.keys(state.buffer[0].groups[0]).sort()).toEqual(['key', 'ruleIndex', 'value']);
    const groups = state.rules.flatMap((r: { groups: Array<[string, object]> }) => r.groups.map(([, g]) => Object.keys(g)));
    expect(new Set(groups.flat())).toEqual(new Set(['times', 'eventIds', 'organizations', 'lastMatch']));
  });

  it('a socle.correlation/2 snapshot continues exactly like the run that wrote it', () => {
    const { before, after } = v2Events();
    const uninterrupted = engineOf(V2_RULES, V2_OPTIONS);
    for (const e of before) uninterrupted.process(e);
    const expected = run(uninterrupted, after);
    expect(expected.filter((a) => a.rule.category === 'correlation').length).toBeGreaterThan(0);

    const restored = engineOf(V2_RULES, V2_OPTIONS);
    restored.restore(fixture('engine-snapshot-v2.json'));
    expect(run(restored, after)).toEqual(expected);
  });

  it('a socle.correlation/2 snapshot restores to the state the current format writes for the same run', () => {
    const written = engineOf(V2_RULES, V2_OPTIONS);
    for (const e of v2Events().before) written.process(e);
    const restored = engineOf(V2_RULES, V2_OPTIONS);
    restored.restore(fixture('engine-snapshot-v2.json'));
    expect(correlationState(restored)).toEqual(correlationState(written));
  });

  it('a socle.correlation/1 snapshot, saved again in the current format, gives the same alerts', () => {
    const rules = [SSH_FAILURE, BRUTE_FORCE, ROOT_LOGIN];
    const events = [sshEvent({ s: 12, org: 'org-b' }), sshEvent({ s: 13 }), sshEvent({ s: 14, user: 'root' })];
    const fromV1 = engineOf(rules);
    fromV1.restore(fixture('engine-snapshot-v1.json'));
    const resaved = engineOf(rules);
    resaved.restore(fromV1.snapshot());
    const alerts = run(fromV1, events);
    expect(alerts.filter((a) => a.rule.category === 'correlation')).toHaveLength(1);
    expect(run(resaved, events)).toEqual(alerts);
  });
});
