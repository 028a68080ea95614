// Starts test/collector/run-collector.ts in a child process and waits until it reports "started".
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';

const script = join(dirname(fileURLToPath(import.meta.url)), 'run-collector.ts');

export interface ChildCollector {
  process: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
}

export async function startChildCollector(config: unknown, configPath: string): Promise<ChildCollector> {
  await writeFile(configPath, stringify(config));
  const child = spawn(process.execPath, ['--import', 'tsx', script, configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('started')) resolve();
    });
    void exited.then((code) => reject(new Error(`collector exited with ${code} before starting:\n${stderr}`)));
  });
  return { process: child, stderr: () => stderr, exited };
}
