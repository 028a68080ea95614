// A Kafka broker of the test's own (deploy/local/kafka.sh with its own ports and run directory), so that a
// test can stop and start it without disturbing the shared stack. Note: kafka.sh start formats fresh storage.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, chmod } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const kafkaScript = resolve(dirname(fileURLToPath(import.meta.url)), '../../deploy/local/kafka.sh');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

export class PrivateKafka {
  private constructor(private readonly env: NodeJS.ProcessEnv, readonly runDir: string, readonly port: number) {}

  static async create(): Promise<PrivateKafka> {
    const runDir = await mkdtemp(join(tmpdir(), 'socle-private-kafka-'));
    await chmod(runDir, 0o755);
    const port = await freePort();
    const controllerPort = await freePort();
    const env = { ...process.env, SOCLE_STACK_RUN_DIR: runDir, SOCLE_KAFKA_PORT: String(port), SOCLE_KAFKA_CONTROLLER_PORT: String(controllerPort), SOCLE_KAFKA_HEAP: '384m' };
    return new PrivateKafka(env, runDir, port);
  }

  get brokers(): string[] {
    return [`127.0.0.1:${this.port}`];
  }

  start(): Promise<void> {
    return this.run('start');
  }

  stop(): Promise<void> {
    return this.run('stop');
  }

  async destroy(): Promise<void> {
    await this.stop().catch(() => undefined);
    await rm(this.runDir, { recursive: true, force: true });
  }

  private run(command: 'start' | 'stop'): Promise<void> {
    return new Promise((resolvePromise, reject) => {
      const child = spawn('bash', [kafkaScript, command], { env: this.env, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('exit', (code) => (code === 0 ? resolvePromise() : reject(new Error(`kafka.sh ${command} exited with ${code}:\n${stderr}`))));
    });
  }
}
