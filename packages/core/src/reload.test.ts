import { describe, expect, it } from 'vitest';
import { createEngine, type Engine, type TextSource } from './engine.ts';
import { formatLoadError } from './sigma/errors.ts';

const FAILED_LOGIN = 'a1b2c3d4-0000-4000-8000-000000000001';
const BRUTE_FORCE = 'a1b2c3d4-0000-4000-8000-000000000002';
const WHOAMI = 'a1b2c3d4-0000-4000-8000-000000000003';
const SUDO = 'a1b2c3d4-0000-4000-8000-000000000004';

const failedLogin = (extra = ''): TextSource => ({
  file: 'failed-login.yml',
  text: `
title: Failed login
id: ${FAILED_LOGIN}
name: failed_login
${extra}
logsource:
  product: linux
  service: auth
detection:
  selection:
    event.outcome: failure
  condition: selection
`,
});

const bruteForce = (threshold: number, description = 'Many failed logins for one user'): TextSource => ({
  file: 'brute-force.yml',
  text: `
title: Brute force
id: ${BRUTE_FORCE}
description: ${description}
correlation:
  type: event_count
  rules: failed_login
  group-by: [user.name]
  timespan: 10m
  condition:
    gte: ${threshold}
`,
});

const whoami: TextSource = {
  file: 'whoami.yml',
  text: `
title: Whoami
id: ${WHOAMI}
logsource:
  product: linux
  category: process_creation
detection:
  selection:
    process.name: whoami
  condition: selection
`,
};

const sudo = (duration: string): TextSource => ({
  file: 'sudo.yml',
  text: `
title: Sudo to root
id: ${SUDO}
logsource:
  product: linux
  service: auth
detection:
  selection:
    process.name: sudo
  condition: selection
socle:
  suppression:
    group-by: [user.name]
    duration: ${duration}
`,
});

