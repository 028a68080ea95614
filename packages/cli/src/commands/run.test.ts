import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';

const bin = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/socle.js');
let dir: string;
let taken: Server;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'socle-run-cli-'));
  taken = createServer();
  await new Promise<void>((r) => taken.listen(0, '127.0.0.1', () => r()));
});
afterEach(async () => {
  taken.close();
  await rm(dir, { recursive: true, force: true });
});

it('socle run exits with status 2 when a syslog port is taken, instead of running deaf', async () => {
  const port = (taken.address() as AddressInfo).port;
  const config = join(dir, 'run.yml');
  await writeFile(config, `dataDir: ./data\ninputs:\n  - {type: syslog-tcp, organization: acme, listen: '127.0.0.1:${port}'}\napi: {listen: '127.0.0.1:0'}\nreload: {watch: false}\n`);
  const child = spawn(process.execPath, [bin, 'run', '--config', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  expect(code).toBe(2);
  expect(stderr).toMatch(/127\.0\.0\.1:\d+.*optionalInputs/);
}, 60_000);
