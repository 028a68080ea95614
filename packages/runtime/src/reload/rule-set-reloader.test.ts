import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine } from '@socle/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ReloadableEngine } from './reloadable-engine.ts';
import { RuleSetReloader } from './rule-set-reloader.ts';
import { readRuleSet, type RuleSetSources } from './rule-set-sources.ts';
import { BROKEN_RULE, BRUTE_FORCE_ID, FAILURE_ID, FAILURE_RULE, SUDO_ID, SUDO_RULE, bruteForceRule } from './test-rules.test-helper.ts';

let dir: string;
let sources: RuleSetSources;
const lines: string[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'socle-reload-'));
  await writeFile(join(dir, 'ssh.yml'), `${FAILURE_RULE}\n---\n${bruteForceRule(3)}`);
  sources = { rules: [dir], pipelines: [] };
  lines.length = 0;
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function running(): Promise<{ holder: ReloadableEngine; reloader: RuleSetReloader }> {
  const holder = new ReloadableEngine(createEngine(await readRuleSet(sources)));
  return { holder, reloader: new RuleSetReloader({ sources, target: holder, log: (l) => lines.push(l) }) };
}

const failure = (second: number) => ({
  '@timestamp': `2026-03-14T09:00:${String(second).padStart(2, '0')}Z`,
  'event.action': 'ssh_login',
  'event.outcome': 'failure',
  'source.ip': '198.51.100.7',
});

describe('RuleSetReloader', () => {
  it('refuses a set with a broken new file, naming the file and the reason, and keeps the running engine', async () => {
    const { holder, reloader } = await running();
    const before = holder.current;
    await writeFile(join(dir, 'broken.yml'), BROKEN_RULE);

    const result = await reloader.reload('test');
    expect(result.status).toBe('refused');
    expect(result.rejections).toEqual([expect.objectContaining({ file: join(dir, 'broken.yml'), id: '44444444-4444-4444-8444-444444444444', new: true })]);
    expect(result.rejections[0]!.reason).toMatch(/missing_identifier/);
    expect(result.reason).toContain('broken.yml');
    expect(holder.current).toBe(before);
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ event: 'rules.reload', status: 'refused', trigger: 'test', newlyRejected: 1 });
  });

  it('applies the set once the file is fixed, carrying the state of the unchanged correlation', async () => {
    const { holder, reloader } = await running();
    for (const s of [1, 2]) holder.process(failure(s), { id: `e${s}` });
    await writeFile(join(dir, 'broken.yml'), BROKEN_RULE);
    expect((await reloader.reload()).status).toBe('refused');

    await writeFile(join(dir, 'broken.yml'), SUDO_RULE);
    const result = await reloader.reload('watch');
    expect(result).toMatchObject({ status: 'applied', loaded: 3, rejections: [] });
    expect(result.state).toEqual({ kept: [FAILURE_ID, BRUTE_FORCE_ID].sort(), reset: [], added: [SUDO_ID], removed: [] });
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ status: 'applied', loaded: 3, kept: 2, reset: 0, added: 1, removed: 0 });

    const alerts = holder.process(failure(3), { id: 'e3' });
    expect(alerts.find((a) => a.rule.id === BRUTE_FORCE_ID)?.socle.correlation?.value).toBe(3);
  });

  it('refuses a set in which a running rule stopped compiling', async () => {
    const { holder, reloader } = await running();
    await writeFile(join(dir, 'ssh.yml'), `${FAILURE_RULE.replace('condition: selection', 'condition: selection and nothing')}\n---\n${bruteForceRule(3)}`);
    const result = await reloader.reload();
    expect(result.status).toBe('refused');
    expect(result.rejections.map((r) => r.id)).toEqual([FAILURE_ID, BRUTE_FORCE_ID]);
    expect(holder.current.loaded.map((r) => r.id)).toEqual([FAILURE_ID, BRUTE_FORCE_ID]);
  });

  it('refuses a set where nothing loads, and one it cannot read', async () => {
    const { holder, reloader } = await running();
    await rm(join(dir, 'ssh.yml'));
    expect(await reloader.reload()).toMatchObject({ status: 'refused', reason: 'no rule of the new set loads', loaded: 2 });

    await rm(dir, { recursive: true });
    const unreadable = await reloader.reload();
    expect(unreadable.status).toBe('refused');
    expect(unreadable.reason).toContain(dir);
    expect(holder.current.loaded).toHaveLength(2);
  });

  it('a rule the running set already rejected does not block a reload', async () => {
    await writeFile(join(dir, 'broken.yml'), BROKEN_RULE);
    const { reloader } = await running();
    await writeFile(join(dir, 'sudo.yml'), SUDO_RULE);
    const result = await reloader.reload();
    expect(result.status).toBe('applied');
    expect(result.rejections).toEqual([expect.objectContaining({ file: join(dir, 'broken.yml'), new: false })]);
    expect(result.state?.added).toEqual([SUDO_ID]);
  });

  it('a changed threshold resets the correlation', async () => {
    const { holder, reloader } = await running();
    for (const s of [1, 2]) holder.process(failure(s), { id: `e${s}` });
    await writeFile(join(dir, 'ssh.yml'), `${FAILURE_RULE}\n---\n${bruteForceRule(2)}`);
    expect((await reloader.reload()).state).toMatchObject({ kept: [FAILURE_ID], reset: [BRUTE_FORCE_ID] });
    expect(holder.process(failure(3), { id: 'e3' }).map((a) => a.rule.id)).toEqual([FAILURE_ID]);
  });
});
