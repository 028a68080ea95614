import { execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect as connectTcp } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { connect as connectTls } from 'node:tls';
import { Collector, defaultInputName, inputSchema, inputTypes, validateConfig, type Input, type InputConfig, type InputType } from '@socle/collector';
import { silentLogger } from '@socle/core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { failureLine, FAILURE_RULE } from '../reload/test-rules.test-helper.ts';
import { EmbeddedService } from './embedded-service.ts';
import { runConfigSchema } from './run-config.ts';

/**
 * Every input type through every mode that has inputs: `socle collect` (collector -> stdout) and `socle run`
 * (inputs -> in-process bus -> engine -> journal). `socle serve` has no inputs of its own: a collector feeds it
 * through Kafka. One input configuration, written once, is handed to both modes unchanged.
 */
const TOKEN = 'a-token-of-sixteen-characters';
const ORG = 'acme';

let dir: string;
let tls: { cert: string; key: string };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'socle-every-mode-'));
  tls = { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') };
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', tls.key, '-out', tls.cert, '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
  await writeFile(join(dir, 'rules.yml'), FAILURE_RULE);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** How to configure one input type, and how a sender hands it one sshd failure. */
interface InputCase {
  config(caseDir: string): unknown;
  send(input: Input, caseDir: string, stdin: PassThrough): Promise<void>;
}

const syslogLine = `<38>${failureLine(1)}`;
const listen = '127.0.0.1:0';
const portOf = (input: Input): number => (input as Input & { port: number }).port;

const cases: Record<InputType, InputCase> = {
  'syslog-udp': {
    config: () => ({ type: 'syslog-udp', organization: ORG, listen }),
    send: async (input) => {
      const socket = createSocket('udp4');
      await new Promise<void>((resolve, reject) => socket.send(syslogLine, portOf(input), '127.0.0.1', (error) => (error ? reject(error) : resolve())));
      socket.close();
    },
  },
  'syslog-tcp': {
    config: () => ({ type: 'syslog-tcp', organization: ORG, listen }),
    send: (input) =>
      new Promise<void>((resolve, reject) => {
        const socket = connectTcp(portOf(input), '127.0.0.1', () => socket.end(syslogLine, () => resolve()));
        socket.once('error', reject);
      }),
  },
  'syslog-tls': {
    config: () => ({ type: 'syslog-tls', organization: ORG, listen, tls }),
    send: (input) =>
      new Promise<void>((resolve, reject) => {
        const socket = connectTls({ port: portOf(input), host: '127.0.0.1', rejectUnauthorized: false }, () => socket.end(syslogLine, () => resolve()));
        socket.once('error', reject);
      }),
  },
  file: {
    config: (caseDir) => ({ type: 'file', organization: ORG, format: 'auth', paths: [join(caseDir, '*.log')], stateFile: join(caseDir, 'positions.json'), pollIntervalMs: 20 }),
    send: (_input, caseDir) => writeFile(join(caseDir, 'auth.log'), failureLine(1)),
  },
  http: {
    config: () => ({ type: 'http', format: 'auth', listen, tokens: [{ token: TOKEN, organization: ORG }] }),
    send: async (input) => {
      const response = await fetch(`http://127.0.0.1:${portOf(input)}/ingest`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: failureLine(1) });
      expect(response.status).toBe(200);
    },
  },
  stdin: {
    config: () => ({ type: 'stdin', organization: ORG, format: 'auth' }),
    send: async (_input, _caseDir, stdin) => {
      stdin.end(failureLine(1));
    },
  },
};

/** A mode with inputs: started on one input configuration, it yields the events that reached its end. */
interface RunningMode {
  input(name: string): Input | undefined;
  /** The events (collect) or alerts carrying the event's fields (run) seen so far. */
  received(): Promise<Record<string, any>[]>;
  stop(): Promise<void>;
}

async function startCollect(input: InputConfig, stdin: PassThrough): Promise<RunningMode> {
  const stdout = new PassThrough();
  let text = '';
  stdout.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  const config = validateConfig({ inputs: [input], output: { type: 'stdout' }, buffer: { capacity: 100, batchSize: 10, lingerMs: 1 } }, 'test');
  const collector = new Collector(config, { stdin, stdout, stderr: new PassThrough(), logger: silentLogger });
  await collector.start();
  return {
    input: (name) => collector.inputs.find((i) => i.name === name),
    received: async () => text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, any>),
    stop: () => collector.stop(),
  };
}

async function startRun(input: InputConfig, stdin: PassThrough, caseDir: string): Promise<RunningMode> {
  const config = runConfigSchema.parse({ dataDir: join(caseDir, 'data'), inputs: [input], rules: [join(dir, 'rules.yml')], pipelines: ['linux-ecs'], api: { listen } });
  const service = new EmbeddedService(config, { stdin, logger: silentLogger });
  await service.start();
  return {
    input: (name) => service.input(name),
    received: async () => ((await (await fetch(`${service.apiUrl}/alerts`)).json()) as { alerts: Record<string, any>[] }).alerts,
    stop: () => service.stop(),
  };
}

const modes = { collect: startCollect, run: startRun };

describe.each(Object.keys(modes) as (keyof typeof modes)[])('socle %s', (mode) => {
  let running: RunningMode | undefined;
  afterEach(async () => {
    await running?.stop();
    running = undefined;
  });

  it.each([...inputTypes])('takes a record from a %s input under the input\'s default name', async (type) => {
    const caseDir = await mkdtemp(join(dir, `${mode}-${type}-`));
    const stdin = new PassThrough();
    const input = inputSchema.parse(cases[type].config(caseDir));
    running = await modes[mode](input, stdin, caseDir);
    const name = defaultInputName(input, 0);
    const started = running.input(name);
    expect(started, `an input named ${name}`).toBeDefined();

    await cases[type].send(started!, caseDir, stdin);
    await vi.waitFor(async () => expect(await running!.received()).toHaveLength(1), { timeout: 15_000, interval: 50 });
    const [received] = await running.received();
    expect(received).toMatchObject({ organization: { id: ORG }, source: { ip: '198.51.100.7' }, host: { name: 'web-01' } });
  }, 30_000);
});