const T0 = Date.parse('2026-11-23T10:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const failure = (minutes: number, user = 'alice') => ({ '@timestamp': at(minutes), 'event.outcome': 'failure', 'user.name': user });
const sudoBy = (minutes: number, user = 'bob') => ({ '@timestamp': at(minutes), 'process.name': 'sudo', 'user.name': user });

function engineOf(rules: TextSource[]): Engine {
  const engine = createEngine({ rules });
  expect(engine.rejected.map(formatLoadError)).toEqual([]);
  return engine;
}

function feed(engine: Engine, events: Record<string, unknown>[]): string[] {
  return events.flatMap((e, i) => engine.process(e, { id: `e${i}-${String(e['@timestamp'])}` })).map((a) => a.rule.id);
}

describe('carrying correlation state across a reload', () => {
  it('a brute-force correlation half-way through its window keeps counting when only an unrelated rule is added', () => {
    const before = engineOf([failedLogin(), bruteForce(3)]);
    expect(feed(before, [failure(0), failure(1)])).toEqual([]);

    const after = engineOf([failedLogin(), bruteForce(3), whoami]);
    const carried = after.carryStateFrom(before);
    expect(carried).toEqual({ kept: [FAILED_LOGIN, BRUTE_FORCE].sort(), reset: [], added: [WHOAMI], removed: [] });

    expect(feed(after, [failure(2)])).toEqual([BRUTE_FORCE]);
  });

  it('changing the threshold resets the correlation: it counts again from zero', () => {
    const before = engineOf([failedLogin(), bruteForce(3)]);
    feed(before, [failure(0), failure(1)]);

    const after = engineOf([failedLogin(), bruteForce(2)]);
    const carried = after.carryStateFrom(before);
    expect(carried.reset).toEqual([BRUTE_FORCE]);
    expect(carried.kept).toEqual([FAILED_LOGIN]);

    // with the old count (2) the new threshold would already fire on the next event
    expect(feed(after, [failure(2)])).toEqual([]);
    expect(feed(after, [failure(3)])).toEqual([BRUTE_FORCE]);
  });

  it('a changed detection rule resets the correlations built on it', () => {
    const before = engineOf([failedLogin(), bruteForce(3)]);
    feed(before, [failure(0), failure(1)]);
    const after = engineOf([failedLogin('level: high'), bruteForce(3)]);
    expect(after.carryStateFrom(before).reset).toEqual([FAILED_LOGIN, BRUTE_FORCE].sort());
    expect(feed(after, [failure(2)])).toEqual([]);
  });

  it('editing only documentation (description) keeps the state', () => {
    const before = engineOf([failedLogin(), bruteForce(3)]);
    feed(before, [failure(0), failure(1)]);
    const after = engineOf([failedLogin(), bruteForce(3, 'Reworded description')]);
    expect(after.carryStateFrom(before).kept).toEqual([FAILED_LOGIN, BRUTE_FORCE].sort());
    expect(feed(after, [failure(2)])).toEqual([BRUTE_FORCE]);
  });

  it("a removed rule's state is gone, and it starts empty if it comes back", () => {
    const before = engineOf([failedLogin(), bruteForce(3)]);
    feed(before, [failure(0), failure(1)]);

    const without = engineOf([failedLogin()]);
    expect(without.carryStateFrom(before)).toEqual({ kept: [FAILED_LOGIN], reset: [], added: [], removed: [BRUTE_FORCE] });
    expect(without.stats().correlation.rules).toEqual({});
    expect(new TextDecoder().decode(without.snapshot())).not.toContain(BRUTE_FORCE);

    const back = engineOf([failedLogin(), bruteForce(3)]);
    expect(back.carryStateFrom(without).added).toEqual([BRUTE_FORCE]);
    expect(feed(back, [failure(2)])).toEqual([]);
    expect(back.stats().correlation.rules[BRUTE_FORCE]!.keys).toBe(1);
  });

  it('the watermark carries over: a match older than it stays late after the reload', () => {
    const before = engineOf([failedLogin(), bruteForce(3)]);
    feed(before, [failure(5)]);
    const after = engineOf([failedLogin(), bruteForce(3), whoami]);
    after.carryStateFrom(before);
    expect(after.stats().correlation.watermark).toBe(T0 + 5 * 60_000);
    feed(after, [failure(1)]);
    expect(after.stats().correlation.rules[BRUTE_FORCE]!.lateDropped).toBe(1);
  });

  it('a snapshot (e.g. a checkpoint written before the rules changed) carries over like the engine itself', () => {
    const before = engineOf([failedLogin(), bruteForce(3)]);
    feed(before, [failure(0), failure(1)]);
    const fromBytes = engineOf([failedLogin(), bruteForce(3), whoami]);
    const fromEngine = engineOf([failedLogin(), bruteForce(3), whoami]);
    expect(fromBytes.carryStateFrom(before.snapshot())).toEqual(fromEngine.carryStateFrom(before));
    expect(new TextDecoder().decode(fromBytes.snapshot())).toBe(new TextDecoder().decode(fromEngine.snapshot()));
  });

  it('refuses to carry state into an engine that already processed events', () => {
    const before = engineOf([failedLogin()]);
    const after = engineOf([failedLogin()]);
    feed(after, [failure(0)]);
    expect(() => after.carryStateFrom(before)).toThrow(/before its first event/);
  });
});

describe('carrying suppression windows across a reload', () => {
  it('an unchanged rule keeps folding into the window opened before the reload', () => {
    const before = engineOf([sudo('10m')]);
    expect(feed(before, [sudoBy(0), sudoBy(1)])).toEqual([SUDO]);

    const after = engineOf([sudo('10m'), whoami]);
    expect(after.carryStateFrom(before).kept).toEqual([SUDO]);
    expect(feed(after, [sudoBy(2)])).toEqual([]);
    const updates = after.advanceWatermark(T0 + 11 * 60_000);
    expect(updates).toHaveLength(1);
    expect(updates[0]!.socle.suppression?.suppressed).toBe(2);
  });

  it('a changed suppression setting drops the open window: the next alert goes through', () => {
    const before = engineOf([sudo('10m')]);
    feed(before, [sudoBy(0)]);
    const after = engineOf([sudo('30m')]);
    expect(after.carryStateFrom(before).reset).toEqual([SUDO]);
    expect(feed(after, [sudoBy(2)])).toEqual([SUDO]);
  });
});

describe('matches still waiting for the allowed lateness', () => {
  const whoamiBurst: TextSource = {
    file: 'whoami-burst.yml',
    text: `
title: Whoami burst
id: a1b2c3d4-0000-4000-8000-000000000005
correlation:
  type: event_count
  rules: ${WHOAMI}
  group-by: [user.name]
  timespan: 5m
  condition:
    gte: 2
`,
  };

  it('carry over to the kept correlation even when the new set lists another correlation before it', () => {
    const correlation = { allowedLatenessMs: 10 * 60_000 };
    const before = createEngine({ rules: [failedLogin(), bruteForce(3)], correlation });
    feed(before, [failure(0), failure(1)]);
    expect(before.stats().correlation.bufferedMatches).toBe(2);

    const after = createEngine({ rules: [whoami, whoamiBurst, failedLogin(), bruteForce(3)], correlation });
    expect(after.rejected).toEqual([]);
    expect(after.carryStateFrom(before).kept).toEqual([FAILED_LOGIN, BRUTE_FORCE].sort());
    expect(after.stats().correlation.bufferedMatches).toBe(2);
    feed(after, [failure(2)]);
    expect(after.flush().map((a) => a.rule.id)).toEqual([BRUTE_FORCE]);
  });
});

describe('fork', () => {
  it('gives engines of the same loaded rules whose correlation state is their own', () => {
    const engine = createEngine({ rules: [failedLogin(), bruteForce(3), { file: 'broken.yml', text: 'title: broken\ndetection: {condition: nothing}\n' }] });
    feed(engine, [failure(0), failure(1)]);
    const fork = engine.fork();
    expect(fork.loaded).toEqual(engine.loaded);
    expect(fork.rejected.map((r) => r.title)).toEqual(['broken']);
    // The fork starts empty: two failures of its own are not three (the detection rule's own alerts are
    // consumed by the correlation).
    expect(feed(fork, [failure(2), failure(3)])).toEqual([]);
    expect(feed(fork.fork(), [failure(4)])).toEqual([]);
    // The original keeps its own count: its third failure completes the correlation, as the fork's does.
    expect(feed(engine, [failure(2)])).toEqual([BRUTE_FORCE]);
    expect(feed(fork, [failure(4)])).toEqual([BRUTE_FORCE]);
    // Snapshots move between an engine and its forks.
    const restored = engine.fork();
    restored.restore(fork.snapshot());
    expect(restored.stats().correlation).toEqual(fork.stats().correlation);
  });
});
