/**
 * Start-up and rule loading, whole processes, side by side with rsigma (the Rust Sigma engine) in one run:
 *   pnpm bench:start            (builds Socle; installs rsigma 0.26.0 with cargo when ~/.cargo/bin has none)
 * Each case is one process on one event; the figure is the CPU time (user + system) of the process, the median of
 * BENCH_ROUNDS runs (default 3), socle and rsigma taking turns so both meet the same machine load.
 * Prints a Markdown table for docs/benchmarks.md. Not part of `npm test`. RSIGMA=none: Socle's column only.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SIGMA_DIR } from '../test/setup/sigma-corpus.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RSIGMA_VERSION = '0.26.0';
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);

/** rsigma from RSIGMA, else ~/.cargo/bin, else built there now (the way the issue measured it; 30-60 minutes). */
function rsigmaBinary(): string | undefined {
  if (process.env.RSIGMA === 'none') return undefined;
  const bin = process.env.RSIGMA ?? join(process.env.CARGO_HOME ?? join(homedir(), '.cargo'), 'bin', 'rsigma');
  if (!existsSync(bin)) {
    console.error(`bench: installing rsigma ${RSIGMA_VERSION} (cargo +nightly install; cached in ~/.cargo/bin)`);
    execFileSync('cargo', ['+nightly', 'install', 'rsigma', '--version', RSIGMA_VERSION], { stdio: 'inherit' });
  }
  const version = execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim();
  if (!version.includes(RSIGMA_VERSION)) console.error(`bench: warning: ${bin} is ${version}, not ${RSIGMA_VERSION}`);
  return bin;
}

/** CPU seconds (user + system) of a command and its children, from the shell's `times`. */
function cpuSeconds(argv: string[], env: NodeJS.ProcessEnv): number {
  const r = spawnSync('bash', ['-c', '"$@" </dev/null >/dev/null 2>&1; echo "exit $?"; times', 'bench', ...argv], { encoding: 'utf8', env });
  const lines = r.stdout.trim().split('\n');
  const status = Number(lines[0].replace('exit ', ''));
  // socle detect exits 1 when an alert fires; 2 and more is an error
  if (status > 1) throw new Error(`${argv.join(' ')} exited ${status}`);
  const seconds = (t: string) => {
    const m = /^(\d+)m([\d.]+)s$/.exec(t)!;
    return Number(m[1]) * 60 + Number(m[2]);
  };
  const [user, system] = lines[lines.length - 1].split(/\s+/);
  return seconds(user) + seconds(system);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { stdio: 'inherit' });
const rsigma = rsigmaBinary();
const socle = [process.execPath, join(ROOT, 'packages/cli/bin/socle.js')];

const work = mkdtempSync(join(tmpdir(), 'socle-bench-start-'));
const windowsRules = join(SIGMA_DIR, 'rules', 'windows');
// The whole corpus in one folder (rsigma takes one rule path): rules, rules-emerging-threats, -threat-hunting, ...
const corpus = join(work, 'corpus');
for (const dir of readdirSync(SIGMA_DIR).filter((d) => d.startsWith('rules'))) cpSync(join(SIGMA_DIR, dir), join(corpus, dir), { recursive: true });
const event = { EventID: 1, Image: 'C:\\Windows\\System32\\whoami.exe', CommandLine: 'whoami /priv', 'process.command_line': 'whoami /priv' };
const eventFile = join(work, 'event.ndjson');
writeFileSync(eventFile, `${JSON.stringify(event)}\n`);

const cold = { ...process.env, NODE_OPTIONS: '', SOCLE_CACHE_DIR: 'off' };
const warm = { ...process.env, NODE_OPTIONS: '', SOCLE_CACHE_DIR: join(work, 'cache') };

interface Case {
  what: string;
  socle: string[];
  socleEnv: NodeJS.ProcessEnv;
  rsigma: string[];
  target?: string;
}
const detect = (rules: string, pipeline?: string) => [...socle, 'detect', '-q', '--rules', rules, ...(pipeline ? ['--pipeline', pipeline] : []), '--input', eventFile];
const evaluate = (rules: string, pipeline?: string) => [rsigma ?? 'rsigma', 'engine', 'eval', '-r', rules, ...(pipeline ? ['-p', pipeline] : []), '-e', JSON.stringify(event)];
const cases: Case[] = [
  { what: '`socle --help` / `rsigma --help`', socle: [...socle, '--help'], socleEnv: cold, rsigma: [rsigma ?? 'rsigma', '--help'], target: 'socle under 0.3 s' },
  { what: 'SigmaHQ Windows rules (2,407), windows-ecs, one event, no cache', socle: detect(windowsRules, 'windows-ecs'), socleEnv: cold, rsigma: evaluate(windowsRules, 'ecs_windows'), target: 'ratio at most 1' },
  { what: 'SigmaHQ Windows rules, parsed-rules cache warm', socle: detect(windowsRules, 'windows-ecs'), socleEnv: warm, rsigma: evaluate(windowsRules, 'ecs_windows'), target: 'ratio at most 1' },
  { what: 'whole corpus (3,780 rules), no pipeline, no cache', socle: detect(corpus), socleEnv: cold, rsigma: evaluate(corpus) },
  { what: 'whole corpus, parsed-rules cache warm', socle: detect(corpus), socleEnv: warm, rsigma: evaluate(corpus) },
];
// fill the cache the warm cases read
for (const c of cases) if (c.socleEnv === warm) cpuSeconds(c.socle, warm);

const rows: string[] = [];
for (const c of cases) {
  const s: number[] = [];
  const r: number[] = [];
  for (let i = 0; i < rounds; i++) {
    s.push(cpuSeconds(c.socle, c.socleEnv));
    if (rsigma) r.push(cpuSeconds(c.rsigma, process.env));
  }
  const ms = median(s);
  const mr = rsigma ? median(r) : undefined;
  rows.push(`| ${c.what} | ${ms.toFixed(2)} | ${mr?.toFixed(2) ?? 'not run'} | ${mr ? (ms / mr).toFixed(2) : ''} | ${c.target ?? ''} |`);
  console.error(rows[rows.length - 1]);
}

const rsigmaVersion = rsigma ? execFileSync(rsigma, ['--version'], { encoding: 'utf8' }).trim() : 'rsigma not run';
console.log(`\nsocle (node ${process.version}), ${rsigmaVersion}, ${rounds} rounds, median CPU s (user + system)\n`);
console.log('| case | socle CPU s | rsigma CPU s | socle / rsigma | target |');
console.log('|---|---:|---:|---:|---|');
for (const row of rows) console.log(row);
