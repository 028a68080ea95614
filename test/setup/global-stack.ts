// Vitest global setup for the `integration` project: starts Kafka and Elasticsearch with
// deploy/local/stack.sh in a fresh run directory, hands the connection to the tests, and stops
// the stack at the end (also when tests fail or vitest exits early).
// With SOCLE_TEST_STACK=external it uses an already running stack and leaves it running.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { connectionFromEnvironment, type StackConnection } from './stack-connection.ts';

const stackScript = resolve(dirname(fileURLToPath(import.meta.url)), '../../deploy/local/stack.sh');

function runStackScript(command: 'start' | 'stop' | 'status', env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    // stdout/stderr go to vitest's terminal so a failed start shows the service log tail.
    const child = spawn('bash', [stackScript, command], { env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', (error) => reject(new Error(`could not run ${stackScript} ${command}: ${error.message}`)));
    child.on('exit', (code, signal) => resolvePromise(code ?? (signal ? 128 : 1)));
  });
}

function exportConnection(project: TestProject, connection: StackConnection): void {
  project.provide('socleStack', connection);
  process.env.SOCLE_TEST_KAFKA_BROKERS = connection.kafkaBrokers.join(',');
  process.env.SOCLE_TEST_ES_URL = connection.elasticsearchUrl;
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  if (process.env.SOCLE_TEST_STACK === 'external') {
    const connection = connectionFromEnvironment(process.env);
    console.error(
      `[socle-stack] using the external stack: kafka ${connection.kafkaBrokers.join(',')}, elasticsearch ${connection.elasticsearchUrl}`,
    );
    exportConnection(project, connection);
    return undefined;
  }

  const runDir = mkdtempSync(join(tmpdir(), 'socle-stack-'));
  // Elasticsearch runs as an unprivileged user when we are root: it must be able to enter the run dir.
  chmodSync(runDir, 0o755);
  const env = { ...process.env, SOCLE_STACK_RUN_DIR: runDir };

  let stopped = false;
  const stopNow = (): void => {
    if (stopped) return;
    stopped = true;
    spawnSync('bash', [stackScript, 'stop'], { env, stdio: 'inherit' });
    rmSync(runDir, { recursive: true, force: true });
  };
  // Vitest runs the teardown below on a normal end; this covers an early process exit (Ctrl-C, crash).
  process.once('exit', stopNow);

  const code = await runStackScript('start', env);
  if (code !== 0) {
    stopNow();
    throw new Error(
      `deploy/local/stack.sh start exited with ${code}: see the log tail above. ` +
        'If a stack is already running, set SOCLE_TEST_STACK=external to use it.',
    );
  }
  exportConnection(project, connectionFromEnvironment(env));
  // Fault tests restart a service of this stack (deploy/local/kafka.sh restart needs the run dir); an external
  // stack is not ours to restart, so they skip without it.
  project.provide('socleStackRunDir', runDir);

  return async () => {
    if (stopped) return;
    await runStackScript('stop', env);
    // Only now: if vitest exits while the stop above runs, the exit handler stops the stack again.
    stopped = true;
    process.removeListener('exit', stopNow);
    rmSync(runDir, { recursive: true, force: true });
  };
}
