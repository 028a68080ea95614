// Runs one collector from a YAML configuration until SIGTERM/SIGINT: the tests start it as a child process
// so that they can kill it hard (SIGKILL) in the middle of a stream.
import { createLogger } from '@socle/core';
import { Collector, loadConfigFile } from '../../packages/collector/src/index.ts';

const configPath = process.argv[2];
if (!configPath) throw new Error('usage: run-collector.ts <config.yaml>');
const collector = new Collector(await loadConfigFile(configPath), { logger: createLogger({ format: 'text', prefix: 'collector: ', write: (line) => process.stderr.write(line) }) });
await collector.start();
process.stdout.write('started\n');
const stop = async () => {
  await collector.stop();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
