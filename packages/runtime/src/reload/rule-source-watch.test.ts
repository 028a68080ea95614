import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RuleSourceWatch } from './rule-source-watch.ts';

let dir: string;
let watch: RuleSourceWatch | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'socle-watch-'));
  await mkdir(join(dir, 'rules', 'windows'), { recursive: true });
  await writeFile(join(dir, 'rules', 'windows', 'a.yml'), 'title: a\n');
  await writeFile(join(dir, 'placeholders.yml'), 'admins: [root]\n');
});
afterEach(async () => {
  watch?.close();
  watch = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function watching(mode: 'events' | 'poll'): Promise<{ changes: () => number }> {
  let changes = 0;
  watch = new RuleSourceWatch({ paths: [join(dir, 'rules'), join(dir, 'placeholders.yml')], mode, debounceMs: 50, pollIntervalMs: 50, onChange: () => changes++ });
  await watch.start();
  return { changes: () => changes };
}

describe('RuleSourceWatch', () => {
  for (const mode of ['events', 'poll'] as const) {
    it(`${mode}: a file changed in a sub-folder, a new file and a changed placeholders file each say so`, async () => {
      const w = await watching(mode);
      expect(watch!.mode.polled).toBe(mode === 'poll' ? 2 : 1);

      await writeFile(join(dir, 'rules', 'windows', 'a.yml'), 'title: a, edited\n');
      await vi.waitFor(() => expect(w.changes()).toBeGreaterThanOrEqual(1), { timeout: 10_000, interval: 20 });
      const afterEdit = w.changes();

      await writeFile(join(dir, 'rules', 'b.yaml'), 'title: b\n');
      await vi.waitFor(() => expect(w.changes()).toBeGreaterThan(afterEdit), { timeout: 10_000, interval: 20 });
      const afterAdd = w.changes();

      await writeFile(join(dir, 'placeholders.yml'), 'admins: [root, admin]\n');
      await vi.waitFor(() => expect(w.changes()).toBeGreaterThan(afterAdd), { timeout: 10_000, interval: 20 });
    }, 40_000);
  }

  it('says nothing once closed', async () => {
    const w = await watching('poll');
    watch!.close();
    await writeFile(join(dir, 'rules', 'b.yml'), 'title: b\n');
    // several poll intervals and debounces pass; nothing may be reported
    await new Promise((r) => setTimeout(r, 300));
    expect(w.changes()).toBe(0);
  });
});
