/**
 * `socle detect` against rsigma (`rsigma engine eval`), whole processes on the same events and rules, in one run:
 *   pnpm exec tsx bench/peers-detect.ts [--events 120000] [--runs 3] [--no-install]
 * Rows: the SigmaHQ Windows rules without a pipeline on flat events (every rule on every event), and with the
 * Windows ECS pipeline on ECS events (log-source routing). Each cell is the median of `--runs` runs of user+system
 * CPU and peak RSS (`/usr/bin/time`); the event path is the run on all events minus a run on one event (loading).
 * The peer is `$RSIGMA`, else `~/.cargo/bin/rsigma`; when missing it is installed with
 * `cargo +nightly install rsigma --version 0.26.0` (cached by cargo) unless `--no-install`, and its rows say pending.
 * Prints a Markdown table for docs/benchmarks.md.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, homedir, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SIGMA_DIR } from '../test/setup/sigma-corpus.ts';

const { values } = parseArgs({ options: { events: { type: 'string', default: '120000' }, runs: { type: 'string', default: '3' }, 'no-install': { type: 'boolean', default: false } } });
const root = new URL('..', import.meta.url).pathname;
const count = Number(values.events);
const runs = Number(values.runs);
const rulesDir = join(SIGMA_DIR, 'rules/windows');
const RSIGMA_VERSION = '0.26.0';
const work = mkdtempSync(join(tmpdir(), 'socle-peers-'));

function data(shape: 'flat' | 'ecs'): string {
  const file = join(root, `bench/data/windows-${shape}-${count}.ndjson`);
  if (!existsSync(file)) execFileSync('pnpm', ['exec', 'tsx', join(root, 'bench/data/make-windows-events.ts'), '--count', String(count), '--shape', shape, '--out', file], { stdio: 'inherit' });
  return file;
}
/** The first line of a file, as a file of its own: a run on it measures loading the rules. */
function oneEvent(file: string): string {
  const one = join(work, `one-${file.split('/').pop()}`);
  writeFileSync(one, readFileSync(file, 'utf8').split('\n', 1)[0] + '\n');
  return one;
}

function rsigmaBinary(): string | { pending: string } {
  const candidate = process.env.RSIGMA ?? join(homedir(), '.cargo/bin/rsigma');
  if (existsSync(candidate)) return candidate;
  const install = ['+nightly', 'install', 'rsigma', '--version', RSIGMA_VERSION];
  if (values['no-install']) return { pending: `rsigma not installed (--no-install); run \`cargo ${install.join(' ')}\`` };
  process.stderr.write(`installing the peer: cargo ${install.join(' ')} (minutes; cached afterwards)\n`);
  const built = spawnSync('cargo', install, { stdio: 'inherit' });
  return existsSync(candidate) ? candidate : { pending: `cargo install rsigma failed (exit ${built.status})` };
}

interface Run {
  cpu: number;
  rssMiB: number;
  alerts: number;
}
/** One whole process under /usr/bin/time: CPU seconds, peak RSS, and alert lines on stdout. */
function timed(command: string, args: string[]): Run {
  const timeFile = join(work, 'time');
  const out = join(work, 'out');
  const result = spawnSync('bash', ['-c', `/usr/bin/time -o "$0" -f '%U %S %M' "$@" > "${out}" 2>/dev/null`, timeFile, command, ...args], { stdio: 'inherit' });
  if (!existsSync(timeFile)) throw new Error(`${command} did not run (exit ${result.status})`);
  const [user, system, rss] = readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  const text = readFileSync(out, 'utf8');
  let alerts = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) alerts++;
  rmSync(timeFile);
  return { cpu: user + system, rssMiB: rss / 1024, alerts };
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

interface Measured {
  total: number;
  load: number;
  rssMiB: number;
  alerts: number;
}
function measure(command: string, args: (input: string) => string[], input: string): Measured {
  const one = oneEvent(input);
  const full: Run[] = [];
  const load: Run[] = [];
  for (let r = 0; r < runs; r++) {
    full.push(timed(command, args(input)));
    load.push(timed(command, args(one)));
  }
  return { total: median(full.map((x) => x.cpu)), load: median(load.map((x) => x.cpu)), rssMiB: median(full.map((x) => x.rssMiB)), alerts: full[0].alerts };
}

const socleBin = join(root, 'node_modules/.bin/socle');
const rsigma = rsigmaBinary();
const cases = [
  { name: 'no pipeline, flat events (every rule on every event)', input: data('flat'), socle: [] as string[], rsigma: [] as string[] },
  { name: 'Windows ECS pipeline, ECS events (log-source routing)', input: data('ecs'), socle: ['-p', 'windows-ecs'], rsigma: ['-p', 'ecs_windows'] },
];

console.log(`${count.toLocaleString('en')} events, ${rulesDir.replace(SIGMA_DIR, 'SigmaHQ')} rules, median of ${runs} whole-process runs; event path = run on all events - run on one event. Load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}; ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}.\n`);
console.log('| case | engine | CPU s (whole) | CPU s (event path) | events per CPU s (event path) | ratio to rsigma (rate) | peak RSS MiB | ratio to rsigma (RSS) | alerts |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const c of cases) {
  const s = measure(socleBin, (input) => ['detect', '-q', '-r', rulesDir, ...c.socle, '-i', input], c.input);
  const peer = typeof rsigma === 'string' ? measure(rsigma, (input) => ['engine', 'eval', '-r', rulesDir, ...c.rsigma, '-e', `@${input}`], c.input) : undefined;
  const rate = (m: Measured) => count / Math.max(0.001, m.total - m.load);
  const cells = (m: Measured, rateRatio: string, rssRatio: string) =>
    `${m.total.toFixed(1)} | ${(m.total - m.load).toFixed(1)} | ${Math.round(rate(m)).toLocaleString('en')} | ${rateRatio} | ${Math.round(m.rssMiB)} | ${rssRatio} | ${m.alerts} |`;
  if (peer) {
    console.log(`| ${c.name} | socle | ${cells(s, (rate(s) / rate(peer)).toFixed(2), (s.rssMiB / peer.rssMiB).toFixed(2))}`);
    console.log(`| ${c.name} | rsigma ${RSIGMA_VERSION} | ${cells(peer, '1.00', '1.00')}`);
  } else {
    console.log(`| ${c.name} | socle | ${cells(s, 'pending', 'pending')}`);
    console.log(`| ${c.name} | rsigma ${RSIGMA_VERSION} | pending: ${(rsigma as { pending: string }).pending} | | | | | | |`);
  }
}
rmSync(work, { recursive: true, force: true });
