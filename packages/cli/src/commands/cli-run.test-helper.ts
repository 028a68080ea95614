import { Command } from 'commander';
import { vi } from 'vitest';

/** Runs a `socle` sub-command in-process; returns what it printed and the exit code it set. */
export async function runCli(register: (program: Command) => void, args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  process.exitCode = undefined;
  const program = new Command('socle').exitOverride();
  register(program);
  let code: number;
  try {
    await program.parseAsync(args, { from: 'user' });
    code = Number(process.exitCode ?? 0);
  } catch (e) {
    code = typeof (e as { exitCode?: number }).exitCode === 'number' ? (e as { exitCode: number }).exitCode : 1;
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = undefined;
  }
  return { stdout, stderr, code };
}
