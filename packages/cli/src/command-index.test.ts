import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMANDS, commandOf } from './command-index.ts';

describe('command index', () => {
  it('loads, for each listed command, the module that registers a command of that name', async () => {
    for (const entry of COMMANDS) {
      const program = new Command('socle');
      (await entry.load())(program);
      expect(program.commands.map((c) => c.name()), entry.name).toEqual([entry.name]);
    }
  });

  it('finds the command an argument list runs, `help <name>` included', () => {
    expect(commandOf(['detect', '--rules', 'r'])?.name).toBe('detect');
    expect(commandOf(['help', 'alerts'])?.name).toBe('alerts');
    expect(commandOf(['--help'])).toBeUndefined();
    expect(commandOf(['nope'])).toBeUndefined();
  });
});
