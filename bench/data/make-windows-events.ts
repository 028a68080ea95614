/**
 * Writes N realistic Windows events as NDJSON, deterministically (seeded), for the benchmark:
 *   pnpm exec tsx bench/data/make-windows-events.ts --count 120000 --out bench/data/windows-ecs.ndjson
 *   pnpm exec tsx bench/data/make-windows-events.ts --shape evtx --out bench/data/windows-evtx.ndjson
 * Options: --count N (120000), --shape ecs|evtx|flat (ecs; flat: Sigma field names, no pipeline needed), --seed N (1), --start ISO time, --out FILE (stdout).
 * A summary (events and suspicious events per template) goes to stderr.
 */
import { createWriteStream, readFileSync } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parsePipeline } from '../../packages/core/src/pipeline/index.ts';
import { Random } from './prng.ts';
import { makeEcsShaper, toEvtx, toFlat } from './windows-shapes.ts';
import { makeHosts, nextRecord } from './windows-templates.ts';

interface Options {
  count: number;
  shape: 'ecs' | 'evtx' | 'flat';
  seed: number;
  start: number;
  out?: string;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { count: 120000, shape: 'ecs', seed: 1, start: Date.parse('2026-01-05T07:30:00.000Z') };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = argv[i + 1];
    const need = (): string => {
      if (value === undefined) throw new Error(`${flag} needs a value`);
      i++;
      return value;
    };
    if (flag === '--count') options.count = positiveInteger(flag, need());
    else if (flag === '--seed') options.seed = positiveInteger(flag, need());
    else if (flag === '--out') options.out = need();
    else if (flag === '--start') {
      const v = need();
      options.start = Date.parse(v);
      if (Number.isNaN(options.start)) throw new Error(`--start: '${v}' is not an ISO 8601 time`);
    } else if (flag === '--shape') {
      const v = need();
      if (v !== 'ecs' && v !== 'evtx' && v !== 'flat') throw new Error(`--shape: expected 'ecs', 'evtx' or 'flat', got '${v}'`);
      options.shape = v;
    } else throw new Error(`unknown option '${flag}' (expected --count, --shape, --seed, --start, --out)`);
  }
  return options;
}

function positiveInteger(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${flag}: expected a positive integer, got '${text}'`);
  return n;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const random = new Random(options.seed);
  const hosts = makeHosts(random);
  const pipelineFile = fileURLToPath(new URL('../../packages/rules/pipelines/windows-ecs.yml', import.meta.url));
  const shapeEcs = makeEcsShaper(parsePipeline(readFileSync(pipelineFile, 'utf8'), 'windows-ecs.yml'));
  const shape = options.shape === 'ecs' ? shapeEcs : options.shape === 'flat' ? toFlat : toEvtx;

  const out: Writable = options.out ? createWriteStream(options.out) : process.stdout;
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  const suspicious = new Map<string, number>();
  let time = options.start;
  let batch: string[] = [];
  for (let i = 0; i < options.count; i++) {
    time += random.int(5, 600);
    const record = nextRecord({ random, host: random.pick(hosts), time });
    if (record.suspicious) suspicious.set(record.suspicious, (suspicious.get(record.suspicious) ?? 0) + 1);
    batch.push(JSON.stringify(shape(record, 100000 + i)));
    if (batch.length === 2000) {
      await write(`${batch.join('\n')}\n`);
      batch = [];
    }
  }
  if (batch.length > 0) await write(`${batch.join('\n')}\n`);
  if (options.out) {
    out.end();
    await once(out, 'finish');
  }

  const total = [...suspicious.values()].reduce((a, b) => a + b, 0);
  const detail = [...suspicious].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`).join(' ');
  process.stderr.write(`${options.count} ${options.shape} events${options.out ? ` to ${options.out}` : ''}; ${total} suspicious: ${detail}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`make-windows-events: ${(e as Error).message}\n`);
  process.exit(1);
});
